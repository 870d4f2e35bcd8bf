import { inject } from 'vitest';

import { signAccessToken } from '../shared/auth/session-token.js';
import { signingKeysSchema } from '../shared/platform/config.js';

export const baseUrl = () => inject('baseUrl');

/** A real session for a demo account, created by the local host (so revocation and suspension apply). */
export async function sessionFor(accountId: string): Promise<{ accessToken: string; refreshToken: string; sessionId: string }> {
  const response = await fetch(`${baseUrl()}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  if (response.status !== 200) throw new Error(`/_local/tokens answered ${response.status}`);
  return (await response.json()) as { accessToken: string; refreshToken: string; sessionId: string };
}

export async function tokenFor(accountId: string): Promise<string> {
  return (await sessionFor(accountId)).accessToken;
}

/** A correctly signed token for any claims, without a session behind it (for negative tests). */
export async function signedTokenWithoutSession(accountId: string, options: { now?: Date; ttlSeconds?: number } = {}): Promise<string> {
  const keys = signingKeysSchema.parse(inject('signingKeys'));
  return signAccessToken({ accountId, sessionId: `no-session-${accountId}` }, keys, options.now ?? new Date(), options.ttlSeconds);
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch against a local host (its URL read at each call: suites start theirs in beforeAll); parses JSON bodies. */
export function apiAt(url: () => string) {
  return async <T = any>(path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<ApiResponse<T>> => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${url()}${path}`, { ...init, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
}

/** fetch against the suite's shared local host; parses JSON bodies. */
export const api = apiAt(baseUrl);
