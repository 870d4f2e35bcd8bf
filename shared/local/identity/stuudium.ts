import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { ExpiringMap, handle, listen, randomToken, redirect, requestUrl, sendHtml, sendJson, sendUserChooser } from './http.js';
import { findUser, SCHOOLS, type StuudiumUser, stuudiumUsers, summaries } from './users.js';

/**
 * Stuudium stand-in (api.ope.ee; NOT OAuth):
 *
 *   GET {apiUrl}/authenticate?client_id&subdomain&state[&login_hint]
 *       -> 302 to the client's FIRST registered redirect URI with ?token=<one-time token>&state=<state>
 *          unknown login_hint / ?deny: ?error=access_denied&state=<state>
 *          unknown client_id or school subdomain: 400 HTML (no redirect)
 *   GET {apiUrl}/authenticate/verify?token=..
 *       header  Authorization: Data v2 <CLIENT_ID> <ts> <nonce> <hex HMAC-SHA1("<ts> <nonce>", client secret)>
 *       ts = Unix time in SECONDS, accepted within ±300 s; nonce = 1..128 chars of [A-Za-z0-9_-], single use per client.
 *       -> 200 { user: { id, first_name, last_name, email?, personal_code? }, school: { subdomain, name } }
 *       -> 401 { error: 'unauthorized' | 'invalid_signature' | 'stale_timestamp' | 'nonce_reused', message }
 *       -> 400 { error: 'invalid_request' | 'invalid_token', message }  (token unknown, used, older than 60 s, or
 *          issued to another client). The signature is checked BEFORE the token is consumed.
 *   `school` is the user's own school, which may differ from the requested subdomain (demo user Toomas Teine).
 */

export interface StuudiumStandIn {
  /** Base like https://api.ope.ee/v1.1 */
  apiUrl: string;
  close(): Promise<void>;
}

export interface StuudiumClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

const TOKEN_TTL_MS = 60_000;
const CLOCK_WINDOW_S = 300;
const KNOWN_SUBDOMAINS = new Set<string>([SCHOOLS.kuusiku.stuudiumSubdomain, SCHOOLS.tammiku.stuudiumSubdomain]);

/** Builds the Authorization header value the way a Stuudium client must (exported for tests and the app). */
export function stuudiumAuthorization(clientId: string, clientSecret: string, ts = Math.floor(Date.now() / 1000), nonce = randomToken(12)): string {
  const mac = createHmac('sha1', clientSecret).update(`${ts} ${nonce}`).digest('hex');
  return `Data v2 ${clientId} ${ts} ${nonce} ${mac}`;
}

function apiError(res: ServerResponse, status: number, error: string, message: string): void {
  sendJson(res, status, { error, message });
}

export async function startStuudiumStandIn(client: StuudiumClient): Promise<StuudiumStandIn> {
  const tokens = new ExpiringMap<{ clientId: string; user: StuudiumUser }>();
  const nonces = new ExpiringMap<true>();
  const http = await listen();
  const origin = http.origin;
  const base = '/v1.1';

  function authenticate(res: ServerResponse, url: URL): void {
    const q = url.searchParams;
    const clientId = q.get('client_id');
    if (clientId !== client.clientId) {
      sendHtml(res, 400, 'Stuudium (local stand-in): unknown client', `<p>Unknown client_id "${clientId ?? ''}".</p>`);
      return;
    }
    const subdomain = q.get('subdomain');
    if (!subdomain || !KNOWN_SUBDOMAINS.has(subdomain)) {
      sendHtml(
        res,
        400,
        'Stuudium (local stand-in): unknown school',
        `<p>No school with subdomain "${subdomain ?? ''}" (known: ${[...KNOWN_SUBDOMAINS].join(', ')}).</p>`,
      );
      return;
    }
    const target = client.redirectUris[0];
    if (!target) throw new Error('stuudium stand-in: the client has no redirect URI');
    const back = new URL(target);
    const state = q.get('state');
    const finish = (params: Record<string, string>) => {
      for (const [k, v] of Object.entries(params)) back.searchParams.set(k, v);
      if (state !== null) back.searchParams.set('state', state);
      redirect(res, back.href);
    };
    if (q.has('deny')) return finish({ error: 'access_denied' });
    const hint = q.get('login_hint');
    if (!hint) {
      const cancel = new URL(url);
      cancel.searchParams.set('deny', '1');
      sendUserChooser(res, `Stuudium (${subdomain})`, url, summaries(stuudiumUsers), cancel.pathname + cancel.search);
      return;
    }
    const user = findUser(stuudiumUsers, hint);
    if (!user) return finish({ error: 'access_denied' });
    const token = randomToken(24);
    tokens.set(token, { clientId, user }, TOKEN_TTL_MS);
    finish({ token });
  }

  function verify(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const header = req.headers.authorization ?? '';
    const m = /^Data v2 (\S+) (\S+) (\S+) (\S+)$/.exec(header);
    if (!m) return apiError(res, 401, 'unauthorized', 'expected "Authorization: Data v2 <client_id> <ts> <nonce> <hmac>"');
    const [, clientId = '', ts = '', nonce = '', mac = ''] = m;
    if (clientId !== client.clientId) return apiError(res, 401, 'unauthorized', 'unknown client');
    if (!/^\d{1,12}$/.test(ts) || Math.abs(Math.floor(Date.now() / 1000) - Number(ts)) > CLOCK_WINDOW_S) {
      return apiError(res, 401, 'stale_timestamp', `ts must be Unix seconds within ${CLOCK_WINDOW_S} s of the server clock`);
    }
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(nonce)) return apiError(res, 401, 'unauthorized', 'malformed nonce');
    const expected = createHmac('sha1', client.clientSecret).update(`${ts} ${nonce}`).digest();
    const wellFormed = /^[0-9a-fA-F]{40}$/.test(mac);
    const given = wellFormed ? Buffer.from(mac, 'hex') : Buffer.alloc(expected.length);
    const matches = timingSafeEqual(given, expected);
    if (!matches || !wellFormed) {
      return apiError(res, 401, 'invalid_signature', 'HMAC verification failed');
    }
    const nonceKey = `${clientId} ${nonce}`;
    if (nonces.has(nonceKey)) return apiError(res, 401, 'nonce_reused', 'this nonce has already been used');
    nonces.set(nonceKey, true, 2 * CLOCK_WINDOW_S * 1000);

    const token = url.searchParams.get('token');
    if (!token) return apiError(res, 400, 'invalid_request', 'token is required');
    const entry = tokens.take(token);
    if (!entry || entry.clientId !== clientId) return apiError(res, 400, 'invalid_token', 'the token is unknown, expired or already used');
    sendJson(res, 200, { user: entry.user.user, school: entry.user.school });
  }

  http.server.on(
    'request',
    handle(async (req, res) => {
      const url = requestUrl(req, origin);
      if (req.method === 'GET' && url.pathname === `${base}/authenticate`) return authenticate(res, url);
      if (req.method === 'GET' && url.pathname === `${base}/authenticate/verify`) return verify(req, res, url);
      apiError(res, 404, 'not_found', `no route ${req.method ?? ''} ${url.pathname}`);
    }),
  );

  return { apiUrl: `${origin}${base}`, close: () => http.close() };
}
