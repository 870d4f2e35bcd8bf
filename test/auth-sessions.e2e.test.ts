import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { signAccessToken } from '../shared/auth/session-token.js';
import { Browser } from '../shared/local/identity/browser.js';
import { demo } from '../shared/local/seed.js';
import { signingKeysSchema } from '../shared/platform/config.js';
import { localDate } from '../shared/store/dates.js';
import { api, baseUrl } from './helpers.js';

/**
 * Issue 17, "Sessions in a browser" and the CSRF finding, attacked over HTTP as they were found: stale cookies on
 * public routes, a planted CSRF cookie repeated in the header, linking started by a cross-site GET, the payment
 * return with a session cookie present, and sign-in started on localhost.
 */
const WEB = 'http://127.0.0.1:3000';
const AT = '__Host-opiq_at';
const RT = '__Host-opiq_rt';
const CSRF = '__Host-opiq_csrf';
const HELENA = 'helena.kaks@example.com';
const JUHA = 'juha.saarinen@koivula.example';

/** Each call its own client address, so these tests never meet the password throttle of other files. */
const clientIp = () => `198.51.100.${1 + (randomBytes(1)[0]! % 250)}`;

type Jar = Map<string, string>;
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
function absorb(jar: Jar, response: Response): Jar {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    const name = pair!.slice(0, at);
    const value = pair!.slice(at + 1);
    if (/max-age=0/i.test(line) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
  return jar;
}
const cleared = (response: Response) =>
  response.headers
    .getSetCookie()
    .filter((c) => /max-age=0/i.test(c))
    .map((c) => c.split('=')[0]);

async function passwordSignIn(email: string): Promise<{ jar: Jar; csrfToken: string; accountId: string }> {
  const response = await fetch(`${baseUrl()}/api/auth/password/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': clientIp() },
    body: JSON.stringify({ email, password: demo.password }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { csrfToken: string; accountId: string };
  return { jar: absorb(new Map(), response), csrfToken: body.csrfToken, accountId: body.accountId };
}

/** An access token as an earlier `npm start` signed it: a key this host does not have. */
async function tokenOfAnEarlierRun(accountId: string): Promise<string> {
  const keys = signingKeysSchema.parse(`earlier:${randomBytes(32).toString('base64url')}`);
  return signAccessToken({ accountId, sessionId: 'from-an-earlier-run' }, keys, new Date());
}

async function revokedSessionCookie(): Promise<string> {
  const { jar, csrfToken } = await passwordSignIn(JUHA);
  const out = await fetch(`${baseUrl()}/api/auth/logout`, { method: 'POST', headers: { cookie: cookieHeader(jar), 'x-csrf-token': csrfToken } });
  expect(out.status).toBe(204);
  return jar.get(AT)!;
}

describe('issue 17: a stale or revoked session cookie never locks a browser out', () => {
  it('AUTH-1, AUTH-2: with a stale or revoked cookie the catalogue, password sign-in, sign-out and the provider link still work, and the cookie is cleared', async () => {
    const stale = [await tokenOfAnEarlierRun(demo.accounts.eeClassTeacher), await revokedSessionCookie()];
    for (const token of stale) {
      const cookie = `${AT}=${token}; ${CSRF}=left-over-from-before-0123`;

      const catalogue = await fetch(`${baseUrl()}/api/catalog`, { headers: { cookie } });
      expect(catalogue.status).toBe(200);
      expect(cleared(catalogue)).toEqual(expect.arrayContaining([AT, RT, CSRF]));
      expect(catalogue.headers.get('cache-control')).toBe('no-store');

      const signIn = await fetch(`${baseUrl()}/api/auth/password/login`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'x-forwarded-for': clientIp() },
        body: JSON.stringify({ email: HELENA, password: demo.password }),
      });
      expect(signIn.status).toBe(200);
      // The fresh session's cookies win over the clearing of the stale ones.
      const jar = absorb(new Map(), signIn);
      expect(jar.get(AT)).toBeTruthy();
      expect(jar.get(RT)).toBeTruthy();
      expect((await api('/api/me', { headers: { cookie: cookieHeader(jar) } })).status).toBe(200);

      const signOut = await fetch(`${baseUrl()}/api/auth/logout`, { method: 'POST', headers: { cookie } });
      expect(signOut.status).toBe(204);
      expect(cleared(signOut)).toEqual(expect.arrayContaining([AT, RT, CSRF]));

      const provider = await fetch(`${baseUrl()}/api/auth/harid/login?returnTo=/shop`, { headers: { cookie }, redirect: 'manual' });
      expect(provider.status).toBe(302);
      expect(provider.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/et\/authorizations\/new\?/);

      const session = await api('/api/auth/session', { headers: { cookie } });
      expect(session.status).toBe(200);
      expect(session.body).toEqual({ signedIn: false });

      // A route that needs a session still says so (401), and clears the cookie too.
      const me = await fetch(`${baseUrl()}/api/me`, { headers: { cookie } });
      expect(me.status).toBe(401);
      expect(cleared(me)).toContain(AT);
    }
  });

  it('AUTH-2: refresh works with an expired or stale access cookie next to a valid refresh cookie; sign-out by the refresh cookie ends the session', async () => {
    const { jar } = await passwordSignIn(HELENA);
    jar.set(AT, await tokenOfAnEarlierRun(demo.accounts.eeClassTeacher));
    const refreshed = await fetch(`${baseUrl()}/api/auth/refresh`, { method: 'POST', headers: { cookie: cookieHeader(jar) } });
    expect(refreshed.status).toBe(200);
    absorb(jar, refreshed);
    expect((await api('/api/me', { headers: { cookie: cookieHeader(jar) } })).status).toBe(200);

    // No CSRF header and a stale access token: the refresh cookie (SameSite=Strict) still names the session to end.
    const refreshCookie = jar.get(RT)!;
    const accessCookie = jar.get(AT)!;
    const out = await fetch(`${baseUrl()}/api/auth/logout`, { method: 'POST', headers: { cookie: `${AT}=stale; ${RT}=${refreshCookie}` } });
    expect(out.status).toBe(204);
    expect((await api('/api/me', { headers: { cookie: `${AT}=${accessCookie}` } })).status).toBe(401);
    expect((await fetch(`${baseUrl()}/api/auth/refresh`, { method: 'POST', headers: { cookie: `${RT}=${refreshCookie}` } })).status).toBe(401);
  });
});

describe('issue 17: the CSRF token is bound to the session', () => {
  it('AUTH-2: an attacker-chosen CSRF cookie repeated in the header is refused; another session’s token is refused; the session’s own passes', async () => {
    const victim = await passwordSignIn(HELENA);
    const other = await passwordSignIn(JUHA);
    const write = (cookie: string, token: string) =>
      api('/api/me/preferences', { method: 'PATCH', headers: { cookie, 'x-csrf-token': token, 'accept-language': 'en' }, json: { language: 'en' } });

    const planted = 'attacker-chosen-value-0123456789';
    const doubleSubmit = await write(`${AT}=${victim.jar.get(AT)}; ${CSRF}=${planted}`, planted);
    expect(doubleSubmit.status).toBe(403);
    expect(doubleSubmit.body.error.code).toBe('csrf_failed');
    // The old unprefixed cookie name lends nothing either.
    expect((await write(`${AT}=${victim.jar.get(AT)}; opiq_csrf=${planted}`, planted)).status).toBe(403);
    expect((await write(cookieHeader(victim.jar), other.csrfToken)).status).toBe(403);

    const ok = await write(cookieHeader(victim.jar), victim.csrfToken);
    expect(ok.status).toBe(200);
    expect(victim.jar.get(CSRF)).toBe(victim.csrfToken);

    // The token is the session's, so it survives refreshing the access token.
    // No CSRF header here, as a front end on another host had none: refresh is public and answers (it was 403).
    const refreshed = await fetch(`${baseUrl()}/api/auth/refresh`, { method: 'POST', headers: { cookie: cookieHeader(victim.jar) } });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { csrfToken: string }).csrfToken).toBe(victim.csrfToken);
  });

  it('AUTH-1: the front end on another host gets the CSRF token from GET /api/auth/session, with credentials, from its own origin only', async () => {
    const { jar, csrfToken, accountId } = await passwordSignIn(HELENA);
    const fromWeb = await fetch(`${baseUrl()}/api/auth/session`, { headers: { cookie: cookieHeader(jar), origin: WEB } });
    expect(fromWeb.status).toBe(200);
    expect(fromWeb.headers.get('access-control-allow-origin')).toBe(WEB);
    expect(fromWeb.headers.get('access-control-allow-credentials')).toBe('true');
    expect(await fromWeb.json()).toMatchObject({ signedIn: true, accountId, csrfToken, method: 'password' });

    const fromElsewhere = await fetch(`${baseUrl()}/api/auth/session`, { headers: { cookie: cookieHeader(jar), origin: 'https://evil.example' } });
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect((await api('/api/auth/session')).body).toEqual({ signedIn: false });
  });

  it('AUTH-1: linking a login starts with a CSRF-protected POST; a GET with link=true links nothing', async () => {
    const { jar, csrfToken } = await passwordSignIn(HELENA);
    const cookie = cookieHeader(jar);
    const viaGet = await api('/api/auth/google/login?link=true', { headers: { cookie, 'accept-language': 'en' }, redirect: 'manual' });
    expect(viaGet.status).toBe(400);
    expect(viaGet.body.error.code).toBe('link_requires_post');

    const noToken = await api('/api/auth/google/link', { method: 'POST', headers: { cookie }, json: {} });
    expect(noToken.status).toBe(403);
    const planted = await api('/api/auth/google/link', {
      method: 'POST',
      headers: { cookie: `${cookie}; opiq_csrf=x0123456789abcdef`, 'x-csrf-token': 'x0123456789abcdef' },
      json: {},
    });
    expect(planted.status).toBe(403);

    const started = await fetch(`${baseUrl()}/api/auth/google/link`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ returnTo: '/settings' }),
    });
    expect(started.status).toBe(200);
    expect(((await started.json()) as { location: string }).location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?/);
    expect(started.headers.getSetCookie().some((c) => c.startsWith('__Host-opiq_signin_google='))).toBe(true);
  });
});

describe('issue 17: the payment return and the local host names', () => {
  it('PAY-2: the return from the pay page with a session cookie present (a cross-site POST) lands on the shop, signed in, never on a JSON error', async () => {
    const buyer = await passwordSignIn(HELENA);
    const placed = await api('/api/store/orders', {
      method: 'POST',
      headers: { cookie: cookieHeader(buyer.jar), 'x-csrf-token': buyer.csrfToken },
      json: {
        publisherId: demo.publishers.ee,
        packageId: 'package-ee-est-5',
        months: 1,
        // The shop's today is Tallinn's (from 22:00 UTC in winter it is already tomorrow there).
        startDate: localDate(new Date()),
        paymentMethod: { type: 'card' },
        acknowledgeNoWithdrawal: true,
      },
    });
    expect(placed.status).toBe(201);
    const page = await (await fetch(`${placed.body.paymentUrl}${placed.body.paymentUrl.includes('?') ? '&' : '?'}outcome=paid`)).text();
    const decode = (s: string) =>
      s
        .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"');
    const action = decode(/action="([^"]+)"/.exec(page)![1]!);
    const fields = Object.fromEntries([...page.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, decode(m[2]!)]));

    // As the browser sends it: the session cookie comes along, no CSRF header can.
    const back = await fetch(action, {
      method: 'POST',
      headers: {
        cookie: cookieHeader(buyer.jar),
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(placed.body.paymentUrl).origin,
      },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${WEB}/shop/orders/${placed.body.order.id}?payment=completed`);
    expect(cleared(back)).toEqual([]);
    expect((await api('/api/me', { headers: { cookie: cookieHeader(buyer.jar) } })).status).toBe(200);

    // A stale cookie, a body the route cannot read, or a forged message: still the shop, never a JSON page.
    const attempts: RequestInit[] = [
      {
        headers: { cookie: `${AT}=${await tokenOfAnEarlierRun(buyer.accountId)}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      },
      { headers: { cookie: cookieHeader(buyer.jar), 'content-type': 'text/plain' }, body: 'json=1' },
      { headers: { cookie: cookieHeader(buyer.jar), 'content-type': 'application/json' }, body: '{not json' },
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...fields, mac: 'AB'.repeat(64) }).toString() },
    ];
    for (const init of attempts) {
      const response = await fetch(action, { method: 'POST', redirect: 'manual', ...init });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(new RegExp(`^${WEB.replace(/\./g, '\\.')}/shop/orders`));
    }
  });

  it('AUTH-1: a sign-in started on localhost moves to the API’s own host first and ends signed in, not in flow_expired', async () => {
    const api127 = new URL(baseUrl());
    const start = `http://localhost:${api127.port}/api/auth/google/login?loginHint=laura.lepp@example.com&returnTo=/shop`;
    const first = await fetch(start, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(`${api127.origin}/api/auth/google/login?loginHint=laura.lepp@example.com&returnTo=/shop`);

    const browser = new Browser();
    const done = await browser.navigate(start, { stopAt: WEB });
    expect(done.url).toBe(`${WEB}/shop`);
    expect(browser.jar.get(AT, `${api127.origin}/api/me`)).toBeDefined();
  });
});
