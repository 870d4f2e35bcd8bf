import { randomBytes } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signAccessToken } from '../shared/auth/session-token.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { signingKeysSchema } from '../shared/platform/config.js';
import { localDate } from '../shared/store/dates.js';
import { browserRequired, callFromPage, CHROMIUM, chromiumPresent, landing, launchChromium, startFrontEnd, withPage } from './browser/harness.js';

/**
 * Real Chromium against the local host as a developer runs it (issue 17): the API on http://127.0.0.1:<port>, the
 * front end on another port of 127.0.0.1 (same host, so the API's cookies reach it), the six sign-in stand-ins
 * and the Maksekeskus stand-in on their own ports of 127.0.0.1.
 */
const runSuite = chromiumPresent || browserRequired;
if (!runSuite) console.warn(`\n*** Real-browser suite SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium; CI installs it) ***\n`);

if (!runSuite)
  describe('real browser (local topology)', () => {
    it.skip(`SKIPPED: the real-browser suite needs ${CHROMIUM} (apt-get install -y chromium)`, () => {});
  });

describe.runIf(runSuite)('real browser (local topology): Chromium against the local host', () => {
  let host: LocalHost;
  let frontEnd: Awaited<ReturnType<typeof startFrontEnd>>;
  let browser: Browser;
  let API: string;
  let WEB: string;

  beforeAll(async () => {
    if (!chromiumPresent) throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: apt-get install -y chromium`);
    frontEnd = await startFrontEnd();
    WEB = frontEnd.origin;
    await startHost();
    browser = await launchChromium();
  });
  /** Like `npm start`: a fresh signing key and fresh data each time. */
  async function startHost() {
    host = await startLocalHost({ port: 0, sweepIntervalMs: 0, env: { PUBLIC_WEB_URL: WEB } });
    frontEnd.setApi(host.url);
    API = host.url;
  }
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await frontEnd?.close();
  });

  const signIns = [
    ['harid', 'mari.mets@kuusiku.example', {}, 'Mari'],
    ['ekool', 'mari.mets@kuusiku.example', {}, 'Mari'],
    ['stuudium', 'jaan.tamm@kuusiku.example', { school: 'kuusiku' }, 'Jaan'],
    ['mpassid', 'eero.korhonen', {}, 'Eero'],
    ['google', 'laura.lepp@example.com', {}, 'Laura'],
    ['facebook', 'maarja.magi', {}, 'Maarja'],
  ] as const;

  it.each(signIns)(
    'AUTH-1: %s sign-in through its stand-in lands on the front end signed in, and /api/me answers',
    async (provider, loginHint, extra, firstName) => {
      await withPage(browser, `local-signin-${provider}`, async (page) => {
        const start = new URL(`${API}/api/auth/${provider}/login`);
        start.searchParams.set('returnTo', '/shop');
        start.searchParams.set('loginHint', loginHint);
        for (const [k, v] of Object.entries(extra)) start.searchParams.set(k, v);
        await page.goto(start.toString());
        await page.waitForURL((url) => url.origin === WEB && url.pathname === '/shop');
        const landed = await landing(page);
        expect(landed.session.signedIn).toBe(true);
        expect(landed.me).toMatchObject({ status: 200, body: { firstName } });
        // Same host locally: a front end here may also read the CSRF cookie; the HttpOnly ones stay hidden.
        expect(landed.cookies).toContain(`__Host-opiq_csrf=${landed.session.csrfToken}`);
        expect(landed.cookies).not.toContain('__Host-opiq_at');
      });
    },
  );

  it('AUTH-2: password sign-in from the front end, a write with the CSRF token (refused without it), sign-out', async () => {
    await withPage(browser, 'local-password', async (page) => {
      await page.goto(`${WEB}/sign-in`);
      expect((await landing(page)).session.signedIn).toBe(false);
      const signIn = await callFromPage(page, '/api/auth/password/login', {
        method: 'POST',
        json: { email: 'aino.virtanen@koivula.example', password: demo.password },
      });
      expect(signIn.status).toBe(200);
      expect(signIn.body.accessToken).toBeUndefined();
      const session = await page.evaluate(() => (globalThis as any).opiq.session() as Promise<{ body: { csrfToken: string } }>);
      expect(session.body.csrfToken).toBe(signIn.body.csrfToken);

      const refused = await callFromPage(page, '/api/me/preferences', { method: 'PATCH', json: { language: 'fi' }, withoutCsrf: true });
      expect(refused.status).toBe(403);
      const written = await callFromPage(page, '/api/me/preferences', { method: 'PATCH', json: { language: 'fi' } });
      expect(written.status).toBe(200);
      expect((await callFromPage(page, '/api/me')).body.language).toBe('fi');

      expect((await callFromPage(page, '/api/auth/logout', { method: 'POST' })).status).toBe(204);
      expect((await callFromPage(page, '/api/me')).status).toBe(401);
      await page.reload();
      expect((await landing(page)).session.signedIn).toBe(false);
    });
  });

  it('issue 17: a stale cookie from an earlier npm start does not lock the browser out; picking a person on the sign-in page then signs in', async () => {
    await withPage(browser, 'local-stale-cookie', async (page, context) => {
      const earlierKeys = signingKeysSchema.parse(`earlier:${randomBytes(32).toString('base64url')}`);
      const stale = await signAccessToken({ accountId: demo.accounts.eeClassTeacher, sessionId: 'from-an-earlier-run' }, earlierKeys, new Date());
      // As the API set it before the restart (script-set here: CDP refuses to plant __Host- cookies).
      const plant = async () => {
        await page.goto(`${API}/api/health`);
        await page.evaluate((value) => ((globalThis as any).document.cookie = `__Host-opiq_at=${value}; Path=/; Secure; SameSite=Lax`), stale);
      };
      await plant();
      expect((await context.cookies(API)).map((c) => c.name)).toContain('__Host-opiq_at');

      const catalogue = await page.goto(`${API}/api/catalog`);
      expect(catalogue?.status()).toBe(200);
      expect((await context.cookies(API)).map((c) => c.name)).not.toContain('__Host-opiq_at');

      await plant();
      // The "sign in with HarID" link, without a hint: the stand-in's page lists demo people to pick from.
      const signInPage = await page.goto(`${API}/api/auth/harid/login?returnTo=/shop`);
      expect(signInPage?.status()).toBe(200);
      await page.click('a[href*="login_hint=mari.mets"]');
      await page.waitForURL((url) => url.origin === WEB && url.pathname === '/shop');
      const landed = await landing(page);
      expect(landed.session.signedIn).toBe(true);
      expect(landed.me).toMatchObject({ status: 200, body: { firstName: 'Mari' } });
    });
  });

  it('AUTH-1: a sign-in started on http://localhost lands signed in, not in flow_expired', async () => {
    await withPage(browser, 'local-localhost-start', async (page) => {
      await page.goto(`http://localhost:${new URL(API).port}/api/auth/google/login?loginHint=laura.lepp@example.com&returnTo=/shop`);
      await page.waitForURL((url) => url.origin === WEB && url.pathname === '/shop');
      expect(new URL(page.url()).searchParams.get('error')).toBeNull();
      expect((await landing(page)).me).toMatchObject({ status: 200, body: { firstName: 'Laura' } });
    });
  });

  it('STORE-2, PAY-2: checkout through the Maksekeskus pay page returns to the shop signed in (the return POST carries the session cookie)', async () => {
    await withPage(browser, 'local-checkout', async (page) => {
      await page.goto(`${WEB}/shop`);
      await landing(page);
      const signIn = await callFromPage(page, '/api/auth/password/login', {
        method: 'POST',
        json: { email: 'helena.kaks@example.com', password: demo.password },
      });
      expect(signIn.status).toBe(200);
      await page.evaluate((token) => (globalThis as any).opiq.useCsrf(token), signIn.body.csrfToken as string);
      const placed = await callFromPage(page, '/api/store/orders', {
        method: 'POST',
        json: {
          publisherId: demo.publishers.ee,
          packageId: 'package-ee-est-5',
          months: 1,
          startDate: localDate(new Date()),
          paymentMethod: { type: 'banklink', bank: 'swedbank' },
          acknowledgeNoWithdrawal: true,
        },
      });
      expect(placed.status).toBe(201);
      const orderId = placed.body.order.id as string;

      await page.goto(placed.body.paymentUrl as string);
      await page.click('a[href*="outcome=paid"]');
      await page.waitForURL((url) => url.origin === WEB && url.pathname === `/shop/orders/${orderId}`);
      expect(new URL(page.url()).searchParams.get('payment')).toBe('completed');
      const landed = await landing(page);
      expect(landed.session.signedIn).toBe(true);
      expect(landed.me?.status).toBe(200);

      let order = await callFromPage(page, `/api/store/orders/${orderId}`);
      for (let i = 0; i < 100 && order.body.status !== 'licence-active'; i++) {
        await host.bus.idle();
        order = await callFromPage(page, `/api/store/orders/${orderId}`);
      }
      expect(order.body.status).toBe('licence-active');
    });
  });
  // Last in this file: it restarts the host the other tests use.
  it('issue 17: after npm start is restarted (new signing key, new data), the cookies of the last run do not lock the browser out', async () => {
    await withPage(browser, 'local-restart', async (page, context) => {
      await page.goto(`${WEB}/shop`);
      await landing(page);
      expect(
        (
          await callFromPage(page, '/api/auth/password/login', {
            method: 'POST',
            json: { email: 'juha.saarinen@koivula.example', password: demo.password },
          })
        ).status,
      ).toBe(200);
      const before = await context.cookies(API);
      expect(before.map((c) => c.name)).toEqual(expect.arrayContaining(['__Host-opiq_at', '__Host-opiq_rt', '__Host-opiq_csrf']));
      const oldAccess = before.find((c) => c.name === '__Host-opiq_at')!.value;

      await host.close();
      await startHost();
      // Cookies belong to the host, not the port: the new run on another port gets the old run's HttpOnly cookies.
      const signInLink = await page.goto(`${API}/api/auth/harid/login?returnTo=/shop`);
      expect(signInLink?.status()).toBe(200);
      // The new run could not use them, and cleared them.
      expect((await context.cookies(API)).map((c) => c.value)).not.toContain(oldAccess);
      await page.click('a[href*="login_hint=mari.mets"]');
      await page.waitForURL((url) => url.origin === WEB && url.pathname === '/shop');
      expect((await landing(page)).me).toMatchObject({ status: 200, body: { firstName: 'Mari' } });
      expect((await callFromPage(page, '/api/catalog')).status).toBe(200);
    });
  });
});
