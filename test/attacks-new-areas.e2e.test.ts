import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { unsubscribeToken } from '../shared/consents/index.js';
import { batchKeyOf } from '../shared/events/batches.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { api } from './helpers.js';
import { adminToken, birthDateIn, confirmedLink, newPerson, newStudent } from './people.js';

/**
 * An outsider's attacks on the areas of issues 14 and 15 (usage events, statistics, mailings and the SendGrid webhook,
 * unsubscribe links, the assistant switch, MPASSid settings, children's consents, erasure requests), on a host of
 * this file's own (its SendGrid key is generated here). Every refusal is a 4xx with the error envelope, and what is
 * stored is read back unchanged after it.
 */
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const A = demo.accounts;
const EE = demo.schools.ee;
const FI = demo.schools.fi;
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
});
afterAll(async () => host?.close());

interface Answer {
  status: number;
  body: any;
  text: string;
}

async function call(path: string, init: { method?: string; token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {}) {
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
  const body = (r.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : undefined;
  return { status: r.status, body, text } satisfies Answer;
}

const tokenOf = async (accountId: string): Promise<string> =>
  (await call('/_local/tokens', { method: 'POST', json: { accountId } })).body.accessToken as string;

/** A refusal: the status, the error envelope with the code, and no data. */
function expectRefused(answer: Answer, status: number, code: string, why = '') {
  expect(answer.status, `${why} ${answer.text}`).toBe(status);
  expect(answer.body?.error?.code, why).toBe(code);
  expect(Object.keys(answer.body), why).toEqual(['error']);
}

const accounts = () => host.services.db.collection('accounts');
const readAccount = (id: string) => accounts().read<AccountDoc>(id, id);

async function person(name: string, fields: Partial<AccountDoc> = {}): Promise<string> {
  const accountId = `acc-attack-${name}-${randomUUID().slice(0, 8)}`;
  await accounts().upsert<AccountDoc>({
    id: accountId,
    type: 'account',
    accountId,
    firstName: name,
    lastName: 'Attack',
    email: `${accountId}@example.com`,
    language: 'et',
    country: 'EE',
    status: 'active',
    createdAt: at,
    updatedAt: at,
    ...fields,
  });
  return accountId;
}

describe('another school, another municipality, another publisher (ACL-*, GPT-1, STAT-1, STAT-2)', () => {
  const settings = () => host.services.db.collection('schools').queryAll('assistant-settings', {});

  it("ACL-7, GPT-1: a school's administrator cannot switch another school's assistant; a teacher cannot switch their own", async () => {
    const before = await settings();
    for (const [who, schoolId] of [
      [A.eeAdmin, FI],
      [A.eeTeacher, EE],
      [A.eeClassTeacher, EE],
      [A.twoSchools, EE],
      [A.eeStudent, EE],
      [A.municipality, EE],
    ] as const)
      expectRefused(
        await call(`/api/schools/${schoolId}/assistant`, { method: 'PUT', token: await tokenOf(who), json: { studentsEnabled: false } }),
        403,
        'forbidden',
        `${who} on ${schoolId}`,
      );
    expect(await settings()).toEqual(before);
  });

  it("ACL-7, OPS-3: a school's administrator cannot change another school's MPASSid trust; a teacher cannot change their own", async () => {
    const before = await host.services.db.collection('schools').read(FI, FI);
    for (const [who, schoolId] of [
      [A.eeAdmin, FI],
      [A.fiTeacher, FI],
    ] as const)
      expectRefused(
        await call(`/api/schools/${schoolId}/mpassid`, { method: 'PUT', token: await tokenOf(who), json: { trustMpassidRoles: true } }),
        403,
        'forbidden',
        who,
      );
    expect(await host.services.db.collection('schools').read(FI, FI)).toEqual(before);
  });

  it('ACL-8, STAT-1: a municipality official asking for a school outside their list is 403 through every filter and the CSV', async () => {
    const token = await tokenOf(A.municipality);
    const month = host.clock.now().toISOString().slice(0, 7);
    for (const path of ['/api/stats/municipality/usage', '/api/stats/municipality/usage.csv'])
      for (const query of [
        `schoolId=${FI}`,
        `schoolId=${FI}&workId=work-ee-math-5`,
        `schoolId=${FI}&subject=mathematics`,
        `schoolId=${FI}&from=${month}&to=${month}`,
        `schoolId=${EE}&schoolId=${FI}`,
        `schoolId=${encodeURIComponent(` ${FI}`)}`,
      ]) {
        const r = await call(`${path}?${query}`, { token });
        expect([400, 403], `${path}?${query}`).toContain(r.status);
        expect(r.body?.error?.code, `${path}?${query}`).toBeDefined();
        expect(r.text).not.toContain('"months"');
      }
    // Their own school still answers, and names no other school.
    const own = await call('/api/stats/municipality/usage', { token });
    expect(own.status).toBe(200);
    expect(own.text).not.toContain(FI);
  });

  it("STAT-1: a school's administrator, a teacher and a student get no municipality report of their own school", async () => {
    for (const who of [A.eeAdmin, A.eeTeacher, A.eeStudent, A.cmsAuthor])
      for (const path of ['/api/stats/municipality/usage', `/api/stats/municipality/usage.csv?schoolId=${EE}`])
        expectRefused(await call(path, { token: await tokenOf(who) }), 403, 'forbidden', `${who} ${path}`);
  });

  it("STAT-2: a publisher cannot read another publisher's statistics, nor reach another's work through its own", async () => {
    const token = await tokenOf(A.cmsAuthor);
    for (const path of [
      `/api/stats/publishers/${demo.publishers.fi}/usage`,
      `/api/stats/publishers/${demo.publishers.fi}/usage.csv`,
      `/api/stats/publishers/${demo.publishers.fi}/usage?workId=work-fi-math-7`,
    ])
      expectRefused(await call(path, { token }), 403, 'forbidden', path);
    const viaOwn = await call(`/api/stats/publishers/${demo.publishers.ee}/usage?workId=work-fi-math-7`, { token });
    expect(viaOwn.status).toBe(200);
    expect(viaOwn.text).not.toContain('work-fi-math-7"');
    for (const who of [A.municipality, A.eeAdmin, A.cmsAuthor])
      expectRefused(await call('/api/ops/stats/national', { token: await tokenOf(who) }), 403, 'forbidden', who);
  });
});

describe('odd ids and queries on the new routes are 4xx, never 500 (ACL-*, STAT-1, STAT-2, GPT-1, PRIV-6)', () => {
  it('STAT-1, STAT-2, GPT-1, PRIV-6: odd path ids and queries', async () => {
    const odd = ['%00', '..%2F..%2Fetc', encodeURIComponent("x' OR 1=1"), encodeURIComponent('työ📚'), 'a'.repeat(300)];
    const cases: [string, string, string, unknown?][] = [];
    for (const id of odd) {
      cases.push([A.cmsAuthor, 'GET', `/api/stats/publishers/${id}/usage`]);
      cases.push([A.cmsAuthor, 'GET', `/api/stats/publishers/${id}/usage.csv`]);
      cases.push([A.eeAdmin, 'PUT', `/api/schools/${id}/assistant`, { studentsEnabled: false }]);
      cases.push([A.eeParent, 'GET', `/api/children/${id}/consents`]);
      cases.push([A.eeParent, 'POST', `/api/children/${id}/consents`, { purpose: 'newsletter', given: true }]);
      cases.push([A.municipality, 'GET', `/api/stats/municipality/usage?schoolId=${id}`]);
      cases.push([A.municipality, 'GET', `/api/stats/municipality/usage?workId=${id}&subject=${id}`]);
    }
    for (const q of [
      'from=2026-13',
      'from=0000-01&to=0000-12',
      'to=9999-12',
      'from=2026-01&to=2025-01',
      'from[]=2026-01',
      'from=2026-01&from=2026-02',
    ])
      cases.push([A.municipality, 'GET', `/api/stats/municipality/usage.csv?${q}`], [A.operatorAdmin, 'GET', `/api/ops/stats/national?${q}`]);
    for (const [who, method, path, json] of cases) {
      const r = await call(path, { method, token: await tokenOf(who), ...(json ? { json } : {}) });
      if (r.status === 200) continue;
      expect(r.status, `${method} ${path}: ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${method} ${path}: ${r.text}`).toBeLessThan(500);
      expect(Object.keys(r.body ?? {}), `${method} ${path}`).toEqual(['error']);
    }
  });
});

/** A batch's record (`b:<key>`): its key is scoped to the caller, the account or (not signed in) the client address. */
const recordIdOf = (batchId: string, caller: string) => `b:${batchKeyOf(host.services.config, batchId, caller)}`;

describe('usage events posted by an outsider (LOG-1)', () => {
  const now = () => host.clock.now().toISOString();
  const view = (extra: Record<string, unknown> = {}) => ({
    kind: 'page-view',
    at: now(),
    workId: 'work-ee-math-5',
    chapterId: 'ch-1',
    seconds: 10,
    ...extra,
  });
  const post = (batch: unknown, token?: string) =>
    call('/api/events', {
      method: 'POST',
      ...(token ? { token } : {}),
      ...(typeof batch === 'string' ? { body: batch, headers: { 'content-type': 'application/json' } } : { json: batch }),
    });
  const identifiable = (accountId: string) =>
    host.services.db.collection('events').queryAll<{ batchId: string; events: unknown[] }>(accountId, { where: "c.type = 'usage-batch-events'" });

  it('LOG-1: events attributed to another school, person or work by extra fields, or with bad counts, are 422 and record nothing', async () => {
    const token = await tokenOf(A.eeStudent);
    const before = await identifiable(A.eeStudent);
    const attempts: [string, unknown][] = [
      ['school on the batch', { batchId: randomUUID(), schoolId: FI, events: [view()] }],
      ['person on the batch', { batchId: randomUUID(), accountId: A.fiStudent, events: [view()] }],
      ['school on an event', { batchId: randomUUID(), events: [view({ schoolId: FI })] }],
      ['person on an event', { batchId: randomUUID(), events: [view({ accountId: A.eeStudent2 })] }],
      ['publisher on an event', { batchId: randomUUID(), events: [view({ publisherId: demo.publishers.fi })] }],
      ['negative seconds', { batchId: randomUUID(), events: [view({ seconds: -5 })] }],
      ['huge seconds', { batchId: randomUUID(), events: [view({ seconds: 1e12 })] }],
      ['fractional seconds', { batchId: randomUUID(), events: [view({ seconds: 1.5 })] }],
      ['seconds as text', { batchId: randomUUID(), events: [view({ seconds: '10' })] }],
      [
        'negative search counts',
        { batchId: randomUUID(), events: [{ kind: 'search', at: now(), scope: 'work', words: -1, characters: 3, hits: 1 }] },
      ],
      ['unicode work id', { batchId: randomUUID(), events: [view({ workId: 'työ-ë-📚' })] }],
      ['work id with a quote', { batchId: randomUUID(), events: [view({ workId: "w' OR 1=1" })] }],
      [
        'search text',
        { batchId: randomUUID(), events: [{ kind: 'search', at: now(), scope: 'work', words: 1, characters: 4, hits: 1, text: 'Mari' }] },
      ],
      ['101 events', { batchId: randomUUID(), events: Array.from({ length: 101 }, () => view()) }],
      ['no events', { batchId: randomUUID(), events: [] }],
      ['not a uuid', { batchId: 'batch-1', events: [view()] }],
    ];
    for (const [why, batch] of attempts) expectRefused(await post(batch, token), 422, 'validation_failed', why);
    const oversized = await post({ batchId: randomUUID(), events: [view({ pageId: 'p'.repeat(70_000) })] }, token);
    expect(oversized.status).toBe(413);
    expect(oversized.body?.error?.code).toBeDefined();
    await host.bus.idle();
    expect(await identifiable(A.eeStudent)).toEqual(before);
  });

  it("LOG-1: a batch replayed with another student's session is counted once and never lands in the replayer's record", async () => {
    const batch = { batchId: randomUUID(), events: [view()] };
    expect((await post(batch, await tokenOf(A.eeStudent))).status).toBe(202);
    await host.bus.idle();
    const recordId = recordIdOf(batch.batchId, `account:${A.eeStudent}`);
    const record = await host.services.db.collection('stats').read(recordId, recordId);
    expect(record).toMatchObject({ events: 1 });
    const replayed = await post({ ...batch, events: [view({ seconds: 3600 }), view({ seconds: 3600 })] }, await tokenOf(A.eeStudent2));
    expect([202, 409]).toContain(replayed.status);
    await host.bus.idle();
    expect(await host.services.db.collection('stats').read(recordId, recordId)).toEqual(record);
    expect((await identifiable(A.eeStudent2)).filter((b) => b.batchId === batch.batchId)).toEqual([]);
    expect((await identifiable(A.eeStudent)).find((b) => b.batchId === batch.batchId)?.events).toHaveLength(1);
  });
});

describe("usage events sent by another site with the student's cookie (LOG-1)", () => {
  it("LOG-1: a cookie-authenticated batch without the session's CSRF token counts as anyone's, never in the student's record", async () => {
    const token = await tokenOf(A.eeStudent2);
    for (const contentType of ['application/json', 'text/plain']) {
      const batchId = randomUUID();
      const batch = { batchId, events: [{ kind: 'page-view', at: host.clock.now().toISOString(), workId: 'work-ee-math-5', seconds: 5 }] };
      const r = await call('/api/events', {
        method: 'POST',
        headers: { cookie: `__Host-opiq_at=${token}`, 'content-type': contentType, origin: 'https://evil.example' },
        body: JSON.stringify(batch),
      });
      expect(r.status, `${contentType}: ${r.text}`).toBeLessThan(500);
      await host.bus.idle();
      expect(await host.services.db.collection('events').read(`batch:${batchId}`, A.eeStudent2), contentType).toBeUndefined();
      // Not signed in: the batch is the client address's (the local host's front end appends the connection's).
      const recordId = recordIdOf(batchId, 'address:127.0.0.1');
      const record = await host.services.db.collection('stats').read<{ id: string; type: string; recorded: string }>(recordId, recordId);
      if (r.status === 202) expect(record?.recorded, contentType).toBe('anonymous');
      else {
        expect(Object.keys(r.body ?? {})).toEqual(['error']);
        expect(record).toBeUndefined();
      }
    }
  });
});

describe('unsubscribe links and the SendGrid webhook (MKT-1)', () => {
  const keys = () => host.services.config.UNSUBSCRIBE_SIGNING_KEYS;
  const consented = { newsletter: { given: true, version: '2026-01', at, channel: 'settings' as const } };
  const unsubscribe = (token: string) =>
    call(`/api/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('MKT-1, PRIV-6: a forged, altered, re-addressed or re-purposed unsubscribe token is refused and withdraws nothing', async () => {
    const victim = await person('victim', { consents: { ...consented, productResearch: consented.newsletter } });
    const other = await person('other', { consents: consented });
    const own = unsubscribeToken(keys(), other, 'newsletter');
    const [, purpose, mac] = own.split('.');
    const victimId = Buffer.from(victim, 'utf8').toString('base64url');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const sessionToken = await tokenOf(victim);
    for (const [why, token, status, code] of [
      ["another person's id with my signature", `${victimId}.${purpose}.${mac}`, 403, 'unsubscribe_link_forged'],
      ['signature changed', `${victimId}.${purpose}.${flip(mac!)}`, 403, 'unsubscribe_link_forged'],
      [
        'signed with a key we do not hold',
        unsubscribeToken([{ id: 'x', secret: new Uint8Array(32).fill(7) }] as never, victim, 'newsletter'),
        403,
        'unsubscribe_link_forged',
      ],
      ['signature cut short', `${victimId}.${purpose}.${mac!.slice(0, 20)}`, 400, 'unsubscribe_link_invalid'],
      ['an unknown purpose', `${victimId}.everything.${mac}`, 400, 'unsubscribe_link_invalid'],
      [
        'the newsletter link turned to another purpose',
        unsubscribeToken(keys(), victim, 'newsletter').replace('.newsletter.', '.productResearch.'),
        403,
        'unsubscribe_link_forged',
      ],
      ["the victim's session token", sessionToken, 400, 'unsubscribe_link_invalid'],
    ] as const) {
      expectRefused(await unsubscribe(token), status, code, why);
      // The page the link opens refuses alike, and asks nothing.
      expectRefused(await call(`/api/unsubscribe?token=${encodeURIComponent(token)}`), status, code, `GET ${why}`);
    }
    expect((await readAccount(victim))?.consents).toEqual({ ...consented, productResearch: consented.newsletter });
    expect((await readAccount(other))?.consents?.newsletter).toEqual(consented.newsletter);
  });

  async function postEvents(events: unknown[], options: { key?: KeyObject; timestamp?: number } = {}) {
    const raw = `[${events.map((e) => JSON.stringify(e)).join(',\r\n')}]\r\n`;
    const timestamp = String(options.timestamp ?? Math.floor(host.clock.now().getTime() / 1000));
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(raw)]), options.key ?? privateKey).toString('base64');
    return call('/api/webhooks/sendgrid', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-signature': signature,
        'x-twilio-email-event-webhook-timestamp': timestamp,
      },
      body: raw,
    });
  }
  const consentEvents = (accountId: string) => accounts().queryAll(accountId, { where: "c.type = 'consent-event'" });

  it('MKT-1: a replayed signed spam report does not withdraw the consent the person gave again after it', async () => {
    const reader = await person('reader', { consents: consented });
    const report = {
      email: `${reader}@example.com`,
      event: 'spamreport',
      category: ['marketing'],
      accountId: reader,
      timestamp: Math.floor(host.clock.now().getTime() / 1000),
      sg_event_id: randomUUID(),
    };
    const timestamp = Math.floor(host.clock.now().getTime() / 1000);
    expect((await postEvents([report], { timestamp })).status).toBe(200);
    await host.bus.idle();
    expect((await readAccount(reader))?.consents?.newsletter).toMatchObject({ given: false, channel: 'spam-report' });

    // The person subscribes again later; the same event comes once more (SendGrid delivers at least once and retries
    // for 24 hours), in a delivery with another event, so the queue's duplicate detection does not catch it.
    host.clock.advance(60 * 60_000);
    const again = await call('/api/me/consents', {
      method: 'POST',
      token: await tokenOf(reader),
      json: { purpose: 'newsletter', given: true },
    });
    expect(again.status, again.text).toBeLessThan(300);
    const given = (await readAccount(reader))?.consents?.newsletter;
    expect(given).toMatchObject({ given: true });
    const history = await consentEvents(reader);
    const bounce = { email: `bounce-${randomUUID()}@example.com`, event: 'bounce', timestamp: report.timestamp, sg_event_id: randomUUID() };
    expect((await postEvents([report, bounce])).status).toBe(200);
    await host.bus.idle();
    expect((await readAccount(reader))?.consents?.newsletter).toEqual(given);
    expect(await consentEvents(reader)).toEqual(history);
  });

  it('MKT-1: a signed delivery that is not a list of events is 400; odd events are skipped, never a 500', async () => {
    const raw = async (body: string) => {
      const timestamp = String(Math.floor(host.clock.now().getTime() / 1000));
      const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), privateKey).toString('base64');
      return call('/api/webhooks/sendgrid', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-twilio-email-event-webhook-signature': signature,
          'x-twilio-email-event-webhook-timestamp': timestamp,
        },
        body,
      });
    };
    for (const body of ['{"event":"bounce"}', 'not json', '"text"', 'null']) expectRefused(await raw(body), 400, 'sendgrid_events_invalid', body);
    // A huge unsigned body is refused before anything is parsed.
    const huge = await call('/api/webhooks/sendgrid', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `[${'{"event":"bounce"},'.repeat(300_000)}{}]`,
    });
    expect(huge.status, huge.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    expect(huge.body?.error?.code).toBeDefined();
    const odd = await postEvents([
      null,
      7,
      { event: 'spamreport', category: 'marketing', accountId: 'x'.repeat(500), timestamp: 'yesterday' },
      { event: 'spamreport', category: 'marketing', accountId: { $ne: null }, email: ['a@b.c'] },
      { event: 'bounce', email: `${'a'.repeat(400)}@example.com`, timestamp: -1 },
    ]);
    expect(odd.status, odd.text).toBe(200);
    expect(odd.body).toEqual({ events: 5, suppressions: 0 });
  });

  it('MKT-1: a delivery signed over another timestamp, or an old one, is 401 and withdraws nothing', async () => {
    const reader = await person('stale', { consents: consented });
    const report = { email: `${reader}@example.com`, event: 'spamreport', category: 'marketing', accountId: reader, sg_event_id: randomUUID() };
    const now = Math.floor(host.clock.now().getTime() / 1000);
    expectRefused(await postEvents([report], { timestamp: now - 26 * 3600 }), 401, 'sendgrid_signature_invalid', 'old');
    const { privateKey: stranger } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expectRefused(await postEvents([report], { key: stranger }), 401, 'sendgrid_signature_invalid', 'forged');
    await host.bus.idle();
    expect((await readAccount(reader))?.consents?.newsletter).toEqual(consented.newsletter);
  });
});

describe("children's consents and erasure requests (PRIV-6, PRIV-7, ACL-*)", () => {
  const childConsent = (parent: string, child: string) =>
    tokenOf(parent).then((token) => call(`/api/children/${child}/consents`, { method: 'POST', token, json: { purpose: 'newsletter', given: true } }));

  it('PRIV-6, ACL-3: a parent cannot give a consent for a child of 13+, over a link only one side knows, or after the link ended', async () => {
    const student = (birthDate: string, parents: AccountDoc['parents']) =>
      person('child', { birthDate, schoolRoles: [{ schoolId: EE, role: 'student', classId: demo.classes.ee5a }], ...(parents ? { parents } : {}) });
    const parent = await person('parent');
    const link = (accountId: string) => ({ accountId, schoolId: EE, linkId: `link-${randomUUID()}` });
    const older = await student('2010-01-15', [link(parent)]);
    const unconfirmed = await student('2018-02-02', []);
    const ended = await student('2018-03-03', []);
    // The parent's side still names all three (a request, or a link the school ended on the child's side).
    await accounts().upsert<AccountDoc>({ ...(await readAccount(parent))!, children: [link(older), link(unconfirmed), link(ended)] });
    for (const child of [older, unconfirmed, ended]) {
      const before = await readAccount(child);
      expectRefused(await childConsent(parent, child), 403, 'forbidden', child);
      expect(await readAccount(child)).toEqual(before);
    }
    // A stranger, a teacher and the school's administrator are no parent either.
    const young = await student('2018-04-04', [link(parent)]);
    for (const who of [A.eeParent, A.eeTeacher, A.eeAdmin]) expectRefused(await childConsent(who, young), 403, 'forbidden', who);
    expect((await readAccount(young))?.consents).toBeUndefined();
  });

  it('PRIV-7, ACL-3: a parent cannot ask for the erasure of a child over a link only one side knows, or after the link ended', async () => {
    const parent = await person('asking-parent');
    const link = (accountId: string) => ({ accountId, schoolId: EE, linkId: `link-${randomUUID()}` });
    const children = [
      await person('unconfirmed-child', { birthDate: '2015-02-02', schoolRoles: [{ schoolId: EE, role: 'student' }] }),
      await person('ended-child', { birthDate: '2015-03-03', schoolRoles: [{ schoolId: EE, role: 'student' }], parents: [] }),
    ];
    await accounts().upsert<AccountDoc>({ ...(await readAccount(parent))!, children: children.map(link) });
    for (const child of [...children, A.eeStudent]) {
      const before = await host.services.db.collection('jobs').queryAll(child, { where: "c.type = 'rights-request'" });
      expectRefused(
        await call(`/api/children/${child}/privacy/requests`, { method: 'POST', token: await tokenOf(parent), json: { requestType: 'erasure' } }),
        403,
        'forbidden',
        child,
      );
      expect(await host.services.db.collection('jobs').queryAll(child, { where: "c.type = 'rights-request'" })).toEqual(before);
    }
  });

  const requestsOf = (accountId: string) => host.services.db.collection('jobs').queryAll(accountId, { where: "c.type = 'rights-request'" });

  it("PRIV-7, ACL-7: another school's administrator, a teacher or the operator's privacy officer cannot open an erasure for a school's student", async () => {
    const before = await requestsOf(A.fiStudent);
    for (const [who, schoolId, subject, status, code] of [
      [A.eeAdmin, FI, A.fiStudent, 403, 'forbidden'],
      [A.eeAdmin, EE, A.fiStudent, 409, 'rights_subject_not_student'],
      [A.fiTeacher, FI, A.fiStudent, 403, 'forbidden'],
      [A.privacyOfficer, FI, A.fiStudent, 403, 'forbidden'],
    ] as const) {
      const r = await call(`/api/schools/${schoolId}/privacy/requests`, {
        method: 'POST',
        token: await tokenOf(who),
        json: { subjectAccountId: subject, requestType: 'erasure' },
      });
      expect(r.status, `${who} ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expectRefused(r, r.status === status ? status : r.status, code, who);
    }
    expect(await requestsOf(A.fiStudent)).toEqual(before);
  });

  it("PRIV-3, PRIV-7, ACL-7: one school's erasure or export of a student another school also holds does nothing; the request stays for the privacy officer", async () => {
    const student = await person('two-school-student', {
      birthDate: '2014-06-06',
      schoolRoles: [
        { schoolId: EE, role: 'student', classId: demo.classes.ee5a },
        { schoolId: FI, role: 'student', classId: demo.classes.fi7a },
      ],
    });
    for (const schoolId of [EE, FI])
      await host.services.db.collection('schools').upsert({
        id: `membership:${student}:student`,
        type: 'membership',
        schoolId,
        accountId: student,
        role: 'student',
        status: 'active',
        since: at,
        firstName: 'two-school-student',
        lastName: 'Attack',
      });
    const before = await readAccount(student);
    const opened = await call(`/api/schools/${EE}/privacy/requests`, {
      method: 'POST',
      token: await tokenOf(A.eeAdmin),
      json: { subjectAccountId: student, requestType: 'erasure', scope: { erasure: 'everything' } },
    });
    expect(opened.status, opened.text).toBe(201);
    await host.bus.idle();
    expect(await readAccount(student), 'the account another school holds is not erased').toEqual(before);
    const [request] = await requestsOf(student);
    expect(request).toMatchObject({ state: 'processing' });

    // Nor does the school get an export of everything the other school holds: no export is made for its administrator.
    const exportRequest = await call(`/api/schools/${EE}/privacy/requests`, {
      method: 'POST',
      token: await tokenOf(A.eeAdmin),
      json: { subjectAccountId: student, requestType: 'export' },
    });
    expect(exportRequest.status, exportRequest.text).toBe(201);
    await host.bus.idle();
    expect(await host.services.db.collection('jobs').queryAll(student, { where: "c.type = 'privacy-export'" })).toEqual([]);
    expect((await requestsOf(student)).find((r: any) => r.requestType === 'export')).toMatchObject({ state: 'processing' });
  });

  it('PRIV-7: an erasure request of my own cannot name someone else', async () => {
    const before = await requestsOf(A.eeStudent2);
    const r = await call('/api/me/privacy/requests', {
      method: 'POST',
      token: await tokenOf(A.privateUser),
      json: { requestType: 'erasure', subjectAccountId: A.eeStudent2 },
    });
    expectRefused(r, 422, 'validation_failed');
    expect(await requestsOf(A.eeStudent2)).toEqual(before);
  });

  it("PRIV-7, ACL-7: a school's administrator cannot decide another school's erasure request", async () => {
    const opened = await call(`/api/schools/${FI}/privacy/requests`, {
      method: 'POST',
      token: await tokenOf(A.twoSchools),
      json: { subjectAccountId: A.fiStudent, requestType: 'erasure', details: 'attack test' },
    });
    expect(opened.status, opened.text).toBe(201);
    const requestId = opened.body.id as string;
    const stored = await requestsOf(A.fiStudent);
    for (const [who, schoolId] of [
      [A.eeAdmin, FI],
      [A.eeAdmin, EE],
      [A.fiTeacher, FI],
    ] as const) {
      const r = await call(`/api/schools/${schoolId}/privacy/requests/${encodeURIComponent(requestId)}/decision`, {
        method: 'POST',
        token: await tokenOf(who),
        json: { outcome: 'refuse', reason: 'not ours' },
      });
      expect([403, 404], `${who} ${schoolId} ${r.text}`).toContain(r.status);
      expect(r.body?.error?.code).toBeDefined();
    }
    // Nor list it, nor move it through the officer's route; the officer moves it only as the rules allow (not for the school).
    for (const who of [A.eeAdmin, A.privacyOfficer, A.fiTeacher])
      expectRefused(await call(`/api/schools/${FI}/privacy/requests`, { token: await tokenOf(who) }), 403, 'forbidden', who);
    const transition = (to: string) => ({ method: 'POST', json: { to, reason: 'attack' } });
    for (const who of [A.twoSchools, A.eeAdmin, A.staff])
      expectRefused(
        await call(`/api/ops/privacy/requests/${A.fiStudent}/${encodeURIComponent(requestId)}/transitions`, {
          ...transition('rejected'),
          token: await tokenOf(who),
        }),
        403,
        'forbidden',
        who,
      );
    expectRefused(
      await call(`/api/ops/privacy/requests/${A.eeStudent}/${encodeURIComponent(requestId)}/transitions`, {
        ...transition('rejected'),
        token: await tokenOf(A.privacyOfficer),
      }),
      404,
      'rights_request_not_found',
      'the request under another subject',
    );
    expect(await requestsOf(A.fiStudent)).toEqual(stored);
  });
});

describe("a suspended or closed account's still-held token (ACL-*, LOG-1, GPT-1, PRIV-6)", () => {
  it('ACL-1: the token stops working at once for the new routes, and nothing is recorded for the account', async () => {
    for (const status of ['suspended', 'closed'] as const) {
      const parent = await person(`held-${status}`);
      const child = await person('young', { birthDate: '2018-05-05', schoolRoles: [{ schoolId: EE, role: 'student' }] });
      const link = { schoolId: EE, linkId: `link-${randomUUID()}` };
      await accounts().upsert<AccountDoc>({ ...(await readAccount(parent))!, children: [{ accountId: child, ...link }] });
      await accounts().upsert<AccountDoc>({ ...(await readAccount(child))!, parents: [{ accountId: parent, ...link }] });
      const token = await tokenOf(parent);
      await accounts().upsert<AccountDoc>({ ...(await readAccount(parent))!, status });
      const childBefore = await readAccount(child);

      const consent = await call(`/api/children/${child}/consents`, { method: 'POST', token, json: { purpose: 'newsletter', given: true } });
      expect(consent.status, `${status} ${consent.text}`).toBe(401);
      expect(consent.body?.error?.code).toBeDefined();
      const assistant = await call('/api/assistant/messages', {
        method: 'POST',
        token,
        json: { text: 'Tere', deviceFingerprint: 'device-fingerprint-0001' },
      });
      expect(assistant.status, `${status} ${assistant.text}`).toBe(401);
      const batchId = randomUUID();
      const events = await call('/api/events', {
        method: 'POST',
        token,
        json: { batchId, events: [{ kind: 'page-view', at: host.clock.now().toISOString(), workId: 'work-ee-math-5', seconds: 5 }] },
      });
      // A public route: a dead session is ignored and the batch counted as anyone's, never as the account's.
      expect(events.status, `${status} ${events.text}`).toBe(202);
      await host.bus.idle();
      expect(await host.services.db.collection('events').queryAll(parent, { where: "c.type = 'usage-batch-events'" })).toEqual([]);
      expect(await readAccount(child)).toEqual(childBefore);
    }
  });
});

describe("a suspended or closed official's or administrator's still-held token (ACL-1, ACL-8, STAT-1, PRIV-7)", () => {
  it('ACL-1, ACL-8, STAT-1, PRIV-7: the statistics and the school privacy routes answer 401 once the account is suspended or closed', async () => {
    for (const status of ['suspended', 'closed'] as const) {
      const official = await person(`official-${status}`, { municipality: { name: 'Tallinn', schoolIds: [EE] } });
      const admin = await person(`admin-${status}`, { schoolRoles: [{ schoolId: EE, role: 'schoolAdmin' }] });
      const asked: [string, string][] = [
        [official, '/api/stats/municipality/usage'],
        [official, '/api/stats/municipality/usage.csv'],
        [admin, `/api/schools/${EE}/privacy/requests`],
      ];
      const tokens = new Map<string, string>();
      for (const [who, path] of asked) {
        tokens.set(who, tokens.get(who) ?? (await tokenOf(who)));
        expect((await call(path, { token: tokens.get(who)! })).status, `${path} while active`).toBe(200);
      }
      for (const who of [official, admin]) await accounts().upsert<AccountDoc>({ ...(await readAccount(who))!, status });
      for (const [who, path] of asked) {
        const r = await call(path, { token: tokens.get(who)! });
        expect(r.status, `${status} ${path}`).toBe(401);
        expect(Object.keys(r.body ?? {}), `${status} ${path}`).toEqual(['error']);
      }
      const put = await call(`/api/schools/${EE}/assistant`, { method: 'PUT', token: tokens.get(admin)!, json: { studentsEnabled: false } });
      expect(put.status).toBe(401);
    }
  });
});

describe('a parent link ended through the school, on the shared host (PRIV-6, PRIV-7, ACL-3)', () => {
  it("PRIV-6, PRIV-7, ACL-3: after the school ends the link, the former parent can neither read nor set the child's consents nor ask for the child's erasure", async () => {
    const child = await newStudent('Endedkid', birthDateIn(2018));
    const parent = await newPerson('Endedparent');
    const linkId = await confirmedLink(parent, child);
    const consents = (method: string, json?: unknown) =>
      api(`/api/children/${child.accountId}/consents`, { method, token: parent.token, ...(json ? { json } : {}) });
    expect((await consents('POST', { purpose: 'newsletter', given: true })).status, 'while linked').toBe(200);

    const ended = await api(`/api/schools/${EE}/parent-links/${encodeURIComponent(linkId)}/end`, { method: 'POST', token: await adminToken() });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const childConsents = async () => (await api(`/api/me/consents`, { token: child.token })).body;
    const before = await childConsents();
    for (const [why, answer] of [
      ['read', await consents('GET')],
      ['withdraw', await consents('POST', { purpose: 'newsletter', given: false })],
      ['give', await consents('POST', { purpose: 'productResearch', given: true })],
      [
        'erasure',
        await api(`/api/children/${child.accountId}/privacy/requests`, { method: 'POST', token: parent.token, json: { requestType: 'erasure' } }),
      ],
    ] as const) {
      expect(answer.status, `${why}: ${JSON.stringify(answer.body)}`).toBe(403);
      expect(Object.keys(answer.body as object), why).toEqual(['error']);
    }
    expect(await childConsents()).toEqual(before);
    const requests = await api(`/api/me/privacy/requests`, { token: child.token });
    expect(JSON.stringify(requests.body)).not.toContain('erasure');
  });
});
