import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { currentText } from '../shared/consents/catalogue.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { Browser } from '../shared/local/identity/browser.js';
import { suppress } from '../shared/marketing/index.js';
import { suppressedAmong } from '../shared/marketing/suppressions.js';

/**
 * PRIV-6: the consents ticked on the sign-up page reach an account created by a provider's sign-in the way they reach
 * one made by password sign-up: on the account (channel sign-up, the text version) and in its consent history.
 */
let host: LocalHost;
const WEB = 'http://127.0.0.1:3000';

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0 });
});
afterAll(async () => host?.close());

async function signUpWith(provider: string, loginHint: string, consents: string | undefined) {
  const browser = new Browser();
  const start = new URL(`${host.url}/api/auth/${provider}/login`);
  start.searchParams.set('loginHint', loginHint);
  start.searchParams.set('returnTo', '/shop');
  if (consents !== undefined) start.searchParams.set('consents', consents);
  const callback = await browser.followUntil(start, `${host.url}/api/auth/${provider}/callback`);
  await browser.navigate(new URL(callback), { stopAt: WEB });
  return browser;
}

describe('PRIV-6: consents at sign-up through a provider', () => {
  it('PRIV-6, AUTH-1: a new Google account keeps the consent ticked before the sign-in (channel sign-up, version) and its history starts with it', async () => {
    const version = currentText('newsletter').version;
    const browser = await signUpWith('google', 'laura.lepp@example.com', `newsletter:${version}`);
    const consents = await (await browser.request(`${host.url}/api/me/consents`)).json();
    expect(JSON.stringify(consents)).toContain('"channel":"sign-up"');
    const me = (await (await browser.request(`${host.url}/api/me`)).json()) as { id: string };
    const account = await host.services.db
      .collection('accounts')
      .read<{ id: string; type: string; consents?: Record<string, unknown> }>(me.id, me.id);
    expect(account?.consents).toEqual({ newsletter: { given: true, version, at: expect.any(String), channel: 'sign-up' } });
    const history = await (await browser.request(`${host.url}/api/me/consents/history`)).json();
    expect((history as { events: { purpose: string; given: boolean; channel: string }[] }).events).toEqual([
      expect.objectContaining({ purpose: 'newsletter', given: true, channel: 'sign-up', version }),
    ]);
  });

  it('PRIV-6: a sign-in started with an outdated text is refused before the provider is asked (409 consent_version_outdated)', async () => {
    const r = await fetch(`${host.url}/api/auth/google/login?loginHint=x&returnTo=%2Fshop&consents=newsletter:1999-01`, { redirect: 'manual' });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('consent_version_outdated');
  });

  it('PRIV-3, AUTH-1: a new account whose provider vouches for the address lifts the suppression an earlier erasure of that address left', async () => {
    // The stand-in's Google users: Peeter's address is verified, the one equal to Mari Mets's is not.
    const [verified, unverified] = ['peeter.parn@example.com', 'mari.mets@kuusiku.example'];
    for (const address of [verified, unverified]) await suppress(host.services, address, 'erased');
    await signUpWith('google', verified, undefined);
    await signUpWith('google', unverified, undefined);
    expect([...(await suppressedAmong(host.services, [verified, unverified]))]).toEqual([unverified]);
  });
});
