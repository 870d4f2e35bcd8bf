import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { demoPeople } from '../scripts/telemetry-scan.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { Browser } from '../shared/local/identity/browser.js';
import { findLeaks } from '../shared/platform/telemetry-scan.js';

/**
 * LOG-2 on the paths testing found leaking: a sign-in with a loginHint (an e-mail, a personal code), Stuudium's
 * one-time token in the callback URL, and a payment return whose `json` names the buyer. This file runs its own host
 * so it can read exactly what that host recorded (every host records; npm test scans all of it at the end).
 */
let host: LocalHost;
const WEB = 'http://127.0.0.1:3000';

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0 });
});
afterAll(async () => host?.close());

interface Recorded {
  kind: string;
  name?: string;
  url?: string;
  properties?: Record<string, string>;
}
const recorded = () =>
  readFileSync(host.telemetryRecordFile!, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Recorded);

/** Handed out during the run: none of them may be in telemetry, however encoded. */
const secrets: string[] = [];

async function signIn(provider: string, loginHint: string, school?: string) {
  secrets.push(loginHint);
  const browser = new Browser();
  const start = new URL(`${host.url}/api/auth/${provider}/login`);
  start.searchParams.set('loginHint', loginHint);
  start.searchParams.set('returnTo', '/shop');
  if (school) start.searchParams.set('school', school);
  const callback = new URL(await browser.followUntil(start, `${host.url}/api/auth/${provider}/callback`));
  for (const value of callback.searchParams.values()) secrets.push(value);
  const done = await browser.navigate(callback, { stopAt: WEB });
  const accessToken = browser.jar.get('__Host-opiq_at', `${host.url}/api/me`);
  expect(new URL(done.url).href).toBe(`${WEB}/shop`);
  expect(accessToken).toBeDefined();
  secrets.push(accessToken!);
  return browser;
}

describe('technical telemetry without personal data (LOG-2, AUTH-4)', () => {
  it('LOG-2: a HarID sign-in with an e-mail as loginHint records the login URL with the hint redacted', async () => {
    const browser = await signIn('harid', 'mari.mets@kuusiku.example');
    expect((await browser.request(`${host.url}/api/me`)).status).toBe(200);
    const urls = recorded()
      .filter((r) => r.kind === 'request' && r.name === 'auth-login')
      .map((r) => r.url);
    expect(urls).toContain('/api/auth/harid/login?loginHint=[redacted]&returnTo=[redacted]');
  });

  it('LOG-2: a Stuudium sign-in with a personal code as loginHint: the one-time token in the callback is not recorded', async () => {
    await signIn('stuudium', '38207146522', 'kuusiku');
    const callbacks = recorded().filter((r) => r.kind === 'request' && r.name === 'auth-callback');
    expect(callbacks.map((r) => r.url)).toContain('/api/auth/stuudium/callback?token=[redacted]&state=[redacted]');
  });

  it('LOG-2: a payment return whose json names the buyer is recorded without it', async () => {
    const mk = host.maksekeskus!;
    const json = JSON.stringify({
      transaction: 'tx-telemetry-1',
      status: 'COMPLETED',
      customer_name: 'Mari Mets',
      customer_email: 'mari.mets@kuusiku.example',
    });
    const signed = mk.sign(json);
    const r = await fetch(`${host.url}/api/payments/maksekeskus/return?${new URLSearchParams({ json: signed.json, mac: signed.mac })}`, {
      redirect: 'manual',
    });
    expect(r.status).toBe(303);
    const returns = recorded().filter((x) => x.kind === 'request' && x.name === 'payments-return');
    expect(returns.map((x) => x.url)).toContain('/api/payments/maksekeskus/return?json=[redacted]&mac=[redacted]');
  });

  it('LOG-2: user actions are recorded per route and outcome, the person only as a pseudonymous id', async () => {
    const actions = recorded().filter((r) => r.kind === 'event' && r.name === 'user.action');
    const me = actions.find((a) => a.properties?.route === 'accounts-me');
    expect(actions.length).toBeGreaterThan(3);
    expect(me?.properties).toMatchObject({ method: 'GET', status: '200', outcome: 'ok', user: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('LOG-2: Blob Storage calls are recorded as dependencies reduced to the container, without the blob path (an account id)', async () => {
    const name = `accounts/acc-telemetry-blob-7f3a/exports/e.txt`;
    await host.services.blobs.put(name, new TextEncoder().encode('x'), 'text/plain');
    expect((await host.services.blobs.get(name))?.contentType).toBe('text/plain');
    await host.services.blobs.delete(name);
    const blobCalls = recorded().filter((r) => r.kind === 'dependency' && (r as { type?: string }).type === 'Azure blob');
    expect(blobCalls.map((r) => (r as { data?: string }).data)).toContain('/devstoreaccount1/user-files');
    expect(readFileSync(host.telemetryRecordFile!, 'utf8')).not.toContain('acc-telemetry-blob-7f3a');
  });

  it('LOG-2 AUTH-4: nothing this host recorded holds an e-mail, personal code, token or demo name; the security log keeps its IP', () => {
    const lines = readFileSync(host.telemetryRecordFile!, 'utf8').split('\n');
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    expect(findLeaks(lines, { people: demoPeople(), values: secrets })).toEqual([]);
    const signIns = recorded().filter((r) => r.name === 'security.sign-in');
    expect(signIns.length).toBeGreaterThanOrEqual(2);
    expect(signIns[0]?.properties?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});
