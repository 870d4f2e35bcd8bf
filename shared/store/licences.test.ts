import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { writeTestAccount } from '../../test/unit-account.js';
import { unitConfig } from '../../test/unit-config.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { AdjustableClock } from '../platform/clock.js';
import { ConcurrentUpdateError, createDatabase, type Database, DocumentExistsError } from '../platform/cosmos.js';
import { withOperationCounter } from '../platform/operations.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import {
  accessFrom,
  changeEntitlementDoc,
  endLicences,
  grantLicences,
  hasActiveLicence,
  listLicences,
  mayOpenWork,
  worksOpenAt,
} from './licences.js';
import { type EntitlementDoc, entitlementId, type EntitlementPeriod, type OrderDoc } from './model.js';

/**
 * Licences as entitlement documents (STORE-4, STORE-6, OPS-2) against the embedded Cosmos server: two orders of one
 * buyer for the same work (a renewal), ending one of them, and order lines that ended before the grant.
 */

let cosmos: EmbeddedCosmos;
let db: Database;
const clock = new AdjustableClock();
// Listing pages seal their continuation with the session keys: a minimal valid configuration.
const config = unitConfig();
const services = () => ({ db, clock, config });
let buyer = '';
let n = 0;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => cosmos?.close());
// A fresh buyer per test: each test's entitlements start empty.
beforeEach(() => {
  buyer = `acc-licence-buyer-${++n}`;
});

function order(id: string, from: string, until: string, lines: { workId: string; endedAt?: string }[] = [{ workId: 'work-a' }]): OrderDoc {
  return {
    id,
    type: 'order',
    accountId: buyer,
    publisherId: 'pub-1',
    lines: lines.map((l) => ({ title: l.workId, ...l })),
    workIds: lines.map((l) => l.workId),
    licence: { from, until },
  } as unknown as OrderDoc;
}

const entitlement = (workId = 'work-a') => db.collection('accounts').read<EntitlementDoc>(entitlementId(workId), buyer);
const periodsOf = async (workId = 'work-a') =>
  (await entitlement(workId))?.periods.map(({ orderId, from, until, endedAt, endReason }) => ({ orderId, from, until, endedAt, endReason }));

const A = () => order('ord-A', '2026-09-01T00:00:00.000Z', '2027-09-01T00:00:00.000Z');
const LA = { from: '2026-09-01T00:00:00.000Z', until: '2027-09-01T00:00:00.000Z' };
const B = () => order('ord-B', '2027-09-01T00:00:00.000Z', '2028-09-01T00:00:00.000Z');

describe('granting licences', () => {
  it('STORE-4: a paid order writes its period into the buyer’s entitlement for each work, with the work’s publisher', async () => {
    await grantLicences(services(), order('ord-1', LA.from, LA.until, [{ workId: 'work-a' }, { workId: 'work-b' }]));
    for (const workId of ['work-a', 'work-b']) {
      const doc = await entitlement(workId);
      expect(doc).toMatchObject({ id: entitlementId(workId), type: 'entitlement', accountId: buyer, workId, publisherId: 'pub-1' });
      expect(doc?.periods).toEqual([{ orderId: 'ord-1', from: LA.from, until: LA.until }]);
    }
  });

  it('STORE-4: a renewal (a second paid order for the same work) adds its own period, and access runs to its end', async () => {
    await grantLicences(services(), A());
    await grantLicences(services(), B());
    expect(await periodsOf()).toEqual([
      { orderId: 'ord-A', from: LA.from, until: LA.until, endedAt: undefined, endReason: undefined },
      { orderId: 'ord-B', from: '2027-09-01T00:00:00.000Z', until: '2028-09-01T00:00:00.000Z', endedAt: undefined, endReason: undefined },
    ]);
    expect(await mayOpenWork(services(), buyer, 'work-a', new Date('2027-03-01T00:00:00Z'))).toEqual({
      allowed: true,
      until: '2028-09-01T00:00:00.000Z',
    });
  });

  it('PAY-2: granting the same order again (a repeated message) adds nothing', async () => {
    await grantLicences(services(), A());
    await grantLicences(services(), A());
    expect(await periodsOf()).toHaveLength(1);
  });

  it('STORE-6: an order line that already ended is not granted; the order’s other works are', async () => {
    await grantLicences(
      services(),
      order('ord-2', LA.from, LA.until, [{ workId: 'work-gone', endedAt: '2026-10-01T00:00:00.000Z' }, { workId: 'work-b' }]),
    );
    expect(await entitlement('work-gone')).toBeUndefined();
    expect(await periodsOf('work-b')).toHaveLength(1);
  });

  it('PAY-2: two orders granted at the same moment both land (the ETag retry keeps neither from being lost)', async () => {
    await Promise.all([grantLicences(services(), A()), grantLicences(services(), B())]);
    expect((await periodsOf())?.map((p) => p.orderId).sort()).toEqual(['ord-A', 'ord-B']);
  });
});

describe('ending licences', () => {
  it('OPS-2, STORE-6: ending order B’s licence leaves order A’s period of the same work untouched', async () => {
    await grantLicences(services(), A());
    await grantLicences(services(), B());
    await endLicences(services(), B(), ['work-a'], '2027-10-01T00:00:00.000Z', 'work-withdrawn');
    const periods = await periodsOf();
    expect(periods?.find((p) => p.orderId === 'ord-A')).toEqual({
      orderId: 'ord-A',
      from: LA.from,
      until: LA.until,
      endedAt: undefined,
      endReason: undefined,
    });
    expect(periods?.find((p) => p.orderId === 'ord-B')).toMatchObject({ endedAt: '2027-10-01T00:00:00.000Z', endReason: 'work-withdrawn' });
    // Order A still opens the work in its own time; B's time is gone after the end.
    expect(await mayOpenWork(services(), buyer, 'work-a', new Date('2027-03-01T00:00:00Z'))).toEqual({
      allowed: true,
      until: '2027-10-01T00:00:00.000Z',
    });
    expect(await mayOpenWork(services(), buyer, 'work-a', new Date('2027-10-01T00:00:00Z'))).toEqual({ allowed: false });
  });

  it('STORE-6: ending again keeps the first end and its reason', async () => {
    await grantLicences(services(), A());
    await endLicences(services(), A(), ['work-a'], '2026-10-01T00:00:00.000Z', 'terms-breach');
    await endLicences(services(), A(), ['work-a'], '2026-12-01T00:00:00.000Z', 'operator');
    expect(await periodsOf()).toEqual([
      { orderId: 'ord-A', from: LA.from, until: LA.until, endedAt: '2026-10-01T00:00:00.000Z', endReason: 'terms-breach' },
    ]);
  });

  it('STORE-6: ending an order that holds no period of the work writes nothing', async () => {
    await grantLicences(services(), A());
    const before = await entitlement();
    clock.advance(60_000);
    await endLicences(services(), B(), ['work-a'], '2026-10-01T00:00:00.000Z', 'operator');
    await endLicences(services(), B(), ['work-none'], '2026-10-01T00:00:00.000Z', 'operator');
    expect(await entitlement()).toEqual(before);
    expect(await entitlement('work-none')).toBeUndefined();
  });
});

describe('writing under contention', () => {
  /** The real database, except that every write of an entitlement fails with `error`; counts the attempts. */
  function failingWrites(error: () => Error) {
    let attempts = 0;
    const failing = {
      collection: (name: Parameters<Database['collection']>[0]) => {
        const real = db.collection(name);
        const fail = async () => {
          attempts++;
          throw error();
        };
        return Object.assign(Object.create(real) as typeof real, { create: fail, replace: fail });
      },
    } as unknown as Database;
    return { services: { db: failing, clock }, attempts: () => attempts };
  }

  it('PAY-2: a write that keeps losing the ETag race gives up after 30 attempts with a conflict, not forever', async () => {
    const { services: racing, attempts } = failingWrites(() => new ConcurrentUpdateError('accounts'));
    const failure = await grantLicences(racing, A()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConcurrentUpdateError);
    expect((failure as Error).message).toBe(new ConcurrentUpdateError('accounts').message);
    expect(attempts()).toBe(30);
  });

  it('PAY-2: any other failure is not retried: it reaches the caller at once (the queue retries the job)', async () => {
    const { services: broken, attempts } = failingWrites(() => new Error('service unavailable'));
    await expect(grantLicences(broken, A())).rejects.toThrow('service unavailable');
    expect(attempts()).toBe(1);
    const { services: existing, attempts: tries } = failingWrites(() => new DocumentExistsError('accounts', 'x'));
    await expect(grantLicences(existing, A())).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(tries()).toBe(30);
  });
});

describe('may this user open this work now', () => {
  it('STORE-4: no entitlement, or a document that is not one, opens nothing', async () => {
    expect(await mayOpenWork(services(), buyer, 'work-a', new Date('2027-01-01T00:00:00Z'))).toEqual({ allowed: false });
    // An account document stored under an entitlement's id (never written by the app) is not an entitlement.
    await db.collection('accounts').upsert({
      id: entitlementId('work-x'),
      type: 'account',
      accountId: buyer,
      firstName: 'F',
      lastName: 'L',
      language: 'et',
      country: 'EE',
      status: 'active',
      createdAt: LA.from,
      updatedAt: LA.from,
      periods: [{ orderId: 'x', from: LA.from, until: LA.until }],
    });
    expect(await mayOpenWork(services(), buyer, 'work-x', new Date('2027-01-01T00:00:00Z'))).toEqual({ allowed: false });
  });

  it('STORE-4: the buyer’s licences are listed per work in order, with access now and every period', async () => {
    // The buyer's partition holds other documents too (their profile): only entitlements are licences.
    await db.collection('accounts').upsert({
      id: buyer,
      type: 'account',
      accountId: buyer,
      firstName: 'F',
      lastName: 'L',
      language: 'et',
      country: 'EE',
      status: 'active',
      createdAt: LA.from,
      updatedAt: LA.from,
    });
    await grantLicences(services(), order('ord-3', LA.from, LA.until, [{ workId: 'work-b' }, { workId: 'work-a' }]));
    await endLicences(services(), order('ord-3', LA.from, LA.until), ['work-b'], '2026-10-01T00:00:00.000Z', 'work-withdrawn');
    const list = await listLicences(services(), buyer, new Date('2026-11-01T00:00:00Z'));
    expect(list).toEqual({
      items: [
        { workId: 'work-a', publisherId: 'pub-1', allowed: true, until: LA.until, periods: [{ orderId: 'ord-3', from: LA.from, until: LA.until }] },
        {
          workId: 'work-b',
          publisherId: 'pub-1',
          allowed: false,
          periods: [{ orderId: 'ord-3', from: LA.from, until: LA.until, endedAt: '2026-10-01T00:00:00.000Z', endReason: 'work-withdrawn' }],
        },
      ],
    });
  });
});

describe('school licences in the same entitlement', () => {
  const school = {
    schoolLicenceId: 'school-licence:1',
    schoolId: 'school-1',
    from: LA.from,
    until: '2027-06-01T00:00:00.000Z',
    via: ['membership:x:student'],
  };

  it('STORE-4: a school period opens the work, an order continues it, in exactly one point read; granting an order keeps the school period', async () => {
    await changeEntitlementDoc(services(), buyer, 'work-a', 'pub-1', (doc) => ({ ...doc, schoolPeriods: [school] }));
    const run = withOperationCounter(() => mayOpenWork(services(), buyer, 'work-a', new Date('2027-03-01T00:00:00Z')));
    expect(await run.result).toEqual({ allowed: true, until: school.until });
    expect(run.counts).toMatchObject({ pointRead: 1, write: 0, query: 0, crossPartitionQuery: 0 });
    await grantLicences(services(), order('ord-S', '2027-06-01T00:00:00.000Z', '2027-12-01T00:00:00.000Z'));
    expect((await entitlement())?.schoolPeriods).toEqual([school]);
    expect(await mayOpenWork(services(), buyer, 'work-a', new Date('2027-03-01T00:00:00Z'))).toEqual({
      allowed: true,
      until: '2027-12-01T00:00:00.000Z',
    });
    expect(await mayOpenWork(services(), buyer, 'work-a', new Date('2027-12-01T00:00:00Z'))).toEqual({ allowed: false });
    const list = await listLicences(services(), buyer, new Date('2027-03-01T00:00:00Z'));
    expect(list.items[0]).toMatchObject({ allowed: true, schoolPeriods: [{ schoolId: 'school-1', from: school.from, until: school.until }] });
  });
});

describe('listing licences page by page', () => {
  it('STORE-4: a long list comes in pages, each with the token for the next, in work order', async () => {
    await grantLicences(services(), order('ord-4', LA.from, LA.until, [{ workId: 'work-c' }, { workId: 'work-a' }, { workId: 'work-b' }]));
    const now = new Date('2026-11-01T00:00:00Z');
    const first = await listLicences(services(), buyer, now, { pageSize: 2 });
    expect(first.items.map((l) => l.workId)).toEqual(['work-a', 'work-b']);
    expect(first.continuation).toEqual(expect.any(String));
    const second = await listLicences(services(), buyer, now, { pageSize: 2, continuation: first.continuation! });
    expect(second).toEqual({ items: [expect.objectContaining({ workId: 'work-c', allowed: true })] });
  });
});

describe('accessFrom', () => {
  const p = (orderId: string, from: string, until: string, endedAt?: string): EntitlementPeriod => ({
    orderId,
    from: `${from}T00:00:00.000Z`,
    until: `${until}T00:00:00.000Z`,
    ...(endedAt ? { endedAt: `${endedAt}T00:00:00.000Z` } : {}),
  });
  const on = (day: string) => new Date(`${day}T00:00:00.000Z`);

  it('STORE-4: a period opens from its first instant up to, not including, its end', () => {
    const periods = [p('a', '2026-09-01', '2027-09-01')];
    expect(accessFrom(periods, new Date(Date.parse('2026-09-01T00:00:00Z') - 1))).toEqual({ allowed: false });
    expect(accessFrom(periods, on('2026-09-01'))).toEqual({ allowed: true, until: '2027-09-01T00:00:00.000Z' });
    expect(accessFrom(periods, new Date(Date.parse('2027-09-01T00:00:00Z') - 1))).toEqual({ allowed: true, until: '2027-09-01T00:00:00.000Z' });
    expect(accessFrom(periods, on('2027-09-01'))).toEqual({ allowed: false });
  });

  it('STORE-6: an ended period opens nothing from its end on; before it, access runs to the end', () => {
    const periods = [p('a', '2026-09-01', '2027-09-01', '2026-12-01')];
    expect(accessFrom(periods, on('2026-11-30'))).toEqual({ allowed: true, until: '2026-12-01T00:00:00.000Z' });
    expect(accessFrom(periods, on('2026-12-01'))).toEqual({ allowed: false });
    // Ended after its own end (a late cancellation): the period's end stands.
    expect(accessFrom([p('a', '2026-09-01', '2027-09-01', '2027-12-01')], on('2027-01-01'))).toEqual({
      allowed: true,
      until: '2027-09-01T00:00:00.000Z',
    });
  });

  it('STORE-4: access follows periods that continue one another, in any order, and stops at a gap', () => {
    const chain = [
      p('c', '2028-09-01', '2029-09-01'),
      p('a', '2026-09-01', '2027-09-01'),
      p('b', '2027-09-01', '2028-09-01'),
      p('far', '2030-01-01', '2031-01-01'),
    ];
    expect(accessFrom(chain, on('2027-01-01'))).toEqual({ allowed: true, until: '2029-09-01T00:00:00.000Z' });
    // An overlapping shorter period does not cut access short.
    expect(accessFrom([p('long', '2026-09-01', '2028-01-01'), p('short', '2026-10-01', '2027-01-01')], on('2026-11-01'))).toEqual({
      allowed: true,
      until: '2028-01-01T00:00:00.000Z',
    });
    // A following period that was ended before it began continues nothing.
    expect(accessFrom([p('a', '2026-09-01', '2027-09-01'), p('b', '2027-09-01', '2028-09-01', '2027-01-01')], on('2027-01-01'))).toEqual({
      allowed: true,
      until: '2027-09-01T00:00:00.000Z',
    });
  });
});

describe('any active licence (GPT-1: the assistant is for licensed users)', () => {
  it('GPT-1: an own period or a school period open now counts, on any work; expired, ended or none does not; other documents of the account are no licences', async () => {
    const at = (iso: string) => new Date(iso);
    expect(await hasActiveLicence(services(), buyer, at('2027-01-01T00:00:00Z'))).toBe(false);
    await writeTestAccount(db, clock, buyer);
    expect(await hasActiveLicence(services(), buyer, at('2027-01-01T00:00:00Z'))).toBe(false);
    await changeEntitlementDoc(services(), buyer, 'work-b', 'pub-1', (doc) => ({
      ...doc,
      schoolPeriods: [{ schoolLicenceId: 'school-licence:1', schoolId: 'school-1', from: LA.from, until: '2027-06-01T00:00:00.000Z', via: [] }],
    }));
    expect(await hasActiveLicence(services(), buyer, at('2027-01-01T00:00:00Z'))).toBe(true);
    expect(await hasActiveLicence(services(), buyer, at('2027-06-01T00:00:00Z'))).toBe(false);
    await grantLicences(services(), order('ord-G', LA.from, LA.until));
    expect(await hasActiveLicence(services(), buyer, at('2027-06-01T00:00:00Z'))).toBe(true);
    expect(await hasActiveLicence(services(), buyer, at(LA.until))).toBe(false);
    await endLicences(services(), order('ord-G', LA.from, LA.until), ['work-a'], '2027-03-01T00:00:00.000Z', 'refund');
    expect(await hasActiveLicence(services(), buyer, at('2027-06-01T00:00:00Z'))).toBe(false);
  });

  it('LOG-1: the works an account could open at one of the instants given per work, by an own or a school period; by point reads for one or two works, by one query for more', async () => {
    const at = (iso: string) => new Date(iso);
    await writeTestAccount(db, clock, buyer);
    await grantLicences(services(), order('ord-W', LA.from, LA.until, [{ workId: 'work-a' }, { workId: 'work-c' }]));
    await changeEntitlementDoc(services(), buyer, 'work-b', 'pub-1', (doc) => ({
      ...doc,
      schoolPeriods: [{ schoolLicenceId: 'school-licence:1', schoolId: 'school-1', from: LA.from, until: '2027-06-01T00:00:00.000Z', via: [] }],
    }));
    const inside = at('2027-01-01T00:00:00Z');
    const after = at(LA.until);
    const open = async (byWork: [string, Date[]][]) => [...(await worksOpenAt(services(), buyer, new Map(byWork)))].sort();

    // One or two works: point reads (no query); more: one query (no point reads).
    const two = withOperationCounter(() =>
      open([
        ['work-a', [inside]],
        ['work-b', [at('2027-06-01T00:00:00Z')]],
      ]),
    );
    expect(await two.result).toEqual(['work-a']);
    expect(two.counts).toMatchObject({ pointRead: 2, query: 0 });
    expect(await open([['work-b', [inside]]])).toEqual(['work-b']);
    const many = withOperationCounter(() =>
      open([
        ['work-a', [after, inside]],
        ['work-b', [after]],
        ['work-c', [inside]],
        ['work-none', [inside]],
      ]),
    );
    expect(await many.result).toEqual(['work-a', 'work-c']);
    expect(many.counts).toMatchObject({ pointRead: 0, query: 1 });
    expect(
      await open([
        ['work-a', []],
        ['work-b', []],
        ['work-c', [after]],
      ]),
    ).toEqual([]);
    expect(await open([])).toEqual([]);
    // Another account's licences open nothing for this one; other documents of the account are no licences.
    expect([...(await worksOpenAt(services(), 'acc-someone-else', new Map([['work-a', [inside]]])))]).toEqual([]);
    expect(
      await open([
        [buyer, [inside]],
        ['work-a', [inside]],
        ['work-x', [inside]],
      ]),
    ).toEqual(['work-a']);
  });
});
