import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { unitConfig } from '../../test/unit-config.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Bus, OutgoingMessage } from '../platform/bus.js';
import type { Clock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import type { QueueName } from '../platform/queues.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { type EntitlementDoc, entitlementId } from './model.js';
import {
  accountWithSchoolEntitlements,
  dropSchoolPeriods,
  handleSchoolEntitlementMessage,
  queueLicenceSync,
  queueMemberSync,
  schoolEntitlementMessageSchema,
} from './school-entitlements.js';
import {
  changeSchoolLicence,
  endSchoolLicence,
  listSchoolLicences,
  type NewLicence,
  recordSchoolLicence,
  type SchoolLicenceDoc,
  schoolLicenceView,
} from './school-licences.js';

/**
 * School licences and what they give each member (STORE-4, ACC-4), against the embedded Cosmos server in the test
 * worker (so mutation testing reaches it, issue 19). The queue is a list the test drains by hand through the real
 * handler, dropping a repeated message id as Service Bus duplicate detection does.
 */
const clock: Clock = { now: () => new Date('2026-09-15T08:00:00.000Z') };
const config = unitConfig();

class ListBus implements Bus {
  readonly sent: { queue: QueueName; message: OutgoingMessage<unknown> }[] = [];
  private readonly seen = new Set<string>();
  async send<T>(queue: QueueName, message: OutgoingMessage<T>): Promise<void> {
    if (message.messageId && this.seen.has(message.messageId)) return;
    if (message.messageId) this.seen.add(message.messageId);
    this.sent.push({ queue, message });
  }
  async sendBatch<T>(queue: QueueName, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    for (const message of messages) await this.send(queue, message);
  }
  async health() {
    return { ok: true };
  }
  async close() {}
}

let cosmos: EmbeddedCosmos;
let db: Database;
let bus: ListBus;
const services = () => ({ db, clock, bus, config });

/** Delivers every queued school-entitlements message through the handler, the ones they queue too. */
async function drain(): Promise<number> {
  let delivered = 0;
  for (let next = bus.sent.shift(); next; next = bus.sent.shift()) {
    expect(next.queue).toBe('school-entitlements');
    await handleSchoolEntitlementMessage(services(), schoolEntitlementMessageSchema.parse(next.message.body));
    delivered += 1;
  }
  return delivered;
}

const PUB = 'pub-sl';
const WORK = 'work-sl-1';
const WORK2 = 'work-sl-2';
let serial = 0;

interface School {
  id: string;
  join(accountId: string, role: string, since: string, classId?: string): Promise<string>;
  leave(membershipId: string): Promise<void>;
}

async function newSchool(): Promise<School> {
  serial += 1;
  const id = `school-sl-${serial}`;
  const schools = db.collection('schools');
  await schools.create({ id, type: 'school', schoolId: id, name: `School ${serial}`, country: 'EE', registryCode: `8000${serial}` });
  for (const c of ['7a', '7b']) await schools.create({ id: `${id}-${c}`, type: 'class', schoolId: id, name: c, grade: 7, schoolYear: '2026/2027' });
  return {
    id,
    async join(accountId, role, since, classId) {
      const membershipId = `membership:${accountId}:${role}`;
      await schools.upsert({
        id: membershipId,
        type: 'membership',
        schoolId: id,
        accountId,
        role,
        status: 'active',
        since: `2026-09-${since}T08:00:00.000Z`,
        ...(classId ? { classId: `${id}-${classId}` } : {}),
      });
      return membershipId;
    },
    async leave(membershipId) {
      const doc = (await schools.read<{ id: string; type: string; accountId: string }>(membershipId, id))!;
      await schools.upsert({ ...doc, status: 'ended' });
    },
  };
}

const record = (school: School, extra: Partial<NewLicence> & { key?: string } = {}) =>
  recordSchoolLicence(services(), {
    schoolId: school.id,
    by: 'acc-operator',
    publisherId: PUB,
    workId: WORK,
    period: { schoolYear: '2026/2027' },
    audience: { kind: 'school' },
    reference: { kind: 'contract', reference: 'C-1' },
    ...extra,
  });

const entitlement = (accountId: string, workId = WORK) => db.collection('accounts').read<EntitlementDoc>(entitlementId(workId), accountId);
const periodsOf = async (accountId: string, workId = WORK) => (await entitlement(accountId, workId))?.schoolPeriods ?? [];
const licenceDoc = (school: School, id: string) => db.collection('schools').read<SchoolLicenceDoc>(id, school.id);
const failure = async (work: Promise<unknown>) => {
  try {
    await work;
    return undefined;
  } catch (error) {
    const e = error as { code?: string; details?: unknown };
    return { code: e.code, details: e.details };
  }
};

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
  bus = new ListBus();
  const catalog = db.collection('catalog');
  for (const w of [WORK, WORK2]) await catalog.create({ id: w, type: 'work', publisherId: PUB, title: w });
  await catalog.create({ id: WORK, type: 'work', publisherId: 'pub-sl-2', title: 'Same id, another publisher' });
  await catalog.create({ id: 'package-sl', type: 'package', publisherId: PUB, workIds: [WORK, WORK2] });
});
afterAll(async () => {
  await cosmos?.close();
});

describe('recording a licence and its fan-out', () => {
  it('STORE-4, ACC-1: a licence for class 7A reaches its students and every teacher of the school, not 7B nor the administrator', async () => {
    const school = await newSchool();
    const s7a = await school.join('acc-s7a', 'student', '01', '7a');
    await school.join('acc-s7b', 'student', '01', '7b');
    const teacher = await school.join('acc-teacher', 'teacher', '01');
    const classTeacher = await school.join('acc-class-teacher', 'classTeacher', '01', '7b');
    await school.join('acc-admin', 'schoolAdmin', '01');
    const { licence, created } = await record(school, { audience: { kind: 'classes', classIds: [`${school.id}-7a`] } });
    expect(created).toBe(true);
    expect(schoolLicenceView(licence)).toEqual({
      id: licence.id,
      schoolId: school.id,
      publisherId: PUB,
      product: { kind: 'work', workId: WORK },
      workIds: [WORK],
      period: { schoolYear: '2026/2027' },
      from: '2026-07-31T21:00:00.000Z',
      until: '2027-07-31T21:00:00.000Z',
      audience: { kind: 'classes', classIds: [`${school.id}-7a`] },
      reference: { kind: 'contract', reference: 'C-1' },
      status: 'active',
      revision: 1,
      materialised: false,
      recordedBy: 'acc-operator',
      recordedAt: clock.now().toISOString(),
    });
    expect(licence.history).toEqual([{ at: clock.now().toISOString(), by: 'acc-operator', action: 'recorded', revision: 1 }]);
    expect(licence.reached).toEqual([licence.audience]);
    await drain();

    // The school year runs from local midnight of 1 August (Europe/Tallinn, summer time) to the next.
    const period = { schoolLicenceId: licence.id, schoolId: school.id, from: '2026-07-31T21:00:00.000Z', until: '2027-07-31T21:00:00.000Z' };
    expect(await periodsOf('acc-s7a')).toEqual([{ ...period, via: [s7a] }]);
    expect(await periodsOf('acc-teacher')).toEqual([{ ...period, via: [teacher] }]);
    expect(await periodsOf('acc-class-teacher')).toEqual([{ ...period, via: [classTeacher] }]);
    expect(await entitlement('acc-s7b')).toBeUndefined();
    expect(await entitlement('acc-admin')).toBeUndefined();
    const stored = (await licenceDoc(school, licence.id))!;
    expect(stored.materialisedRevision).toBe(1);
    expect(schoolLicenceView(stored).materialised).toBe(true);
  });

  it('STORE-4: a package licence gives each of its works; dates between two days are local midnights', async () => {
    const school = await newSchool();
    await school.join('acc-pkg-student', 'student', '01', '7a');
    const { licence } = await record(school, { workId: undefined, packageId: 'package-sl', period: { from: '2026-12-01', until: '2027-01-15' } });
    expect(licence.product).toEqual({ kind: 'package', packageId: 'package-sl' });
    expect(licence.workIds).toEqual([WORK, WORK2]);
    expect([licence.from, licence.until]).toEqual(['2026-11-30T22:00:00.000Z', '2027-01-14T22:00:00.000Z']);
    await drain();
    expect((await periodsOf('acc-pkg-student', WORK)).map((p) => p.schoolLicenceId)).toEqual([licence.id]);
    expect((await periodsOf('acc-pkg-student', WORK2)).map((p) => p.schoolLicenceId)).toEqual([licence.id]);
  });

  it('STORE-4: a repeated message of a revision changes nothing; an older revision’s message is dropped', async () => {
    const school = await newSchool();
    await school.join('acc-rep', 'student', '01', '7a');
    const { licence } = await record(school);
    await drain();
    const before = (await entitlement('acc-rep'))!;
    const licenceBefore = (await licenceDoc(school, licence.id))!;
    await handleSchoolEntitlementMessage(services(), { kind: 'licence', schoolId: school.id, licenceId: licence.id, revision: 1 });
    expect((await entitlement('acc-rep'))!._etag).toBe(before._etag);
    expect((await licenceDoc(school, licence.id))!._etag).toBe(licenceBefore._etag);
    expect(bus.sent).toEqual([]);

    // Revision 2 ends it; a late message of revision 1 must not give the period back.
    await endSchoolLicence(services(), { schoolId: school.id, licenceId: licence.id, by: 'acc-operator', reason: 'contract ended' });
    await drain();
    expect(await periodsOf('acc-rep')).toEqual([]);
    await handleSchoolEntitlementMessage(services(), { kind: 'licence', schoolId: school.id, licenceId: licence.id, revision: 1 });
    expect(await periodsOf('acc-rep')).toEqual([]);
    // A message for a licence that is not there (or not a licence) does nothing.
    await handleSchoolEntitlementMessage(services(), { kind: 'licence', schoolId: school.id, licenceId: `${school.id}-7a`, revision: 1 });
    await handleSchoolEntitlementMessage(services(), { kind: 'licence', schoolId: school.id, licenceId: 'school-licence:none', revision: 1 });
  });

  it('STORE-4: a fan-out not yet finished for its revision is not reported materialised, and is queued again on a retry', async () => {
    const school = await newSchool();
    const { licence } = await record(school);
    expect(bus.sent.map((m) => m.message.messageId)).toEqual([`${licence.id}:1`]);
    await drain();
    // Materialised: a sync of the same revision queues nothing; otherwise its fan-out is queued (again).
    const fresh = new ListBus();
    await queueLicenceSync({ bus: fresh }, { ...licence, materialisedRevision: 1 });
    expect(fresh.sent).toEqual([]);
    await queueLicenceSync({ bus: fresh }, { ...licence, materialisedRevision: 0 });
    expect(fresh.sent.map((m) => [m.message.messageId, m.message.body])).toEqual([
      [`${licence.id}:1`, { kind: 'licence', schoolId: school.id, licenceId: licence.id, revision: 1 }],
    ]);
  });

  it('STORE-4: the fan-out goes in batches of 50 accounts, in id order, and marks the revision only after the last', async () => {
    const school = await newSchool();
    // Joined in reverse order of their ids: the batches still go by id, so resuming after the last one misses nobody.
    for (let i = 50; i >= 0; i -= 1) await school.join(`acc-batch-${String(i).padStart(2, '0')}`, 'student', '02', '7a');
    const { licence } = await record(school);
    const first = bus.sent.shift()!;
    await handleSchoolEntitlementMessage(services(), schoolEntitlementMessageSchema.parse(first.message.body));
    expect(bus.sent.map((m) => [m.message.messageId, m.message.body])).toEqual([
      [`${licence.id}:1:acc-batch-49`, { kind: 'licence', schoolId: school.id, licenceId: licence.id, revision: 1, after: 'acc-batch-49' }],
    ]);
    expect(await periodsOf('acc-batch-49')).toHaveLength(1);
    expect(await entitlement('acc-batch-50')).toBeUndefined();
    expect((await licenceDoc(school, licence.id))!.materialisedRevision).toBeUndefined();
    await drain();
    for (let i = 0; i <= 50; i += 1) expect(await periodsOf(`acc-batch-${String(i).padStart(2, '0')}`), String(i)).toHaveLength(1);
    expect((await licenceDoc(school, licence.id))!.materialisedRevision).toBe(1);
  });
});

describe('seats', () => {
  it('STORE-4: seats go to the earliest students by membership start; a leaver’s seat goes to the next; teachers take none', async () => {
    const school = await newSchool();
    const early = await school.join('acc-seat-early', 'student', '01', '7a');
    await school.join('acc-seat-late', 'student', '05', '7a');
    await school.join('acc-seat-teacher', 'teacher', '09');
    const { licence } = await record(school, { seats: 1 });
    expect(schoolLicenceView(licence).seats).toBe(1);
    await drain();
    expect(await periodsOf('acc-seat-early')).toHaveLength(1);
    expect(await entitlement('acc-seat-late')).toBeUndefined();
    expect(await periodsOf('acc-seat-teacher')).toHaveLength(1);

    // ACC-4: the early student leaves: their period goes at once, and the seat moves to the next student.
    await school.leave(early);
    await dropSchoolPeriods(services(), { accountId: 'acc-seat-early', schoolId: school.id, membershipIds: [early] });
    expect(await periodsOf('acc-seat-early')).toEqual([]);
    await drain();
    expect(await periodsOf('acc-seat-late')).toHaveLength(1);
    const moved = (await licenceDoc(school, licence.id))!;
    expect(moved.revision).toBe(2);
    expect(moved.history.map((h) => [h.by, h.action, h.revision])).toEqual([
      ['acc-operator', 'recorded', 1],
      ['system', 'seats-reassigned', 2],
    ]);
    expect(moved.materialisedRevision).toBe(2);
  });

  it('STORE-4: a later joiner does not take the seat of a student who joined earlier', async () => {
    const school = await newSchool();
    await school.join('acc-holder', 'student', '01', '7a');
    await record(school, { seats: 1 });
    await drain();
    await school.join('acc-joiner', 'student', '10', '7a');
    await queueMemberSync({ bus }, school.id, 'acc-joiner', 'started:1');
    await drain();
    expect(await periodsOf('acc-holder')).toHaveLength(1);
    expect(await entitlement('acc-joiner')).toBeUndefined();
  });

  it('STORE-4: removing the seat limit (seats null) gives the licence to the whole audience', async () => {
    const school = await newSchool();
    await school.join('acc-nolimit-1', 'student', '01', '7a');
    await school.join('acc-nolimit-2', 'student', '02', '7a');
    const { licence } = await record(school, { seats: 1 });
    await drain();
    expect(await entitlement('acc-nolimit-2')).toBeUndefined();
    const changed = await changeSchoolLicence(services(), {
      schoolId: school.id,
      licenceId: licence.id,
      by: 'acc-operator',
      change: { seats: null },
    });
    expect(changed).not.toHaveProperty('seats');
    expect(schoolLicenceView(changed)).not.toHaveProperty('seats');
    await drain();
    expect(await periodsOf('acc-nolimit-2')).toHaveLength(1);
  });
});

describe('members joining and leaving', () => {
  it('ACC-4: a new student of the audience gets the licence by joining; one outside it does not; leaving removes it at once', async () => {
    const school = await newSchool();
    const { licence } = await record(school, { audience: { kind: 'classes', classIds: [`${school.id}-7a`] } });
    await drain();
    const joined = await school.join('acc-joins', 'student', '03', '7a');
    await school.join('acc-joins-7b', 'student', '03', '7b');
    await queueMemberSync({ bus }, school.id, 'acc-joins', 'started:1');
    await queueMemberSync({ bus }, school.id, 'acc-joins-7b', 'started:1');
    await drain();
    expect(await periodsOf('acc-joins')).toEqual([expect.objectContaining({ schoolLicenceId: licence.id, via: [joined] })]);
    expect(await periodsOf('acc-joins-7b')).toEqual([]);
    // Without seats a joiner moves nobody else: the licence keeps its revision (no fan-out to everyone).
    expect((await licenceDoc(school, licence.id))!.revision).toBe(1);

    await school.leave(joined);
    await dropSchoolPeriods(services(), { accountId: 'acc-joins', schoolId: school.id, membershipIds: [joined] });
    expect(await periodsOf('acc-joins')).toEqual([]);
    expect(bus.sent.map((m) => m.message.messageId)).toEqual([`member:${school.id}:acc-joins:ended:${joined}`]);
    await drain();
    expect(await periodsOf('acc-joins')).toEqual([]);
  });

  it('ACC-4: a person who leaves one role keeps the licence through another; another school’s period is untouched', async () => {
    const school = await newSchool();
    const other = await newSchool();
    const asStudent = await school.join('acc-two-roles', 'student', '01', '7a');
    const asTeacher = await school.join('acc-two-roles', 'teacher', '01');
    await other.join('acc-two-roles', 'teacher', '01');
    await record(school);
    await record(other);
    await drain();
    expect((await periodsOf('acc-two-roles')).map((p) => [p.schoolId, p.via])).toEqual(
      expect.arrayContaining([
        [school.id, [asStudent, asTeacher].sort()],
        [other.id, [`membership:acc-two-roles:teacher`]],
      ]),
    );
    await school.leave(asStudent);
    await dropSchoolPeriods(services(), { accountId: 'acc-two-roles', schoolId: school.id, membershipIds: [asStudent] });
    // At once, before any queue message: the ended membership leaves the period, the other role keeps it.
    const viaBySchool = async () => Object.fromEntries((await periodsOf('acc-two-roles')).map((p) => [p.schoolId, p.via]));
    expect(await viaBySchool()).toEqual({ [school.id]: [asTeacher], [other.id]: [asTeacher] });
    await drain();
    expect(await viaBySchool()).toEqual({ [school.id]: [asTeacher], [other.id]: [asTeacher] });
    // The teacher role ends in this school only: the other school's period (same membership id there) stays.
    await school.leave(asTeacher);
    await dropSchoolPeriods(services(), { accountId: 'acc-two-roles', schoolId: school.id, membershipIds: [asTeacher] });
    expect(await viaBySchool()).toEqual({ [other.id]: [asTeacher] });
    await drain();
  });

  it('ACC-4 (issue 11): the account and its entitlements with school periods come in one query, and the periods are dropped from what it read', async () => {
    const school = await newSchool();
    const other = await newSchool();
    const asStudent = await school.join('acc-known', 'student', '01', '7a');
    await other.join('acc-known', 'teacher', '01');
    await db.collection('accounts').upsert({ id: 'acc-known', type: 'account', accountId: 'acc-known', status: 'active' });
    // In the same partition: a shop licence without school periods, and a document of another type whose id sorts first.
    await db.collection('accounts').upsert({
      id: entitlementId('work-shop-only'),
      type: 'entitlement',
      accountId: 'acc-known',
      workId: 'work-shop-only',
      periods: [{ orderId: 'o-1', from: '2026-09-01', until: '2027-09-01' }],
    });
    await db.collection('accounts').upsert({ id: 'a-change', type: 'account-change', accountId: 'acc-known', at: '2026-09-01T08:00:00.000Z' });
    await record(school);
    await record(other);
    await drain();
    const read = await accountWithSchoolEntitlements(services(), 'acc-known');
    expect(read.account).toMatchObject({ id: 'acc-known', type: 'account' });
    expect(read.entitlements.map((e) => e.type)).toEqual(read.entitlements.map(() => 'entitlement'));
    expect(read.entitlements.map((e) => e.id)).not.toContain(entitlementId('work-shop-only'));
    expect(read.entitlements).toHaveLength(1); // the one work, licensed by both schools
    expect(read.entitlements.flatMap((e) => (e.schoolPeriods ?? []).map((p) => p.schoolId)).sort()).toEqual([school.id, other.id].sort());
    // Another person's documents are not in it, nor a person without an account document.
    expect((await accountWithSchoolEntitlements(services(), 'acc-nobody')).account).toBeUndefined();

    await school.leave(asStudent);
    const sentBefore = bus.sent.length;
    await dropSchoolPeriods(services(), { accountId: 'acc-known', schoolId: school.id, membershipIds: [asStudent], known: read.entitlements });
    expect((await periodsOf('acc-known')).map((p) => p.schoolId)).toEqual([other.id]);
    expect(bus.sent.length).toBe(sentBefore + 1);
    await drain();
  });

  it('ACC-4: two requests ending the same memberships queue one member sync, whatever order they name them in', async () => {
    const school = await newSchool();
    await dropSchoolPeriods(services(), { accountId: 'acc-order', schoolId: school.id, membershipIds: ['m-b', 'm-a'] });
    await dropSchoolPeriods(services(), { accountId: 'acc-order', schoolId: school.id, membershipIds: ['m-a', 'm-b'] });
    expect(bus.sent.map((m) => m.message.messageId)).toEqual([`member:${school.id}:acc-order:ended:m-a,m-b`]);
    await drain();
  });

  it('ACC-4: a membership that justified nothing changes no entitlement when it ends', async () => {
    const school = await newSchool();
    await school.join('acc-nothing', 'student', '01', '7a');
    await record(school, { audience: { kind: 'classes', classIds: [`${school.id}-7b`] } });
    await drain();
    const before = await entitlement('acc-nothing');
    await dropSchoolPeriods(services(), { accountId: 'acc-nothing', schoolId: school.id, membershipIds: ['membership:acc-nothing:student'] });
    expect((await entitlement('acc-nothing'))?._etag).toBe(before?._etag);
    bus.sent.length = 0;
  });
});

/**
 * The fan-out race of issue 18 h: `action` runs once, right after a batch has read the school's active memberships and
 * before it writes, as a membership ending in another request would.
 */
function midBatch(action: () => Promise<void>): Database {
  let done = false;
  const schools = db.collection('schools');
  const interleaved = new Proxy(schools, {
    get(target, property, receiver) {
      if (property !== 'queryAll') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<typeof schools.queryAll>) => {
        const rows = await target.queryAll(...args);
        if (!done && JSON.stringify(args).includes("c.type = 'membership'")) {
          done = true;
          await action();
        }
        return rows;
      };
    },
  });
  return new Proxy(db, {
    get: (target, property, receiver) =>
      property === 'collection'
        ? (name: Parameters<Database['collection']>[0]) => (name === 'schools' ? interleaved : target.collection(name))
        : Reflect.get(target, property, receiver),
  });
}

/** Runs the licence's queued fan-out message with `action` between its membership read and its writes. */
async function fanOutRacing(action: () => Promise<void>): Promise<void> {
  const next = bus.sent.shift()!;
  expect(next.message.body).toMatchObject({ kind: 'licence' });
  await handleSchoolEntitlementMessage({ ...services(), db: midBatch(action) }, schoolEntitlementMessageSchema.parse(next.message.body));
}

describe('the fan-out racing a membership that ends (issue 18 h)', () => {
  it('ACC-4, STORE-4: a batch that read a membership before it ended removes the period it wrote for it, before any member sync', async () => {
    const school = await newSchool();
    const leaver = await school.join('acc-race-leaver', 'student', '01', '7a');
    const stayer = await school.join('acc-race-stayer', 'student', '01', '7a');
    await record(school);
    await fanOutRacing(async () => {
      await school.leave(leaver);
      await dropSchoolPeriods(services(), { accountId: 'acc-race-leaver', schoolId: school.id, membershipIds: [leaver] });
    });
    // Checked before the member sync queued by the ending runs: the batch itself took the period back.
    expect(await periodsOf('acc-race-leaver')).toEqual([]);
    expect(await periodsOf('acc-race-stayer')).toEqual([expect.objectContaining({ via: [stayer] })]);
    await drain();
    expect(await periodsOf('acc-race-leaver')).toEqual([]);
  });

  it('ACC-4, STORE-4: a person whose one role ends mid-batch keeps the period through the other, which alone justifies it', async () => {
    const school = await newSchool();
    const asStudent = await school.join('acc-race-two', 'student', '01', '7a');
    const asTeacher = await school.join('acc-race-two', 'teacher', '01');
    await record(school);
    await fanOutRacing(async () => {
      await school.leave(asStudent);
      await dropSchoolPeriods(services(), { accountId: 'acc-race-two', schoolId: school.id, membershipIds: [asStudent] });
    });
    expect(await periodsOf('acc-race-two')).toEqual([expect.objectContaining({ via: [asTeacher] })]);
    await drain();
    expect(await periodsOf('acc-race-two')).toEqual([expect.objectContaining({ via: [asTeacher] })]);
  });

  it('ACC-4, STORE-4: a membership document removed mid-batch (an erasure) counts as ended: its period goes, the batch does not fail', async () => {
    const school = await newSchool();
    const erased = await school.join('acc-race-erased', 'student', '01', '7a');
    await record(school);
    await fanOutRacing(async () => {
      expect(await db.collection('schools').delete(erased, school.id)).toBe(true);
    });
    expect(await periodsOf('acc-race-erased')).toEqual([]);
    await drain();
  });
});

describe('changing and ending', () => {
  it('STORE-4: a changed audience moves the licence (revision 2, both audiences reached); the same change again changes nothing', async () => {
    const school = await newSchool();
    await school.join('acc-move-7a', 'student', '01', '7a');
    await school.join('acc-move-7b', 'student', '01', '7b');
    const { licence } = await record(school, { audience: { kind: 'classes', classIds: [`${school.id}-7a`] } });
    await drain();
    const change = { audience: { kind: 'classes' as const, classIds: [`${school.id}-7b`] } };
    const moved = await changeSchoolLicence(services(), { schoolId: school.id, licenceId: licence.id, by: 'acc-op-2', change });
    expect(moved.revision).toBe(2);
    expect(moved.reached).toEqual([{ kind: 'classes', classIds: [`${school.id}-7a`] }, change.audience]);
    expect(moved.history.at(-1)).toEqual({ at: clock.now().toISOString(), by: 'acc-op-2', action: 'changed', revision: 2 });
    await drain();
    expect(await periodsOf('acc-move-7a')).toEqual([]);
    expect(await periodsOf('acc-move-7b')).toHaveLength(1);

    const again = await changeSchoolLicence(services(), { schoolId: school.id, licenceId: licence.id, by: 'acc-op-2', change });
    expect(again.revision).toBe(2);
    expect(again.history).toHaveLength(2);
    expect(bus.sent).toEqual([]);
    // Back to 7A: an audience already reached is not listed twice.
    const back = await changeSchoolLicence(services(), {
      schoolId: school.id,
      licenceId: licence.id,
      by: 'acc-op-2',
      change: { audience: { kind: 'classes', classIds: [`${school.id}-7a`] } },
    });
    expect(back.reached).toHaveLength(2);
    expect(back.revision).toBe(3);
    await drain();
  });

  it('STORE-4: a licence recorded before audiences were tracked (no `reached`) still leaves the students of its old audience', async () => {
    const school = await newSchool();
    await school.join('acc-legacy-7a', 'student', '01', '7a');
    const { licence } = await record(school, { audience: { kind: 'classes', classIds: [`${school.id}-7a`] } });
    await drain();
    const { reached: _reached, ...legacy } = (await licenceDoc(school, licence.id))!;
    void _reached;
    await db.collection('schools').upsert<SchoolLicenceDoc>(legacy);
    const moved = await changeSchoolLicence(services(), {
      schoolId: school.id,
      licenceId: licence.id,
      by: 'acc-operator',
      change: { audience: { kind: 'classes', classIds: [`${school.id}-7b`] } },
    });
    expect(moved.reached).toEqual([licence.audience, moved.audience]);
    await drain();
    expect(await periodsOf('acc-legacy-7a')).toEqual([]);
  });

  it('STORE-1: a change names a licence: another document of the school by its id is not found and stays as it was', async () => {
    const school = await newSchool();
    const classId = `${school.id}-7a`;
    const before = (await db.collection('schools').read(classId, school.id))!;
    expect(await failure(changeSchoolLicence(services(), { schoolId: school.id, licenceId: classId, by: 'x', change: { seats: 1 } }))).toMatchObject({
      code: 'school_licence_not_found',
    });
    expect(await failure(endSchoolLicence(services(), { schoolId: school.id, licenceId: classId, by: 'x', reason: 'nope' }))).toMatchObject({
      code: 'school_licence_not_found',
    });
    expect((await db.collection('schools').read(classId, school.id))!._etag).toBe(before._etag);
  });

  it('STORE-1: a changed audience is checked like a new one; a change of the reference keeps the seats', async () => {
    const school = await newSchool();
    const { licence } = await record(school, { seats: 3 });
    expect(
      await failure(
        changeSchoolLicence(services(), {
          schoolId: school.id,
          licenceId: licence.id,
          by: 'x',
          change: { audience: { kind: 'classes', classIds: ['class-none'] } },
        }),
      ),
    ).toMatchObject({ code: 'school_licence_class_unknown' });
    const referenced = await changeSchoolLicence(services(), {
      schoolId: school.id,
      licenceId: licence.id,
      by: 'x',
      change: { reference: { kind: 'invoice', number: '9' } },
    });
    expect(referenced.seats).toBe(3);
    // The period as entered is kept even when the instants are the same (a school year re-entered as its dates).
    const dates = await changeSchoolLicence(services(), {
      schoolId: school.id,
      licenceId: licence.id,
      by: 'x',
      change: { period: { from: '2026-08-01', until: '2027-08-01' } },
    });
    expect([dates.revision, dates.period, dates.from]).toEqual([3, { from: '2026-08-01', until: '2027-08-01' }, licence.from]);
    await drain();
  });

  it('STORE-4: a changed period is written to every member; a reference change moves the revision too', async () => {
    const school = await newSchool();
    await school.join('acc-period', 'student', '01', '7a');
    const { licence } = await record(school);
    await drain();
    const changed = await changeSchoolLicence(services(), {
      schoolId: school.id,
      licenceId: licence.id,
      by: 'acc-operator',
      change: { period: { from: '2026-09-01', until: '2026-12-31' } },
    });
    expect([changed.from, changed.until]).toEqual(['2026-08-31T21:00:00.000Z', '2026-12-30T22:00:00.000Z']);
    expect(changed.period).toEqual({ from: '2026-09-01', until: '2026-12-31' });
    await drain();
    expect(await periodsOf('acc-period')).toEqual([expect.objectContaining({ from: changed.from, until: changed.until })]);
    const referenced = await changeSchoolLicence(services(), {
      schoolId: school.id,
      licenceId: licence.id,
      by: 'acc-operator',
      change: { reference: { kind: 'invoice', number: '2026-77' } },
    });
    expect([referenced.revision, referenced.reference]).toEqual([3, { kind: 'invoice', number: '2026-77' }]);
    expect(referenced.history.map((h) => h.revision)).toEqual([1, 2, 3]);
    const seats = await changeSchoolLicence(services(), { schoolId: school.id, licenceId: licence.id, by: 'acc-operator', change: { seats: 5 } });
    expect([seats.revision, seats.seats]).toEqual([4, 5]);
    await drain();
  });

  it('STORE-6: an ended licence leaves everyone it reached; ending again changes nothing; it can no longer be changed', async () => {
    const school = await newSchool();
    await school.join('acc-end-s', 'student', '01', '7a');
    await school.join('acc-end-t', 'teacher', '01');
    const { licence } = await record(school);
    await drain();
    const ended = await endSchoolLicence(services(), { schoolId: school.id, licenceId: licence.id, by: 'acc-op-3', reason: 'unpaid' });
    expect(ended).toMatchObject({ status: 'ended', endedAt: clock.now().toISOString(), endReason: 'unpaid', revision: 2 });
    expect(ended.history.at(-1)).toEqual({ at: clock.now().toISOString(), by: 'acc-op-3', action: 'ended', revision: 2 });
    expect(schoolLicenceView(ended)).toMatchObject({ status: 'ended', endedAt: clock.now().toISOString(), endReason: 'unpaid', materialised: false });
    await drain();
    expect(await periodsOf('acc-end-s')).toEqual([]);
    expect(await periodsOf('acc-end-t')).toEqual([]);
    const again = await endSchoolLicence(services(), { schoolId: school.id, licenceId: licence.id, by: 'acc-op-3', reason: 'again' });
    expect([again.revision, again.endReason]).toEqual([2, 'unpaid']);
    expect(
      await failure(changeSchoolLicence(services(), { schoolId: school.id, licenceId: licence.id, by: 'x', change: { seats: 1 } })),
    ).toMatchObject({
      code: 'school_licence_ended',
    });
    // A member joining later gets nothing from an ended licence.
    await school.join('acc-end-late', 'student', '09', '7a');
    await queueMemberSync({ bus }, school.id, 'acc-end-late', 'started:1');
    await drain();
    expect(await entitlement('acc-end-late')).toBeUndefined();
    expect(
      await failure(endSchoolLicence(services(), { schoolId: school.id, licenceId: 'school-licence:none', by: 'x', reason: 'nope' })),
    ).toMatchObject({
      code: 'school_licence_not_found',
    });
  });
});

describe('idempotency and refusals', () => {
  it('STORE-1: the same idempotency key answers the licence first recorded; the key with another licence is refused', async () => {
    const school = await newSchool();
    const first = await record(school, { key: 'k-1' });
    const second = await record(school, { key: 'k-1' });
    expect(second.created).toBe(false);
    expect(second.licence).toMatchObject({ id: first.licence.id, recordedAt: first.licence.recordedAt, revision: 1 });
    expect((await listSchoolLicences(services(), school.id)).items).toHaveLength(1);
    expect(await failure(record(school, { key: 'k-1', seats: 3 }))).toMatchObject({ code: 'school_licence_key_reused' });
    expect(await failure(record(school, { key: 'k-1', reference: { kind: 'contract', reference: 'C-2' } }))).toMatchObject({
      code: 'school_licence_key_reused',
    });
    // Any field of the licence differing is another licence: the product, its publisher, the period, the audience.
    for (const other of [
      { workId: WORK2 },
      { publisherId: 'pub-sl-2' },
      { period: { schoolYear: '2027/2028' } },
      { audience: { kind: 'classes' as const, classIds: [`${school.id}-7a`] } },
    ])
      expect(await failure(record(school, { key: 'k-1', ...other })), JSON.stringify(other)).toMatchObject({ code: 'school_licence_key_reused' });
    // The same key from another operator, or for another school, is another licence.
    const otherSchool = await newSchool();
    expect((await record(otherSchool, { key: 'k-1' })).created).toBe(true);
    const byAnother = await recordSchoolLicence(services(), {
      schoolId: school.id,
      by: 'acc-operator-2',
      publisherId: PUB,
      workId: WORK,
      period: { schoolYear: '2026/2027' },
      audience: { kind: 'school' },
      reference: { kind: 'contract', reference: 'C-1' },
      key: 'k-1',
    });
    expect(byAnother.created).toBe(true);
    expect(byAnother.licence.id).not.toBe(first.licence.id);
    // Without a key two requests are two licences.
    await record(school);
    await record(school);
    expect((await listSchoolLicences(services(), school.id)).items).toHaveLength(4);
    await drain();
  });

  it('STORE-1: unknown school, a class or student not of the school, an unknown product and dates backwards are refused', async () => {
    const school = await newSchool();
    await school.join('acc-here', 'student', '01', '7a');
    await school.join('acc-teacher-here', 'teacher', '01');
    expect(await failure(record({ ...school, id: 'school-none' }))).toMatchObject({ code: 'school_licence_school_not_found' });
    expect(await failure(record(school, { audience: { kind: 'classes', classIds: [`${school.id}-7a`, 'class-elsewhere'] } }))).toEqual({
      code: 'school_licence_class_unknown',
      details: [{ path: 'audience.classIds.1', issue: 'not a class of this school' }],
    });
    expect(await failure(record(school, { audience: { kind: 'students', accountIds: ['acc-here', 'acc-teacher-here'] } }))).toEqual({
      code: 'school_licence_student_unknown',
      details: [{ path: 'audience.accountIds.1', issue: 'not a student of this school' }],
    });
    expect(await failure(record(school, { audience: { kind: 'classes', classIds: ['class-elsewhere', `${school.id}-7a`] } }))).toMatchObject({
      code: 'school_licence_class_unknown',
      details: [{ path: 'audience.classIds.0' }],
    });
    // Only classes are classes: the school's own id (or a membership's) is not one.
    expect(await failure(record(school, { audience: { kind: 'classes', classIds: [school.id] } }))).toMatchObject({
      code: 'school_licence_class_unknown',
    });
    expect(await failure(record(school, { audience: { kind: 'students', accountIds: ['acc-nobody', 'acc-here'] } }))).toMatchObject({
      code: 'school_licence_student_unknown',
      details: [{ path: 'audience.accountIds.0' }],
    });
    expect(await failure(record(school, { workId: undefined, packageId: 'package-none' }))).toMatchObject({ code: 'school_licence_product_unknown' });
    expect(await failure(record(school, { workId: 'work-none' }))).toEqual({
      code: 'school_licence_product_unknown',
      details: [{ path: 'workId', issue: 'not a work of this publisher' }],
    });
    expect(await failure(record(school, { workId: undefined, packageId: WORK }))).toEqual({
      code: 'school_licence_product_unknown',
      details: [{ path: 'packageId', issue: 'not a package of this publisher' }],
    });
    expect(await failure(record(school, { period: { from: '2026-09-01', until: '2026-09-01' } }))).toEqual({
      code: 'school_licence_dates_backwards',
      details: [{ path: 'period.until', issue: 'must be after the start' }],
    });
    // A student who has left is no longer a student of the school.
    const left = await school.join('acc-left', 'student', '01', '7a');
    await school.leave(left);
    expect(await failure(record(school, { audience: { kind: 'students', accountIds: ['acc-left'] } }))).toMatchObject({
      code: 'school_licence_student_unknown',
    });
    expect(await failure(record(school, { audience: { kind: 'students', accountIds: ['acc-here'] } }))).toBeUndefined();
    expect(
      await failure(changeSchoolLicence(services(), { schoolId: school.id, licenceId: 'school-licence:none', by: 'x', change: { seats: 1 } })),
    ).toMatchObject({ code: 'school_licence_not_found' });
    expect((await listSchoolLicences(services(), school.id)).items).toHaveLength(1);
    await drain();
  });

  it('STORE-4: named students need no seat; the licences of a school are listed newest first, one page at a time', async () => {
    const school = await newSchool();
    await school.join('acc-named', 'student', '01', '7a');
    await school.join('acc-unnamed', 'student', '01', '7a');
    const { licence } = await record(school, { audience: { kind: 'students', accountIds: ['acc-named'] }, seats: 0 });
    await drain();
    expect(await periodsOf('acc-named')).toHaveLength(1);
    expect(await entitlement('acc-unnamed')).toBeUndefined();
    const later = { db, clock: { now: () => new Date('2026-09-16T08:00:00.000Z') }, bus, config };
    const newer = await recordSchoolLicence(later, {
      schoolId: school.id,
      by: 'acc-operator',
      publisherId: PUB,
      workId: WORK2,
      period: { schoolYear: '2026/2027' },
      audience: { kind: 'school' },
      reference: { kind: 'invoice', number: '1' },
    });
    const first = await listSchoolLicences(services(), school.id, { pageSize: 1 });
    expect(first.items.map((l) => l.id)).toEqual([newer.licence.id]);
    const second = await listSchoolLicences(services(), school.id, { pageSize: 1, continuation: first.continuation! });
    expect(second.items.map((l) => l.id)).toEqual([licence.id]);
    expect(second.continuation).toBeUndefined();
    await drain();
  });
});
