import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { eraseSubject, erasureEvidenceOfAccount, readErasureEvidence } from '../shared/erasure/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { liftErasedSuppression, suppress } from '../shared/marketing/index.js';
import { suppressedAmong } from '../shared/marketing/suppressions.js';
import type { ContainerName, Doc } from '../shared/platform/cosmos.js';
import type { JobDoc } from '../shared/platform/jobs.js';
import { parseCounts } from '../shared/platform/operations.js';
import type { Services } from '../shared/platform/services.js';
import { dataRegistry } from '../shared/privacy/registry.js';
import { closureRetention } from '../shared/retention/index.js';
import { documentOf, everyTypeFor, personFor, writeAll } from './erasure-fixtures.js';
import { counted } from './store-probe.js';

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

describe("PRIV-3: the privacy officer's view of the erasure evidence", () => {
  it('PRIV-3: the officer finds an erasure from an account id (hashed by the server) and by its hash: dates, counts, files, holds, no personal data; others are refused', async () => {
    const email = `shown.${randomUUID().slice(0, 8)}@example.com`;
    await verify(await signUp(email));
    const accountId = await accountIdOf(email);
    await host.services.blobs.put(`accounts/${accountId}/materials/note.pdf`, new TextEncoder().encode('%PDF-1.4 own'), 'application/pdf');
    const erased = await eraseSubject(host.services, { accountId, reason: 'request', by: demo.accounts.privacyOfficer });
    const officer = await tokenOf(demo.accounts.privacyOfficer);

    const found = await call(`ops/erasures?accountId=${encodeURIComponent(accountId)}`, { token: officer });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.hashes).toEqual([{ kid: expect.stringMatching(/^erase-/), subjectHash: erased.subjectHash }]);
    expect(found.body.erasures).toHaveLength(1);
    const [shown] = found.body.erasures;
    expect(shown).toMatchObject({ subjectHash: erased.subjectHash, reason: 'request', blobsDeleted: 1, startedAt: erased.startedAt });
    expect(shown.counts.account).toEqual({ deleted: 1, anonymised: 0, held: 0 });
    expect(shown.holds.some((h: { type: string; until: string }) => h.type === 'login-log' && /^\d{4}-/.test(h.until))).toBe(true);
    for (const trace of [accountId, email, 'Eeva', 'Uuesti'])
      expect(JSON.stringify(found.body)).not.toContain(trace === accountId ? `"${trace}"` : trace);

    const r = await fetch(`${host.url}/api/ops/erasures/${erased.subjectHash}`, { headers: { authorization: `Bearer ${officer}` } });
    expect(r.status).toBe(200);
    const byHash = (await r.json()) as { subjectHash: string; erasures: unknown[] };
    expect(byHash).toEqual({ subjectHash: erased.subjectHash, erasures: found.body.erasures });
    // Issue 11: a GET within 3 operations, the one that authenticates included.
    const ops = parseCounts(r.headers.get('x-cosmos-ops') ?? '');
    expect(ops.pointRead + ops.write + ops.query + ops.crossPartitionQuery, JSON.stringify(ops)).toBeLessThanOrEqual(3);
    expect(ops.crossPartitionQuery).toBe(0);

    expect((await call(`ops/erasures/${'B'.repeat(32)}`, { token: officer })).body.error.code).toBe('erasure_evidence_not_found');
    expect((await call('ops/erasures', { token: officer })).body.error.code).toBe('erasure_account_id_required');
    const unknown = await call(`ops/erasures?accountId=acc-never-${randomUUID().slice(0, 8)}`, { token: officer });
    expect(unknown.status).toBe(200);
    expect(unknown.body.erasures).toEqual([]);
    for (const other of [demo.accounts.operatorAdmin, demo.accounts.supportStaff, demo.accounts.privateUser])
      expect((await call(`ops/erasures/${erased.subjectHash}`, { token: await tokenOf(other) })).status).toBe(403);
  });

  it('PRIV-3: after the evidence key is rotated, evidence made with the old key is still found from the account id (its kid kept)', async () => {
    const accountId = `acc-rotated-${randomUUID().slice(0, 8)}`;
    const erased = await eraseSubject(host.services, { accountId, reason: 'outcomes' });
    const old = host.services.config.ERASURE_EVIDENCE_KEYS!;
    const rotated = {
      ...host.services,
      config: { ...host.services.config, ERASURE_EVIDENCE_KEYS: [{ kid: 'e-new', secret: new Uint8Array(32).fill(7) }, ...old] },
    };
    const { hashes, erasures } = await erasureEvidenceOfAccount(rotated, accountId);
    expect(hashes.map((h) => h.kid)).toEqual(['e-new', old[0]!.kid]);
    expect(hashes[0]!.subjectHash).not.toBe(erased.subjectHash);
    expect(erasures).toEqual([expect.objectContaining({ subjectHash: erased.subjectHash, kid: old[0]!.kid, reason: 'outcomes' })]);
    // A new erasure is filed under the new key.
    const later = await eraseSubject(rotated, { accountId, reason: 'outcomes', run: 'after-rotation' });
    expect(later.subjectHash).toBe(hashes[0]!.subjectHash);
  });
});

describe('PRIV-3, RET-1: released login indexes in the evidence', () => {
  it('PRIV-3, RET-1: the login indexes the closure released (password login, personal code) are counted in the evidence, once, also for an account closed long before', async () => {
    const email = `indexes.${randomUUID().slice(0, 8)}@example.com`;
    await verify(await signUp(email));
    const accountId = await accountIdOf(email);
    // A personal-code index too (as an eID sign-in or the school's record would make).
    const code = { country: 'EE', code: `4${Date.now().toString().slice(-10)}` };
    await host.services.db.collection('accounts').patch(accountId, accountId, [{ op: 'set', path: '/personalCode', value: code }]);
    await host.services.db.collection('logins').create({ id: `pcode:EE:${code.code}`, type: 'login-index', accountId });
    const evidence = await eraseSubject(host.services, { accountId, reason: 'request' });
    expect(evidence.counts['login-index']).toEqual({ deleted: 2, anonymised: 0, held: 0 });
    expect(await host.services.db.collection('logins').read(`pcode:EE:${code.code}`, `pcode:EE:${code.code}`)).toBeUndefined();

    // Closed by its owner first (the indexes go at closure), erased by retention later: still counted.
    const later = `closed.${randomUUID().slice(0, 8)}@example.com`;
    await verify(await signUp(later));
    const closedId = await accountIdOf(later);
    const token = await tokenOf(closedId);
    expect(
      (await call('me/account/close', { method: 'POST', token, json: { confirm: true, password: 'correct horse battery staple' }, ip: randomIp() }))
        .status,
    ).toBe(200);
    await host.bus.idle();
    const retention = await eraseSubject(host.services, { accountId: closedId, reason: 'retention' });
    expect(retention.counts['login-index']).toEqual({ deleted: 1, anonymised: 0, held: 0 });
  });
});

describe('PRIV-3, RET-2: anonymising keeps the day a document leaves', () => {
  it('PRIV-3, RET-2: a journal and a task anonymised two years after their last change keep their due day (the TTL is not restarted) and leave on it', async () => {
    const P = personFor(`acc-ttl-${randomUUID().slice(0, 8)}`, 41);
    const other = `acc-ttl-other-${randomUUID().slice(0, 8)}`;
    const specs = ['account', 'journal', 'task'].map((type) => dataRegistry.documentTypes.find((t) => t.type === type)!);
    const docs = specs.map((spec) => documentOf(spec, P, other));
    await writeAll(host.services.db, docs);
    const schools = host.services.db.collection('schools');
    const dueOf = (doc: Record<string, unknown> | undefined) => Number(doc?._ts) + Number(doc?.ttl);
    const before = new Map<string, number>();
    for (const { container, doc } of docs.filter((d) => d.container === 'schools')) {
      const stored = await host.services.db.collection(container).read<Doc>(String(doc.id), String(doc.schoolId));
      expect(stored?.ttl, String(doc.type)).toBe((5 * 365 + 2) * 86_400);
      before.set(String(doc.type), dueOf(stored));
    }

    host.clock.advance(2 * 365 * 86_400_000);
    const evidence = await eraseSubject(host.services, { accountId: P.accountId, reason: 'request' });
    expect(evidence.counts.journal?.anonymised).toBe(1);
    expect(evidence.counts.task?.anonymised).toBe(1);
    const partition = String(docs.find((d) => d.doc.type === 'journal')!.doc.schoolId);
    const after = await schools.queryAll<Doc>(partition, {
      where: "(c.type = 'journal' OR c.type = 'task') AND ARRAY_CONTAINS(c.studentIds, @other)",
      parameters: [{ name: '@other', value: other }],
    });
    expect(after.map((d) => d.type).sort()).toEqual(['journal', 'task']);
    for (const doc of after) {
      expect(JSON.stringify(doc)).not.toContain(P.accountId);
      expect(Math.abs(dueOf(doc) - before.get(doc.type)!), doc.type).toBeLessThanOrEqual(2);
      expect(doc).not.toHaveProperty('_keepTtl');
    }

    // A day before the due day they are there; a day after it the TTL has taken them.
    host.clock.advance((Math.max(...before.values()) - 86_400) * 1000 - host.clock.now().getTime());
    await host.sweeper.sweepOnce();
    expect(
      await schools.queryAll(partition, { where: 'ARRAY_CONTAINS(c.studentIds, @other)', parameters: [{ name: '@other', value: other }] }),
    ).toHaveLength(2);
    host.clock.advance(2 * 86_400_000);
    await host.sweeper.sweepOnce();
    expect(
      await schools.queryAll(partition, { where: 'ARRAY_CONTAINS(c.studentIds, @other)', parameters: [{ name: '@other', value: other }] }),
    ).toHaveLength(0);
  });
});

/** Services whose store fails once, on the first batch delete `when` picks (a run killed there: an injected store fault). */
function failingOnce(services: Services, when: (container: ContainerName, ids: string[]) => boolean): Services {
  let failed = false;
  const db = {
    ...services.db,
    collection(name: ContainerName) {
      const real = services.db.collection(name);
      return new Proxy(real, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop === 'deleteMany')
            return async (ids: string[], pk: string) => {
              if (!failed && when(name, ids)) {
                failed = true;
                throw new Error('killed: injected store fault');
              }
              return target.deleteMany(ids, pk);
            };
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
  return { ...services, db };
}

describe('RET-2: the closure-retention job killed mid-page', () => {
  it('RET-2, PRIV-3: a closure-retention run killed by a store fault in the middle of its page is finished by the next run: every due person erased, nothing deleted twice, the finished ones not touched again', async () => {
    const tag = randomUUID().slice(0, 8);
    const people = [0, 1, 2, 3].map((i) => personFor(`acc-kill-${tag}-${i}`, 60 + i));
    const now = host.clock.now();
    for (const person of people) {
      await writeAll(host.services.db, everyTypeFor(person, `acc-kill-${tag}-other`));
      await host.services.db.collection('jobs').create<Doc>({
        id: `account-closure:${person.accountId}`,
        type: 'account-closure',
        accountId: person.accountId,
        closedAt: new Date(now.getTime() - 6 * 365 * 86_400_000).toISOString(),
        due: new Date(now.getTime() - 86_400_000).toISOString(),
        as: 'inactivity',
        erasure: 'pending',
      });
    }
    const evidenceOf = (p: (typeof people)[number]) => readErasureEvidence(host.services, p.accountId, 'retention');

    // Killed while erasing the third person: their account is the step that fails.
    const killed = counted(failingOnce(host.services, (container, ids) => container === 'accounts' && ids.includes(people[2]!.accountId)));
    await expect(closureRetention(killed.services, now)).rejects.toThrow('killed');
    expect(await evidenceOf(people[0]!)).toBeDefined();
    expect(await evidenceOf(people[1]!)).toBeDefined();
    expect(await evidenceOf(people[2]!)).toBeUndefined();
    expect(await evidenceOf(people[3]!)).toBeUndefined();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Tallinn' }).format(now);
    expect(await host.services.db.collection('jobs').read<JobDoc>(`job:closure-retention:${day}`, 'system')).toMatchObject({ state: 'running' });

    const next = counted(host.services);
    await closureRetention(next.services, now);
    // The killed page was not checkpointed, so its counts are the resumed page's: the third person (closure event and
    // half-done erasure job on one page: one erasure, counted once) and the fourth.
    const job = await host.services.db.collection('jobs').read<JobDoc>(`job:closure-retention:${day}`, 'system');
    expect(job?.state).toBe('done');
    expect(job?.counts).toEqual({ erased: 2 });
    for (const person of people) {
      expect(await evidenceOf(person), person.accountId).toMatchObject({ reason: 'retention' });
      expect(await host.services.db.collection('accounts').read(person.accountId, person.accountId)).toBeUndefined();
      expect(await host.services.db.collection('jobs').read(`account-closure:${person.accountId}`, person.accountId)).toBeUndefined();
    }
    const twice = next.deleted.filter((d) => killed.deleted.includes(d));
    expect(twice).toEqual([]);
    // The two erased before the fault are not touched again: the resumed run starts at the third person's step.
    const finished = [people[0]!.accountId, people[1]!.accountId];
    expect(next.attempted.filter((d) => finished.some((id) => d.includes(id)))).toEqual([]);
    expect(next.deleted.some((d) => d.includes(people[2]!.accountId))).toBe(true);
    expect(next.deleted.some((d) => d.includes(people[3]!.accountId))).toBe(true);
  });
});
