import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { Database } from '../shared/platform/cosmos.js';
import { parseCounts } from '../shared/platform/operations.js';
import { endRole } from '../shared/schools/index.js';
import { type EntitlementDoc, entitlementId } from '../shared/store/model.js';
import { client } from './learning-fixtures.js';
import { writeTestAccount } from './unit-account.js';

/**
 * Issue 11: ending a role (ACC-4) writes the account's role summary and the school licence periods the role gave in
 * transactional batches of the account's partition. What it costs, and what happens when a batch meets a change or its
 * answer is lost.
 */
const S = demo.schools;
const from = '2026-07-31T21:00:00.000Z';
const until = '2027-07-31T21:00:00.000Z';
const licenceId = demo.schoolLicence.id;

type Collection = ReturnType<Database['collection']>;

let host: LocalHost;
let call: ReturnType<typeof client>;

/** A student of Kuusiku 5.a holding the demo licence's period on `works` works (the demo licence's work first). */
async function student(works: number, otherSchoolPeriod = false): Promise<{ accountId: string; membershipId: string; workIds: string[] }> {
  const accountId = `acc-roleend-${randomUUID().slice(0, 8)}`;
  const membershipId = `membership:${accountId}:student`;
  const at = host.clock.now().toISOString();
  await writeTestAccount(host.services.db, host.clock, accountId, {
    firstName: 'Lahkuja',
    lastName: 'Õpilane',
    schoolRoles: [{ schoolId: S.ee, role: 'student', classId: demo.classes.ee5a }],
    schoolPartitions: [S.ee],
  });
  await host.services.db.collection('schools').upsert({
    id: membershipId,
    type: 'membership',
    schoolId: S.ee,
    accountId,
    role: 'student',
    classId: demo.classes.ee5a,
    status: 'active',
    since: at,
  });
  const workIds = [demo.schoolLicence.workId, ...Array.from({ length: works - 1 }, (_, i) => `work-roleend-${String(i).padStart(3, '0')}`)];
  for (const workId of workIds)
    await host.services.db.collection('accounts').upsert<EntitlementDoc>({
      id: entitlementId(workId),
      type: 'entitlement',
      accountId,
      workId,
      publisherId: demo.publishers.ee,
      periods: [],
      schoolPeriods: [
        { schoolLicenceId: licenceId, schoolId: S.ee, from, until, via: [membershipId] },
        ...(otherSchoolPeriod ? [{ schoolLicenceId: 'school-licence:elsewhere', schoolId: S.fi, from, until, via: ['membership:elsewhere'] }] : []),
      ],
      updatedAt: at,
    });
  return { accountId, membershipId, workIds };
}

const account = (accountId: string) => host.services.db.collection('accounts').read<AccountDoc>(accountId, accountId);
const entitlement = (accountId: string, workId: string) =>
  host.services.db.collection('accounts').read<EntitlementDoc>(entitlementId(workId), accountId);
const opsOf = (headers: Headers) => {
  const c = parseCounts(headers.get('x-cosmos-ops') ?? '');
  return { total: c.pointRead + c.write + c.query + c.crossPartitionQuery, ...c };
};

/** The host's database with the accounts container's `writeTogether` replaced (the rest as it is). */
function withBatches(replace: (real: Collection, ...args: Parameters<Collection['writeTogether']>) => ReturnType<Collection['writeTogether']>) {
  const accounts = host.services.db.collection('accounts');
  const wrapped = new Proxy(accounts, {
    get: (target, property, receiver) =>
      property === 'writeTogether'
        ? (...args: Parameters<Collection['writeTogether']>) => replace(target, ...args)
        : Reflect.get(target, property, receiver),
  });
  const db: Database = new Proxy(host.services.db, {
    get: (target, property, receiver) =>
      property === 'collection'
        ? (name: string) => (name === 'accounts' ? wrapped : target.collection(name as never))
        : Reflect.get(target, property, receiver),
  });
  return { ...host.services, db };
}

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  call = client(host);
}, 60_000);
afterAll(async () => host?.close());

describe('ACC-4, issue 11: a role ended, the role summary and its school periods written together', () => {
  it('ACC-4: 5 operations for a student holding one school-licensed work; refused at once, before the queue runs', async () => {
    const s = await student(1, true);
    expect((await call(s.accountId, 'GET', `licences/works/${demo.schoolLicence.workId}/access`)).body.allowed).toBe(true);
    const ended = await call(demo.accounts.eeAdmin, 'POST', `schools/${S.ee}/members/${s.accountId}/end-role`, { role: 'student' });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    // Authentication, the role's memberships, the membership ended, the account with its entitlements, one batch.
    expect(opsOf(ended.headers)).toMatchObject({ total: 5, pointRead: 1, query: 2, write: 2, crossPartitionQuery: 0 });
    expect((await account(s.accountId))?.schoolRoles).toEqual([]);
    // Another school's period on the same work stays; the ended role's goes.
    expect((await entitlement(s.accountId, demo.schoolLicence.workId))?.schoolPeriods?.map((p) => p.schoolId)).toEqual([S.fi]);
    expect((await call(s.accountId, 'GET', `licences/works/${demo.schoolLicence.workId}/access`)).body.allowed).toBe(true);
    const plain = await student(1);
    await call(demo.accounts.eeAdmin, 'POST', `schools/${S.ee}/members/${plain.accountId}/end-role`, { role: 'student' });
    expect((await call(plain.accountId, 'GET', `licences/works/${demo.schoolLicence.workId}/access`)).body).toEqual({ allowed: false });
    await host.bus.idle();
    expect((await call(plain.accountId, 'GET', `licences/works/${demo.schoolLicence.workId}/access`)).body).toEqual({ allowed: false });
  });

  it('ACC-4: a student with 150 school-licensed works costs 4 + one batch per 100 documents written (account + 150 works: 2): 6, all written', async () => {
    const s = await student(150);
    const ended = await call(demo.accounts.eeAdmin, 'POST', `schools/${S.ee}/members/${s.accountId}/end-role`, { role: 'student' });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(opsOf(ended.headers)).toMatchObject({ total: 6, write: 3, query: 2, crossPartitionQuery: 0 });
    expect((await account(s.accountId))?.schoolRoles).toEqual([]);
    for (const workId of s.workIds) expect((await entitlement(s.accountId, workId))?.schoolPeriods, workId).toEqual([]);
  });

  it('ACC-4: a batch that meets a change writes nothing; the account and the periods are then written one by one, keeping the change', async () => {
    const s = await student(2);
    let batches = 0;
    const services = withBatches(async (real, partitionKey, writes) => {
      batches += 1;
      // Someone renames the student between the read and the batch: the batch's ETag no longer matches.
      if (batches === 1) {
        const current = (await account(s.accountId))!;
        await host.services.db.collection('accounts').replace<AccountDoc>({ ...current, firstName: 'Ümbernimetatud' });
      }
      return real.writeTogether(partitionKey, writes);
    });
    expect(await endRole(services, { schoolId: S.ee, accountId: s.accountId, role: 'student', by: demo.accounts.eeAdmin })).toBe(true);
    expect(batches).toBe(1);
    const after = await account(s.accountId);
    expect(after).toMatchObject({ firstName: 'Ümbernimetatud', schoolRoles: [] });
    for (const workId of s.workIds) expect((await entitlement(s.accountId, workId))?.schoolPeriods, workId).toEqual([]);
  });

  it('ACC-4: a later batch that meets a change leaves the first written and writes the rest one by one', async () => {
    const s = await student(120);
    const late = s.workIds[110]!;
    let batches = 0;
    const services = withBatches(async (real, partitionKey, writes) => {
      batches += 1;
      if (batches === 2) {
        const current = (await entitlement(s.accountId, late))!;
        await host.services.db.collection('accounts').replace<EntitlementDoc>({ ...current, periods: [{ from, until, orderId: 'ord-RACE0001' }] });
      }
      return real.writeTogether(partitionKey, writes);
    });
    expect(await endRole(services, { schoolId: S.ee, accountId: s.accountId, role: 'student', by: demo.accounts.eeAdmin })).toBe(true);
    expect(batches).toBe(2);
    expect((await account(s.accountId))?.schoolRoles).toEqual([]);
    for (const workId of s.workIds) expect((await entitlement(s.accountId, workId))?.schoolPeriods, workId).toEqual([]);
    expect((await entitlement(s.accountId, late))?.periods).toHaveLength(1);
  });

  it('ACC-4: a batch whose answer was lost (applied, then seen as a conflict) is recognised: nothing is written twice', async () => {
    const s = await student(1);
    let applied: string | undefined;
    const services = withBatches(async (real, partitionKey, writes) => {
      const first = await real.writeTogether(partitionKey, writes);
      expect(first.ok).toBe(true);
      applied = (await account(s.accountId))?._etag;
      // What the retry of a batch whose answer was lost meets: its own replaces, under ETags that moved on.
      return real.writeTogether(partitionKey, writes);
    });
    expect(await endRole(services, { schoolId: S.ee, accountId: s.accountId, role: 'student', by: demo.accounts.eeAdmin })).toBe(true);
    const after = await account(s.accountId);
    expect(after?.schoolRoles).toEqual([]);
    expect(after?._etag).toBe(applied);
    expect((await entitlement(s.accountId, demo.schoolLicence.workId))?.schoolPeriods).toEqual([]);
  });

  it('ACC-4: a request that crashed after ending the membership is finished by its retry (200), the role and the periods gone', async () => {
    const s = await student(1);
    const crashing = withBatches(async () => {
      throw new Error('the process died before the batch');
    });
    await expect(endRole(crashing, { schoolId: S.ee, accountId: s.accountId, role: 'student', by: demo.accounts.eeAdmin })).rejects.toThrow(
      'the process died',
    );
    expect((await host.services.db.collection('schools').read<{ id: string; type: string; status: string }>(s.membershipId, S.ee))?.status).toBe(
      'ended',
    );
    expect((await account(s.accountId))?.schoolRoles).toHaveLength(1);
    const retried = await call(demo.accounts.eeAdmin, 'POST', `schools/${S.ee}/members/${s.accountId}/end-role`, { role: 'student' });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    // The role's memberships (ended ones too), the account with its entitlements, one batch: no membership to write.
    expect(opsOf(retried.headers)).toMatchObject({ total: 4, write: 1 });
    expect((await account(s.accountId))?.schoolRoles).toEqual([]);
    expect((await entitlement(s.accountId, demo.schoolLicence.workId))?.schoolPeriods).toEqual([]);
    // Now it is done: another retry has nothing to end.
    expect((await call(demo.accounts.eeAdmin, 'POST', `schools/${S.ee}/members/${s.accountId}/end-role`, { role: 'student' })).status).toBe(404);
  });

  it('ACC-4: a request that crashed between two batches is finished by its retry: the periods the first batch left are taken off', async () => {
    const s = await student(120);
    let batches = 0;
    const crashing = withBatches(async (real, partitionKey, writes) => {
      batches += 1;
      if (batches === 2) throw new Error('the process died between the batches');
      return real.writeTogether(partitionKey, writes);
    });
    await expect(endRole(crashing, { schoolId: S.ee, accountId: s.accountId, role: 'student', by: demo.accounts.eeAdmin })).rejects.toThrow(
      'between the batches',
    );
    expect((await account(s.accountId))?.schoolRoles).toEqual([]);
    expect((await entitlement(s.accountId, s.workIds[119]!))?.schoolPeriods).toHaveLength(1);
    const retried = await call(demo.accounts.eeAdmin, 'POST', `schools/${S.ee}/members/${s.accountId}/end-role`, { role: 'student' });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    for (const workId of s.workIds) expect((await entitlement(s.accountId, workId))?.schoolPeriods, workId).toEqual([]);
  });

  it('PRIV-8: the roles a closed account keeps as its record are not ended again (404)', async () => {
    const s = await student(1);
    const schools = host.services.db.collection('schools');
    const membership = (await schools.read<{ id: string; type: string; status: string }>(s.membershipId, S.ee))!;
    await schools.replace({ ...membership, status: 'ended', endedBy: 'account-closed', endedAt: host.clock.now().toISOString() });
    const r = await call(demo.accounts.eeAdmin, 'POST', `schools/${S.ee}/members/${s.accountId}/end-role`, { role: 'student' });
    expect(r.status).toBe(404);
    expect((await account(s.accountId))?.schoolRoles).toHaveLength(1);
  });
});
