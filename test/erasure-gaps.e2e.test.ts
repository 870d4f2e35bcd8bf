import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { eraseSubject } from '../shared/erasure/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { liftErasedSuppression, suppress } from '../shared/marketing/index.js';
import { suppressedAmong } from '../shared/marketing/suppressions.js';

/**
 * Issue 13, the gaps left after the pipeline (PRIV-3, RET-9): e-mail suppressed on erasure, the privacy officer's view
 * of the evidence, the evidence key, TTLs kept on anonymising, login indexes counted, staff accounts and the
 * closure-retention job killed mid-page. A host of this file's own: its outbox holds only what these tests send.
 */
let host: LocalHost;
const reviewer = 'acc-staff-erasure-reviewer';

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  const at = host.services.clock.now().toISOString();
  // A second operator administrator: a service message is sent by someone other than its author (MKT-2).
  await host.services.db.collection('accounts').upsert<AccountDoc>({
    id: reviewer,
    type: 'account',
    accountId: reviewer,
    firstName: 'Reet',
    lastName: 'Staff',
    email: `${reviewer}@opiq.example`,
    language: 'et',
    country: 'EE',
    status: 'active',
    staffRoles: ['operatorAdmin'],
    createdAt: at,
    updatedAt: at,
  });
}, 60_000);
afterAll(async () => host?.close());

async function call(
  path: string,
  init: { method?: string; token?: string; json?: unknown; ip?: string } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'accept-language': 'en', 'x-session-delivery': 'body' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.ip) headers['x-forwarded-for'] = init.ip;
  const r = await fetch(`${host.url}/api/${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
}

async function tokenOf(accountId: string): Promise<string> {
  const r = await fetch(`${host.url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

const randomIp = () => `10.14.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** Signs up by e-mail and password; answers the verification token from the outbox (not used yet). */
async function signUp(email: string): Promise<string> {
  const before = host.outbox.messages.filter((m) => m.to === email).length;
  const made = await call('auth/password/signup', {
    method: 'POST',
    ip: randomIp(),
    json: { email, password: 'correct horse battery staple', firstName: 'Eeva', lastName: 'Uuesti' },
  });
  expect(made.status).toBe(202);
  await host.bus.idle();
  const mail = host.outbox.messages.filter((m) => m.to === email)[before];
  const token = /token=([A-Za-z0-9_%-]+)/.exec(mail?.text ?? '')?.[1];
  expect(token, `a verification link, not: ${mail?.subject}`).toBeDefined();
  return decodeURIComponent(token!);
}

async function verify(token: string) {
  expect((await call('auth/password/verify', { method: 'POST', json: { token }, ip: randomIp() })).status).toBe(200);
}

async function accountIdOf(email: string): Promise<string> {
  const page = await host.services.db
    .collection('logins')
    .crossPartitionQuery<{ accountId: string }>('SELECT c.accountId FROM c WHERE c.email = @email', [{ name: '@email', value: email }]);
  return page.items[0]!.accountId;
}

/** A service message to everyone (MKT-2), sent by the second administrator; answers who got it. */
async function serviceMessageRecipients(): Promise<string[]> {
  const tag = randomUUID().slice(0, 8);
  const copy = { subject: `Teade ${tag}`, text: `Hooldus ${tag}.` };
  const made = await call('ops/mailings', {
    method: 'POST',
    token: await tokenOf(demo.accounts.operatorAdmin),
    json: { kind: 'service', category: 'fault', audience: {}, content: { et: copy, fi: copy, en: copy } },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const sent = await call(`ops/mailings/${made.body.id}/send`, { method: 'POST', token: await tokenOf(reviewer) });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  await host.bus.idle();
  return host.outbox.messages.filter((m) => m.customArgs?.mailingId === made.body.id).map((m) => m.to);
}

describe('PRIV-3: e-mail suppressed on erasure', () => {
  it('PRIV-3: an erased address gets no mailing, even on an unverified new sign-up; verified by its owner it gets mail again', async () => {
    const email = `erased.${randomUUID().slice(0, 8)}@example.com`;
    await verify(await signUp(email));
    expect(await serviceMessageRecipients()).toContain(email);

    await eraseSubject(host.services, { accountId: await accountIdOf(email), reason: 'request', by: 'acc-staff-privacy-pille' });
    expect([...(await suppressedAmong(host.services, [email]))]).toEqual([email]);
    // Someone signs up with the address but has not shown it is theirs: the account is active, yet nothing is mailed.
    const token = await signUp(email);
    expect(await serviceMessageRecipients()).not.toContain(email);

    await verify(token);
    expect(await serviceMessageRecipients()).toContain(email);
    expect(await suppressedAmong(host.services, [email])).toEqual(new Set());
  });

  it('PRIV-3: lifting an erasure suppression never lifts a bounce of the same address; a repeated erasure suppression changes nothing', async () => {
    const email = `bounced.${randomUUID().slice(0, 8)}@example.com`;
    await suppress(host.services, email, 'bounce');
    await suppress(host.services, email, 'erased');
    await suppress(host.services, email, 'erased');
    await liftErasedSuppression(host.services, email);
    expect([...(await suppressedAmong(host.services, [email]))]).toEqual([email]);
    const rows = await host.services.db
      .collection('jobs')
      .queryAll<{ reason: string }>('email-suppressions', { where: "c.type = 'email-suppression' AND c.reason = 'bounce'" });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    await liftErasedSuppression(host.services, email);
    expect([...(await suppressedAmong(host.services, [email]))]).toEqual([email]);
  });
});
