import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { definitions } from '../functions/index.js';
import { compileRoute } from '../shared/http/routes.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { HttpDefinition } from '../shared/platform/definitions.js';

/**
 * Bad input gets a clear error, never a 500: every HTTP route gets random path parameters, query strings (its own
 * declared parameters with junk and edge values, continuation tokens forged, altered or taken from another list),
 * bodies and content types, as an anonymous caller and as operator staff (the widest rights), on a host of its own,
 * with several seeds. Every answer must be below 500 and, when it is an error, the envelope with a code and a message.
 */
let host: LocalHost;

/** A fresh staff session per request: a random request may well be a valid sign-out. */
async function staffToken(): Promise<string> {
  const response = await fetch(`${host.url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId: demo.accounts.staff }),
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false });
});
afterAll(async () => host?.close());

const routes = definitions.filter((d): d is HttpDefinition => d.kind === 'http');

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('..', '%2e%2e', 'acc-ee-student-mihkel', demo.schools.ee, 'order-none', '0', '-1', 'ä', '%00', '%', 'a'.repeat(500)),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ type: 'application/json', text: JSON.stringify(v) })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: 'application/json', text })),
  fc
    .dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 5 })
    .map((d) => ({ type: 'application/x-www-form-urlencoded', text: new URLSearchParams(d).toString() })),
  fc.string({ maxLength: 100 }).map((text) => ({ type: 'text/plain', text })),
  fc.constant({ type: 'application/json', text: '' }),
);
/** Sealed tokens this host handed out (from another user's or another list's page): transplanted, they must be a 400. */
const realTokens: string[] = [];
const continuationJunk = fc.oneof(
  fc.constantFrom(
    '1',
    'true',
    'null',
    '[]',
    '{}',
    '{"token":"x","range":{"min":"","max":"FF"}}',
    '[{"token":null}]',
    '-1',
    'a.b',
    `${'A'.repeat(10)}.${'B'.repeat(43)}`,
    '%',
    '',
  ),
  fc.string({ maxLength: 60 }),
  fc.json({ maxDepth: 2 }),
  fc.nat().map((n) => realTokens[n % Math.max(1, realTokens.length)] ?? 'none'),
  fc.constant(undefined).map(() => {
    const token = realTokens[0] ?? 'x.y';
    return `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}${token.slice(-1)}`;
  }),
);
const edgeValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1',
    '1.5',
    '1e309',
    'NaN',
    'true',
    'false',
    'null',
    '[]',
    '{"a":1}',
    'a'.repeat(5000),
    '\u0000',
    'ä',
    '2026-02-30',
    'requested',
    'pending',
  ),
);

/** The route's own query parameter names (from its zod schema), so fuzzing reaches past "unknown parameter". */
function queryKeys(route: HttpDefinition): string[] {
  const schema = route.contract.query;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

const queryFor = (route: HttpDefinition) =>
  fc.record({
    declared: fc.dictionary(fc.constantFrom('continuation', 'pageSize', ...queryKeys(route)), edgeValue, { maxKeys: 4 }),
    continuation: fc.option(continuationJunk, { nil: undefined }),
    other: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), fc.constant('')), { maxKeys: 2 }),
  });

function pathFor(route: string, values: string[]): string {
  let i = 0;
  return `/api/${compileRoute(route)
    .segments.map((s) => (s.kind === 'literal' ? s.text : encodeURIComponent(values[i++] ?? 'x')))
    .join('/')}`;
}

async function call(path: string, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${host.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('no 5xx on bad input', () => {
  it('ACC-6, ACL-7, AUTH-4: continuation tokens are sealed: a real one pages on; forged, altered or transplanted ones are a 400, never a 500', async () => {
    const staff = await staffToken();
    const user = (await (
      await fetch(`${host.url}/_local/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId: demo.accounts.eeStudent }),
      })
    ).json()) as { accessToken: string };
    for (let i = 0; i < 3; i++)
      await fetch(`${host.url}/api/me/support-requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: `Paging ${i}`, message: 'Hello' }),
      });
    const first = await call('/api/me/support-requests?pageSize=1', user.accessToken);
    expect(first.status).toBe(200);
    expect(first.body.requests).toHaveLength(1);
    const token = first.body.continuation as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    realTokens.push(token);
    const second = await call(`/api/me/support-requests?pageSize=1&continuation=${encodeURIComponent(token)}`, user.accessToken);
    expect(second.status).toBe(200);
    expect(second.body.requests[0].id).not.toBe(first.body.requests[0].id);
    // A token fits only the query it continues (same container, partition and filter): not another person's list, not
    // another list of the same person.
    const transplanted = [
      call(`/api/me/support-requests?continuation=${encodeURIComponent(token)}`, staff),
      call(`/api/me/audit?continuation=${encodeURIComponent(token)}`, user.accessToken),
      call(`/api/me/login-log?continuation=${encodeURIComponent(token)}`, user.accessToken),
      call(`/api/store/orders?continuation=${encodeURIComponent(token)}`, user.accessToken),
      call(`/api/licences?continuation=${encodeURIComponent(token)}`, user.accessToken),
      call(`/api/schools/${demo.schools.ee}/members?continuation=${encodeURIComponent(token)}`, staff),
    ];
    for (const answer of await Promise.all(transplanted)) expect([400, 403]).toContain(answer.status);
    // Defect 1 of issue 9: tokens that parse as JSON went straight to the SDK and answered 500.
    for (const forged of [
      '1',
      'true',
      '{"token":"-RID:~abc","range":{"min":"","max":"FF"}}',
      `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
    ])
      for (const path of ['/api/me/audit', '/api/me/login-log', '/api/me/support-requests', '/api/store/orders', '/api/licences']) {
        const answer = await call(`${path}?continuation=${encodeURIComponent(forged)}`, user.accessToken);
        expect(answer.status, `${path} ${forged}`).toBe(400);
        expect(answer.body.error.code).toBe('invalid_continuation');
      }
  });

  it.each([20261122, 7, 4242])(
    'every route answers random input (seed %i) with a 4xx envelope or a success, never a 5xx',
    async (seed) => {
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      for (const route of routes) {
        await fc.assert(
          fc.asyncProperty(
            fc.array(segment, { minLength: 3, maxLength: 3 }),
            queryFor(route),
            body,
            fc.boolean(),
            fc.constantFrom(...route.methods),
            async (values, q, b, asStaff, method) => {
              const url = new URL(`${host.url}${pathFor(route.route, values)}`);
              for (const [k, v] of Object.entries({ ...q.other, ...q.declared })) url.searchParams.set(k, v);
              if (q.continuation !== undefined) url.searchParams.set('continuation', q.continuation);
              const hasBody = method !== 'GET' && method !== 'HEAD';
              const response = await fetch(url, {
                method,
                redirect: 'manual',
                headers: { ...(asStaff ? { authorization: `Bearer ${await staffToken()}` } : {}), ...(hasBody ? { 'content-type': b.type } : {}) },
                ...(hasBody ? { body: b.text } : {}),
              });
              const text = method === 'HEAD' ? '' : await response.text();
              statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
              if (response.status >= 500)
                failures.push(`${method} ${url.pathname}${url.search} (${b.type}): ${response.status} ${text.slice(0, 200)}`);
              else if (response.status >= 400 && method !== 'HEAD') {
                const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
                if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string')
                  failures.push(`${method} ${url.pathname}: ${response.status} without the envelope`);
              }
              return true;
            },
          ),
          { numRuns: 12, seed },
        );
      }
      expect(failures).toEqual([]);
      // The inputs reached handlers, not only the router: some passed validation and access control.
      expect([...statuses.keys()].some((status) => status < 400)).toBe(true);
    },
    240_000,
  );
});
