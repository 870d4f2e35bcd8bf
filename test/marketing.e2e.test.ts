import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { budgetOf } from '../shared/http/budgets.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { runMailing } from '../shared/marketing/index.js';
import type { OutboxEntry } from '../shared/platform/email.js';
import type { JobDoc } from '../shared/platform/jobs.js';
import { parseCounts } from '../shared/platform/operations.js';

/**
 * Issue 15 items 1 and 2 (MKT-1, MKT-2, RET-5) on a host of this file's own: its outbox holds only what these tests
 * send, and its SendGrid webhook key is one generated here, whose private half signs the events as SendGrid does.
 */
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const { privateKey: strangerKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const reviewer = 'acc-staff-mailing-reviewer';
const EE = demo.schools.ee;
const at = new Date().toISOString();

let host: LocalHost;
beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    sweepIntervalMs: 0,
    identityStandIns: false,
    maksekeskusStandIn: false,
    redeliveryDelayMs: 5,
    env: { SENDGRID_WEBHOOK_PUBLIC_KEY: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
  });
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
});
afterAll(async () => host?.close());

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  path: string,
  init: { method?: string; token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${host.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : init.body !== undefined ? { body: init.body } : {}),
    redirect: 'manual',
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: (r.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text };
}

async function tokenOf(accountId: string): Promise<string> {
  const r = await call('/_local/tokens', { method: 'POST', json: { accountId } });
  return r.body.accessToken as string;
}

type Traits = Partial<Pick<AccountDoc, 'country' | 'language' | 'schoolRoles' | 'processing' | 'status' | 'children'>> & { consent?: boolean };

/** A fresh person of this file, with the traits that decide whether a mailing may reach them. */
async function person(name: string, traits: Traits = {}): Promise<{ accountId: string; email: string }> {
  const accountId = `acc-mkt-${name}-${randomUUID().slice(0, 8)}`;
  const email = `${accountId}@example.com`;
  const { consent, ...rest } = traits;
  await host.services.db.collection('accounts').upsert<AccountDoc>({
    id: accountId,
    type: 'account',
    accountId,
    firstName: name,
    lastName: 'Mailing',
    email,
    language: 'et',
    country: 'EE',
    status: 'active',
    ...rest,
    ...(consent ? { consents: { newsletter: { given: true, version: '2026-01', at, channel: 'settings' } } } : {}),
    createdAt: at,
    updatedAt: at,
  });
  return { accountId, email };
}

const teacherIn = (schoolId: string) => [{ schoolId, role: 'teacher' as const, subjects: ['mathematics'] }];
const copy = (tag: string) => ({
  et: { subject: `Uudised ${tag}`, text: `Opiqi uudised ${tag}.` },
  fi: { subject: `Uutiset ${tag}`, text: `Opiqin uutiset ${tag}.` },
  en: { subject: `News ${tag}`, text: `Opiq news ${tag}.` },
});

async function createMailing(body: unknown, token?: string): Promise<string> {
  const r = await call('/api/ops/mailings', { method: 'POST', token: token ?? (await tokenOf(demo.accounts.operatorAdmin)), json: body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.state).toBe('draft');
  return r.body.id as string;
}

/** Sends a mailing and waits for its queued job; answers the mailing with its progress. */
async function send(mailingId: string, by: string = demo.accounts.operatorAdmin): Promise<any> {
  const r = await call(`/api/ops/mailings/${mailingId}/send`, { method: 'POST', token: await tokenOf(by) });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  await host.bus.idle();
  const done = await call(`/api/ops/mailings/${mailingId}`, { token: await tokenOf(demo.accounts.operatorAdmin) });
  expect(done.status).toBe(200);
  return done.body;
}

const mailsOf = (mailingId: string): OutboxEntry[] => host.outbox.messages.filter((m) => m.customArgs?.mailingId === mailingId);
const recipientsOf = (mailingId: string) =>
  mailsOf(mailingId)
    .map((m) => m.to)
    .sort();

/** POSTs events to the webhook, signed as SendGrid signs: ECDSA P-256 / SHA-256 over the timestamp and the raw body. */
async function postEvents(events: unknown[], options: { key?: KeyObject; timestamp?: number; tamper?: boolean; unsigned?: boolean } = {}) {
  const body = `${events.map((e) => JSON.stringify(e)).join(',\r\n')}`;
  const raw = `[${body}]\r\n`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(raw)]), options.key ?? privateKey).toString('base64');
  return call('/api/webhooks/sendgrid', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'SendGrid Event API',
      ...(options.unsigned ? {} : { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp }),
    },
    body: options.tamper ? raw.replace('bounce', 'delivered') : raw,
  });
}

const bounceOf = (email: string) => ({ email, event: 'bounce', type: 'bounce', timestamp: Math.floor(Date.now() / 1000), sg_event_id: randomUUID() });

async function suppressionCount(): Promise<number> {
  return host.services.db.collection('jobs').count('email-suppressions', "c.type = 'email-suppression'");
}

describe('marketing and service messages (MKT-1, MKT-2, RET-5)', () => {
  it('MKT-1: a campaign reaches exactly the consenting, unrestricted people of the chosen country and role (outbox)', async () => {
    const reached = [
      await person('teacher', { consent: true, schoolRoles: teacherIn(EE) }),
      await person('teacherfi', { consent: true, schoolRoles: teacherIn(EE), language: 'fi' }),
    ];
    const bounced = await person('bounced', { consent: true, schoolRoles: teacherIn(EE) });
    // Each of these differs from a reached one in one thing only.
    await person('noconsent', { schoolRoles: teacherIn(EE) });
    await person('student', { consent: true, schoolRoles: [{ schoolId: EE, role: 'student' }] });
    await person('finnish', { consent: true, schoolRoles: teacherIn(demo.schools.fi), country: 'FI' });
    await person('restricted', { consent: true, schoolRoles: teacherIn(EE), processing: { restrictedAt: at } });
    await person('objecting', { consent: true, schoolRoles: teacherIn(EE), processing: { objections: { directMarketing: at } } });
    await person('suspended', { consent: true, schoolRoles: teacherIn(EE), status: 'suspended' });
    expect((await postEvents([bounceOf(bounced.email)])).status).toBe(200);
    await host.bus.idle();

    const tag = randomUUID().slice(0, 8);
    const mailingId = await createMailing({
      kind: 'marketing',
      audience: { country: 'EE', roles: ['teacher'] },
      content: copy(tag),
      offer: { url: 'https://www.opiq.ee/pood', label: { et: 'Vaata pakkumist', fi: 'Katso tarjous', en: 'See the offer' } },
    });
    const preview = await call(`/api/ops/mailings/${mailingId}/audience`, { token: await tokenOf(demo.accounts.operatorAdmin) });
    expect(preview.status).toBe(200);
    // MKT-1: the preview counts whom sending will reach (the bounced address left out) and says how many were left out.
    expect(preview.body).toEqual({ count: 2, suppressed: 1 });

    const done = await send(mailingId);
    expect(done.state).toBe('sent');
    expect(done.progress).toMatchObject({ state: 'done', resumable: false, counts: { sent: 2, suppressed: 1, alreadySent: 0 } });
    expect(recipientsOf(mailingId)).toEqual(reached.map((p) => p.email).sort());

    for (const mail of mailsOf(mailingId)) {
      expect(mail.category).toBe('marketing');
      const link = /^<(http[^>]+\/api\/unsubscribe\?token=[^>]+)>$/.exec(mail.headers?.['List-Unsubscribe'] ?? '')?.[1];
      expect(link, 'a signed one-click link').toBeDefined();
      expect(mail.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      // The same link is visible in the body, and the offer is there; correlation args name no address.
      expect(mail.text).toContain(link!);
      expect(mail.text).toContain('https://www.opiq.ee/pood');
      expect(JSON.stringify(mail.customArgs)).not.toContain('@');
    }
    // Each reader in their own language; one envelope per person (nobody sees the others).
    expect(mailsOf(mailingId).find((m) => m.to === reached[1]!.email)!.subject).toBe(`Uutiset ${tag}`);
    expect(mailsOf(mailingId).find((m) => m.to === reached[0]!.email)!.subject).toBe(`Uudised ${tag}`);
    const batches = host.outbox.batches.filter((b) => b.personalizations.some((p) => p.customArgs?.mailingId === mailingId));
    for (const batch of batches) for (const p of batch.personalizations) expect(p.to).not.toContain(',');
  });

  it('MKT-1: one-click unsubscribe (POST without a session) stops the mail at once: the next campaign does not reach the person', async () => {
    const leaving = await person('leaving', { consent: true, country: 'FI', schoolRoles: teacherIn(demo.schools.fi) });
    const staying = await person('staying', { consent: true, country: 'FI', schoolRoles: teacherIn(demo.schools.fi) });
    const first = await createMailing({ kind: 'marketing', audience: { country: 'FI' }, content: copy(randomUUID().slice(0, 8)) });
    await send(first);
    expect(recipientsOf(first)).toEqual(expect.arrayContaining([leaving.email, staying.email]));
    const mail = mailsOf(first).find((m) => m.to === leaving.email)!;
    const link = /^<(.+)>$/.exec(mail.headers!['List-Unsubscribe']!)![1]!;

    // RFC 8058: the mailbox provider POSTs the one-click body to the link, with no cookie and no session.
    const oneClick = await fetch(link.replace(/^https?:\/\/[^/]+/, host.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(oneClick.status).toBe(200);
    const account = await host.services.db.collection('accounts').read<AccountDoc>(leaving.accountId, leaving.accountId);
    expect(account?.consents?.newsletter).toMatchObject({ given: false, channel: 'unsubscribe-link' });

    const second = await createMailing({ kind: 'marketing', audience: { country: 'FI' }, content: copy(randomUUID().slice(0, 8)) });
    await send(second);
    expect(recipientsOf(second)).toContain(staying.email);
    expect(recipientsOf(second)).not.toContain(leaving.email);
  });

  it('MKT-1: an unsigned, forged, tampered or stale SendGrid event is rejected and suppresses nothing', async () => {
    const target = await person('forgedtarget', { consent: true });
    const before = await suppressionCount();
    const now = Math.floor(Date.now() / 1000);
    for (const [why, options] of [
      ['unsigned', { unsigned: true }],
      ['signed with another key', { key: strangerKey }],
      ['body changed after signing', { tamper: true }],
      ['stale (26 hours old)', { timestamp: now - 26 * 3600 }],
      ['from the future', { timestamp: now + 3600 }],
    ] as const) {
      const r = await postEvents([bounceOf(target.email)], options);
      expect(r.status, why).toBe(401);
      expect(r.body.error.code, why).toBe('sendgrid_signature_invalid');
    }
    expect(await suppressionCount()).toBe(before);
  });

  it('MKT-1: a signed bounce or spam report suppresses the address, kept only as a keyed hash; a repeat changes nothing', async () => {
    const bouncing = await person('hardbounce', { consent: true, country: 'FI' });
    const complaining = await person('complains', { consent: true, country: 'FI' });
    const before = await suppressionCount();
    const events = [
      bounceOf(bouncing.email.toUpperCase()),
      { email: complaining.email, event: 'spamreport', timestamp: Math.floor(Date.now() / 1000), sg_event_id: randomUUID() },
      { email: complaining.email, event: 'delivered', timestamp: Math.floor(Date.now() / 1000), sg_event_id: randomUUID() },
    ];
    const r = await postEvents(events);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ events: 3, suppressions: 2 });
    // Issue 11: the webhook only verifies and queues (sendgrid-events): no Cosmos operation in the request.
    const ops = parseCounts(r.headers.get('x-cosmos-ops') ?? '');
    expect(ops).toMatchObject({ write: 0, pointRead: 0, query: 0, crossPartitionQuery: 0 });
    await host.bus.idle();
    expect(await suppressionCount()).toBe(before + 2);
    // SendGrid delivers again when unsure: the same events change nothing.
    expect((await postEvents(events)).status).toBe(200);
    await host.bus.idle();
    expect(await suppressionCount()).toBe(before + 2);
    const stored = await host.services.db
      .collection('jobs')
      .queryAll<Record<string, unknown>>('email-suppressions', { where: "c.type = 'email-suppression'" });
    expect(JSON.stringify(stored)).not.toContain(bouncing.accountId);

    const mailingId = await createMailing({ kind: 'marketing', audience: { country: 'FI' }, content: copy(randomUUID().slice(0, 8)) });
    await send(mailingId);
    expect(recipientsOf(mailingId)).not.toContain(bouncing.email);
    expect(recipientsOf(mailingId)).not.toContain(complaining.email);
  });

  it('MKT-1: a delivery of 450 bounces is answered within the budget without a write; the queue suppresses every address in chunks', async () => {
    const before = await suppressionCount();
    const tag = randomUUID().slice(0, 8);
    const events = Array.from({ length: 450 }, (_, i) => bounceOf(`bulk-${tag}-${i}@example.com`));
    const r = await postEvents(events);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ events: 450, suppressions: 450 });
    const ops = parseCounts(r.headers.get('x-cosmos-ops') ?? '');
    expect(ops.pointRead + ops.write + ops.query + ops.crossPartitionQuery).toBe(0);
    await host.bus.idle();
    expect(await suppressionCount()).toBe(before + 450);
  });

  it('MKT-1: a signed spam report about a newsletter withdraws the consent too (channel spam-report), shown in the history', async () => {
    const reader = await person('spamreporter', { consent: true, country: 'FI' });
    const mailingId = await createMailing({ kind: 'marketing', audience: { country: 'FI' }, content: copy(randomUUID().slice(0, 8)) });
    await send(mailingId);
    const mail = mailsOf(mailingId).find((m) => m.to === reader.email)!;
    // SendGrid echoes the custom args on every event: the account id and the mailing, never an address.
    expect(mail.customArgs).toEqual({ mailingId, accountId: reader.accountId });
    const report = {
      email: reader.email,
      event: 'spamreport',
      category: ['marketing'],
      ...mail.customArgs,
      timestamp: Math.floor(Date.now() / 1000),
      sg_event_id: randomUUID(),
    };
    const r = await postEvents([report]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(parseCounts(r.headers.get('x-cosmos-ops') ?? '').write).toBeLessThanOrEqual(budgetOf('webhooks-sendgrid', ['POST']).max);
    await host.bus.idle();
    const account = await host.services.db.collection('accounts').read<AccountDoc>(reader.accountId, reader.accountId);
    expect(account?.consents?.newsletter).toMatchObject({ given: false, channel: 'spam-report' });
    const history = await call('/api/me/consents/history', { token: await tokenOf(reader.accountId) });
    expect(history.status).toBe(200);
    expect(history.body.events).toEqual(expect.arrayContaining([expect.objectContaining({ given: false, channel: 'spam-report' })]));
  });

  it('MKT-2: a service message reaches people without consent, is sent by a second staff member, carries no unsubscribe and no offer', async () => {
    const school = `school-mkt-${randomUUID().slice(0, 8)}`;
    const without = await person('noconsentsvc', { schoolRoles: teacherIn(school) });
    const objecting = await person('objectingsvc', {
      schoolRoles: [{ schoolId: school, role: 'student' }],
      processing: { objections: { directMarketing: at } },
    });
    const parent = await person('parentsvc', { children: [{ accountId: 'acc-some-child', schoolId: school, linkId: 'link-1' }] });
    const bounced = await person('bouncedsvc', { schoolRoles: teacherIn(school) });
    await person('otherschool', { consent: true, schoolRoles: teacherIn(EE) });
    expect((await postEvents([bounceOf(bounced.email)])).status).toBe(200);
    const body = { kind: 'service', category: 'fault', audience: { schoolId: school }, content: copy(randomUUID().slice(0, 8)) };

    // A service message cannot carry an offer or anything else a newsletter has, nor a category outside the list.
    const token = await tokenOf(demo.accounts.operatorAdmin);
    const disguised = await call('/api/ops/mailings', {
      method: 'POST',
      token,
      json: { ...body, offer: { url: 'https://www.opiq.ee/pood', label: { et: 'Osta', fi: 'Osta', en: 'Buy' } } },
    });
    expect(disguised.status).toBe(422);
    expect((await call('/api/ops/mailings', { method: 'POST', token, json: { ...body, category: 'offer' } })).status).toBe(422);

    const mailingId = await createMailing(body);
    const byAuthor = await call(`/api/ops/mailings/${mailingId}/send`, { method: 'POST', token });
    expect(byAuthor.status).toBe(403);
    expect(byAuthor.body.error.code).toBe('mailing_needs_second_reviewer');
    const done = await send(mailingId, reviewer);
    expect(done).toMatchObject({ state: 'sent', kind: 'service', category: 'fault', sentBy: reviewer, createdBy: demo.accounts.operatorAdmin });
    expect(recipientsOf(mailingId)).toEqual([without.email, objecting.email, parent.email].sort());
    for (const mail of mailsOf(mailingId)) {
      expect(mail.category).toBe('service');
      expect(mail.headers?.['List-Unsubscribe']).toBeUndefined();
      expect(mail.text).not.toContain('/api/unsubscribe');
    }
    const again = await call(`/api/ops/mailings/${mailingId}/send`, { method: 'POST', token: await tokenOf(reviewer) });
    expect(again.status).toBe(409);
  });

  it('MKT-1: a resumed or repeated campaign mails nobody twice', async () => {
    const people = [
      await person('resume1', { consent: true, country: 'FI' }),
      await person('resume2', { consent: true, country: 'FI', language: 'en' }),
    ];
    const mailingId = await createMailing({ kind: 'marketing', audience: { country: 'FI' }, content: copy(randomUUID().slice(0, 8)) });
    await send(mailingId);
    const first = recipientsOf(mailingId);
    expect(first).toEqual(expect.arrayContaining(people.map((p) => p.email)));

    // A run killed after mailing its page and before its checkpoint: the job is found running at its start again.
    const jobs = host.services.db.collection('jobs');
    const job = (await jobs.read<JobDoc>(`job:mailing:${mailingId}`, 'system'))!;
    const { checkpoint: _c, finishedAt: _f, ...rest } = job;
    await jobs.replace<JobDoc>({ ...rest, state: 'running', counts: {} });
    await host.deliver('mailings-run', { mailingId });
    // And the queue message delivered once more after the job is done.
    await host.deliver('mailings-run', { mailingId });

    expect(recipientsOf(mailingId)).toEqual(first);
    const progress = (await call(`/api/ops/mailings/${mailingId}`, { token: await tokenOf(demo.accounts.operatorAdmin) })).body.progress;
    expect(progress).toMatchObject({ state: 'done', counts: { sent: 0, alreadySent: first.length } });
  });

  it('MKT-1: a long send goes on in runs of its own, each queued by the one before, and mails everyone once', async () => {
    const people = await Promise.all(['long1', 'long2', 'long3', 'long4', 'long5'].map((n) => person(n, { consent: true, country: 'FI' })));
    const mailingId = await createMailing({ kind: 'marketing', audience: { country: 'FI' }, content: copy(randomUUID().slice(0, 8)) });
    // Started as the send route starts it, but run here with tiny pages and one page per run.
    const jobs = host.services.db.collection('jobs');
    const draft = (await jobs.read<Record<string, unknown> & { id: string; type: string }>(`mailing:${mailingId}`, 'system'))!;
    await jobs.replace({ ...draft, state: 'sending', _etag: draft._etag });
    await runMailing(host.services, mailingId, { pageSize: 2, pagesPerRun: 1 });
    expect(await jobs.read<JobDoc>(`job:mailing:${mailingId}`, 'system')).toMatchObject({ state: 'running', pages: 1 });
    await host.bus.idle();

    const recipients = recipientsOf(mailingId);
    expect(recipients).toEqual(expect.arrayContaining(people.map((p) => p.email)));
    expect(new Set(recipients).size).toBe(recipients.length);
    const done = (await call(`/api/ops/mailings/${mailingId}`, { token: await tokenOf(demo.accounts.operatorAdmin) })).body;
    expect(done.state).toBe('sent');
    expect(done.progress).toMatchObject({ state: 'done', counts: { sent: recipients.length } });
    expect(done.progress.pages).toBeGreaterThanOrEqual(2);
  });

  it('RET-5: marketing keeps no name or e-mail of its own: deliveries name the account only, so nothing is left to delete when consent ends', async () => {
    const reader = await person('ret5', { consent: true, country: 'FI', language: 'fi' });
    const mailingId = await createMailing({ kind: 'marketing', audience: { country: 'FI' }, content: copy(randomUUID().slice(0, 8)) });
    await send(mailingId);
    expect(recipientsOf(mailingId)).toContain(reader.email);
    const link = /^<(.+)>$/.exec(mailsOf(mailingId).find((m) => m.to === reader.email)!.headers!['List-Unsubscribe']!)![1]!;
    expect((await fetch(link.replace(/^https?:\/\/[^/]+/, host.url), { method: 'POST' })).status).toBe(200);

    // The person's partition holds the account, its consent history and the one delivery record, which names no one.
    const held = await host.services.db
      .collection('accounts')
      .queryAll<Record<string, unknown>>(reader.accountId, { where: "c.type <> 'account' AND c.type <> 'consent-event'" });
    expect(held.map((d) => d.type)).toEqual(['mailing-delivery']);
    for (const doc of held) for (const field of ['email', 'firstName', 'lastName', 'to']) expect(doc).not.toHaveProperty(field);
    expect(JSON.stringify(held)).not.toContain(reader.email);
    const mailing = await host.services.db.collection('jobs').read(`mailing:${mailingId}`, 'system');
    expect(JSON.stringify(mailing)).not.toContain('@example.com');
  });
});
