import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { documentOf, everyTypeFor, type Person, personalTypes, personFor, writeAll } from '../../test/erasure-fixtures.js';
import { ListBus } from '../../test/list-bus.js';
import { unitConfig } from '../../test/unit-config.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { suppressedAmong } from '../marketing/suppressions.js';
import type { BlobStore } from '../platform/blob.js';
import type { Clock } from '../platform/clock.js';
import { type ContainerName, createDatabase, type Database } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { MemoryTelemetry } from '../platform/telemetry.js';
import { dataRegistry, type DocumentTypeSpec, storageRules } from '../privacy/registry.js';
import { eraseSubject } from './erase.js';

/**
 * PRIV-3, RET-4: erase.ts's decisions (which registry types an order erases, what each found document counts as, the
 * holds and their ends, the order of the steps, the evidence) against the embedded Cosmos server in the test worker, so
 * mutation testing reaches them (issue 19, module `erasure`; test/erasure.e2e.test.ts runs a whole host and takes
 * about 40 s a mutant). Blob Storage is a map here: erase.ts only lists and deletes under prefixes.
 */
const START = Date.parse('2026-11-30T10:00:00.000Z');
const DAY_MS = 86_400_000;
class StillClock implements Clock {
  at = START;
  now = () => new Date(this.at);
}
const clock = new StillClock();
const config = unitConfig();

/** Every write, in order: `<container>/<operation>/<partition>` (blob deletes as `blobs/delete/<name>`). */
const writes: string[] = [];

/** Files by name. Each delete moves the clock a minute on, so an erasure's start and end differ by its files. */
class MapBlobs implements Partial<BlobStore> {
  readonly files = new Map<string, number>();
  async list(prefix: string) {
    return [...this.files].filter(([name]) => name.startsWith(prefix)).map(([name, size]) => ({ name, size }));
  }
  async delete(name: string) {
    writes.push(`blobs/delete/${name}`);
    this.files.delete(name);
    clock.at += 60_000;
  }
}

let cosmos: EmbeddedCosmos;
let db: Database;
const blobs = new MapBlobs();
const bus = new ListBus();

/** The database, recording each write with its partition. */
function recording(real: Database): Database {
  return {
    ...real,
    collection(name: ContainerName) {
      const target = real.collection(name);
      return new Proxy(target, {
        get(t, prop, receiver) {
          const value = Reflect.get(t, prop, receiver);
          if (typeof value !== 'function') return value;
          if (prop === 'delete' || prop === 'deleteMany' || prop === 'patch')
            return (...args: unknown[]) => {
              writes.push(`${name}/${prop}/${String(args[1])}`);
              return (value as (...a: unknown[]) => unknown).apply(t, args);
            };
          if (prop === 'create' || prop === 'upsert' || prop === 'replace')
            return (...args: unknown[]) => {
              const doc = args[0] as Record<string, unknown>;
              writes.push(`${name}/${prop}/${String(doc.type)}`);
              return (value as (...a: unknown[]) => unknown).apply(t, args);
            };
          return (value as (...a: unknown[]) => unknown).bind(t);
        },
      });
    },
  };
}

const telemetry = new MemoryTelemetry();
const services = () => ({ db: recording(db), clock, config, bus, blobs, telemetry }) as unknown as Services;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos(dataRegistry, 0, undefined, clock);
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => {
  await cosmos?.close();
});
beforeEach(() => {
  clock.at = START;
  writes.length = 0;
  bus.sent.length = 0;
});

const spec = (type: string) => personalTypes().find((t) => t.type === type)!;
const OTHER = 'acc-unit-bystander';

function putFiles(p: Person) {
  blobs.files.set(`accounts/${p.accountId}/materials/note.pdf`, 10);
  blobs.files.set(`accounts/${p.accountId}/materials/more.pdf`, 11);
  blobs.files.set(`exports/${p.accountId}/export-1.zip`, 12);
}
const filesOf = (p: Person) => [...blobs.files.keys()].filter((name) => name.includes(`/${p.accountId}/`)).sort();

/** Every stored document of a type that names the person (held documents stay: their ends are read from them). */
async function storedOf(type: string, p: Person): Promise<Record<string, unknown>[]> {
  const container = spec(type).container as ContainerName;
  const page = await db
    .collection(container)
    .crossPartitionQuery<Record<string, unknown>>('SELECT * FROM c WHERE c.type = @t', [{ name: '@t', value: type }]);
  return page.items.filter((d) => JSON.stringify(d).includes(p.accountId));
}
const endOf = (doc: Record<string, unknown>) => ((doc._ts as number) + (doc.ttl as number)) * 1000;

describe('PRIV-3: what an erasure on request counts, holds and deletes (erase.ts)', () => {
  it('PRIV-3: every personal type found is counted once per document under its rule; held types are listed by type with their latest end, types that cannot be found with their expiry', async () => {
    const A = personFor('acc-unit-erase-a', 11);
    await writeAll(db, everyTypeFor(A, OTHER));
    // A second school: a held type in two partitions (the later end counts whichever partition is read first), and
    // memberships in both (counted across steps).
    const school2 = 'school-erasure-2';
    await db.collection('accounts').patch(A.accountId, A.accountId, [{ op: 'add', path: '/schoolPartitions/1', value: school2 }]);
    const inSchool2 = (type: string, n: number) => {
      const { container, doc } = documentOf(spec(type), A, OTHER, n);
      return { container, doc: { ...doc, schoolId: school2 } };
    };
    // The latest end of a held type read in two steps: first (ops-case, school 1) or second (school-licence, school 2:
    // accounting records end with the year they were made in); and within one partition, neither first nor last written.
    clock.at = START + DAY_MS;
    await writeAll(db, [inSchool2('ops-case', 5), inSchool2('membership', 5)]);
    clock.at = START + 2 * DAY_MS;
    await writeAll(db, [documentOf(spec('ops-case'), A, OTHER, 6)]);
    clock.at = Date.parse('2027-03-01T08:00:00.000Z');
    await writeAll(db, [inSchool2('school-licence', 5)]);
    clock.at = START + 3 * DAY_MS;
    await writeAll(db, [documentOf(spec('staff-access'), A, OTHER, 5)]);
    clock.at = START + DAY_MS;
    await writeAll(db, [documentOf(spec('staff-access'), A, OTHER, 9)]);
    clock.at = START + 4 * DAY_MS;
    putFiles(A);
    putFiles(personFor(OTHER));

    const evidence = await eraseSubject(services(), { accountId: A.accountId, reason: 'request', by: 'acc-staff-privacy' });

    // Each held type: its documents stay, and the evidence gives the latest end among them.
    const heldTypes = personalTypes()
      .filter((t) => t.erasure === 'legal-hold' && t.find?.partitions !== 'none')
      .map((t) => t.type);
    const legalHolds = [];
    for (const type of heldTypes) {
      const docs = await storedOf(type, A);
      expect(docs.length, type).toBeGreaterThan(0);
      expect(evidence.counts[type], type).toEqual({ deleted: 0, anonymised: 0, held: docs.length });
      legalHolds.push({ type, until: new Date(Math.max(...docs.map(endOf))).toISOString(), kind: 'legal-hold' });
    }
    expect(evidence.counts['ops-case']!.held).toBe(3);
    expect(evidence.counts['school-licence']!.held).toBe(2);
    expect(evidence.counts['staff-access']!.held).toBe(3);
    const holdOf = (type: string) => evidence.holds.find((h) => h.type === type)?.until;
    expect(holdOf('ops-case')).toBe(new Date(START + 2 * DAY_MS + 1827 * DAY_MS).toISOString());
    expect(holdOf('school-licence')).toBe('2035-01-01T00:00:00.000Z');
    expect(holdOf('staff-access')).toBe(new Date(START + 3 * DAY_MS + 1096 * DAY_MS).toISOString());
    legalHolds.sort((a, b) => (a.type < b.type ? -1 : 1));
    const completed = START + 4 * DAY_MS + 3 * 60_000;
    const expires = personalTypes()
      .filter((t) => t.erasure !== undefined && t.find?.partitions === 'none')
      .map((t) => ({ type: t.type, until: new Date(completed + (t.retention as { days: number }).days * DAY_MS).toISOString(), kind: 'expires' }));
    expect(expires.length).toBeGreaterThan(3);
    expect(evidence.holds).toEqual([...legalHolds, ...expires]);

    // Deleted and anonymised types: one document each, the membership in both schools, the invitation sent and the one
    // to the address; the login indexes (e-mail and personal code) released by the closure the erasure made.
    expect(evidence.counts.membership).toEqual({ deleted: 0, anonymised: 2, held: 0 });
    expect(evidence.counts.invitation).toEqual({ deleted: 2, anonymised: 0, held: 0 });
    expect(evidence.counts['login-index']).toEqual({ deleted: 2, anonymised: 0, held: 0 });
    for (const t of personalTypes().filter((t) => t.find?.partitions !== 'none' && t.erasure !== 'legal-hold')) {
      if (['membership', 'invitation', 'login-index'].includes(t.type)) continue;
      const one = t.erasure === 'delete' ? { deleted: 1, anonymised: 0, held: 0 } : { deleted: 0, anonymised: 1, held: 0 };
      // The closure writes its own events (a consent or processing change, the closure record) beside the fixture's.
      if (['consent-event', 'processing-event', 'account-closure'].includes(t.type))
        expect(evidence.counts[t.type]?.deleted, t.type).toBeGreaterThanOrEqual(1);
      else expect(evidence.counts[t.type], t.type).toEqual(one);
    }
    expect(Object.keys(evidence.counts).sort()).toEqual(
      personalTypes()
        .filter((t) => t.erasure !== undefined && t.find?.partitions !== 'none')
        .map((t) => t.type)
        .sort(),
    );

    // Files: the person's own and their exports; the bystander's stay.
    expect(evidence.blobsDeleted).toBe(3);
    expect(filesOf(A)).toEqual([]);
    expect(filesOf(personFor(OTHER))).toHaveLength(3);
    expect(evidence.startedAt).toBe(new Date(START + 4 * DAY_MS).toISOString());
    expect(evidence.completedAt).toBe(new Date(completed).toISOString());
    expect(evidence.reason).toBe('request');
    expect(evidence.subjectHash).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("PRIV-3: the steps run other partitions first, then the files, then the account's partition (the account last), then its jobs; the address is suppressed", async () => {
    const B = personFor('acc-unit-erase-b', 12);
    await writeAll(db, everyTypeFor(B, OTHER));
    putFiles(B);

    await eraseSubject(services(), { accountId: B.accountId, reason: 'request' });

    const done = writes.slice(writes.indexOf('jobs/create/erasure-job') + 1).filter((w) => w !== 'jobs/create/email-suppression');
    const first = (prefix: string) => done.findIndex((w) => w.startsWith(prefix));
    const last = (prefix: string) => done.findLastIndex((w) => w.startsWith(prefix));
    const own = (w: string) => w === `accounts/deleteMany/${B.accountId}` || w === `jobs/deleteMany/${B.accountId}`;
    const ownStart = done.findIndex(own);
    // Every write in the other partitions (schools, content, logins, audit, events…) before the first file goes.
    expect(done.slice(0, first('blobs/')).length).toBeGreaterThan(3);
    expect(done.slice(0, first('blobs/')).some(own)).toBe(false);
    expect(last('blobs/')).toBeLessThan(ownStart);
    expect(done.slice(first('blobs/'), last('blobs/') + 1)).toHaveLength(3);
    expect(done.slice(last('blobs/') + 1)).toEqual([
      `accounts/deleteMany/${B.accountId}`,
      `jobs/deleteMany/${B.accountId}`,
      'jobs/create/erasure-evidence',
      `jobs/delete/${B.accountId}`,
    ]);
    expect(await db.collection('accounts').read(B.accountId, B.accountId)).toBeUndefined();
    expect([...(await suppressedAmong(services(), [B.email]))]).toEqual([B.email]);
  });

  it('PRIV-3: a held document without a TTL (written before retention rules) is listed as held until an unknown day', async () => {
    const C = personFor('acc-unit-erase-c', 13);
    await writeAll(db, [documentOf(spec('account'), C, OTHER)]);
    // Straight to the store, past the adapter that sets every TTL.
    const { doc } = documentOf(spec('staff-access'), C, OTHER, 1);
    await cosmos.client.database(dataRegistry.database).container('audit').items.create(doc);

    const evidence = await eraseSubject(services(), { accountId: C.accountId, reason: 'request' });

    expect(evidence.counts['staff-access']).toEqual({ deleted: 0, anonymised: 0, held: 1 });
    // (The closure the erasure made wrote a login-log entry of its own, with its TTL.)
    expect(evidence.holds.find((h) => h.type === 'staff-access')).toEqual({ type: 'staff-access', until: 'unknown', kind: 'legal-hold' });
  });
  it("PRIV-3: a parent's request kept under their child is found in the child's partition and held once; the child's partition is not taken for the parent's own", async () => {
    const P = personFor('acc-unit-erase-parent', 15);
    const child = 'acc-unit-erase-child';
    await writeAll(db, [documentOf(spec('account'), P, OTHER), documentOf(spec('rights-request'), P, OTHER, 1)]);
    await db
      .collection('accounts')
      .patch(P.accountId, P.accountId, [{ op: 'add', path: '/children', value: [{ accountId: child, schoolId: 'school-erasure' }] }]);
    const { doc } = documentOf(spec('rights-request'), P, OTHER, 2);
    await db.collection('jobs').create({ ...doc, accountId: child } as never);

    const evidence = await eraseSubject(services(), { accountId: P.accountId, reason: 'request' });

    expect(evidence.counts['rights-request']).toEqual({ deleted: 0, anonymised: 0, held: 2 });
    // The child's partition among the other partitions, before the files and the parent's own.
    expect(writes.filter((w) => w.endsWith(`/${child}`))).toEqual([]);
    expect(await storedOf('rights-request', P)).toHaveLength(2);
  });

  it('PRIV-3: only types with personal data and an erasure rule are erased; of those no finder reaches, only fixed-term ones are listed as expiring', async () => {
    const E = personFor('acc-unit-erase-e', 16);
    await writeAll(db, [documentOf(spec('account'), E, OTHER)]);
    const real = personalTypes()
      .filter((t) => t.erasure !== undefined && t.find?.partitions === 'none')
      .map((t) => t.type);
    const unfindable = { container: 'jobs', find: { partitions: 'none' } };
    const extra = [
      { ...unfindable, type: 'unit-not-personal', personalData: [], erasure: 'delete', retention: { kind: 'fixed', days: 3, requirement: 'PRIV-3' } },
      { ...unfindable, type: 'unit-no-erasure-rule', personalData: ['usage'], retention: { kind: 'fixed', days: 4, requirement: 'PRIV-3' } },
      {
        ...unfindable,
        type: 'unit-accounting',
        personalData: ['accounting'],
        erasure: 'delete',
        retention: { kind: 'accounting', requirement: 'RET-3' },
      },
    ] as unknown as DocumentTypeSpec[];
    dataRegistry.documentTypes.push(...extra);
    let evidence;
    try {
      evidence = await eraseSubject(services(), { accountId: E.accountId, reason: 'request' });
    } finally {
      dataRegistry.documentTypes.splice(dataRegistry.documentTypes.length - extra.length, extra.length);
    }
    expect(evidence.holds.filter((h) => h.kind === 'expires').map((h) => h.type)).toEqual(real);
    expect(Object.keys(evidence.counts).filter((type) => type.startsWith('unit-'))).toEqual([]);
  });
});

describe('PRIV-3, RET-4: erasing only the learning outcomes (erase.ts)', () => {
  it('RET-4: an outcomes erasure finds only answers and study history, deletes them, holds nothing, leaves the account, its files and address', async () => {
    const D = personFor('acc-unit-erase-d', 14);
    await writeAll(db, everyTypeFor(D, OTHER));
    putFiles(D);

    const evidence = await eraseSubject(services(), { accountId: D.accountId, reason: 'outcomes' });

    const outcomeTypes = personalTypes()
      .filter((t) => (t.retention.kind !== 'indefinite' && t.retention.requirement === 'RET-4') || t.personalData.includes('study-history'))
      .map((t) => t.type)
      .sort();
    expect(outcomeTypes).toEqual(['answer', 'study-history']);
    expect(evidence.counts).toEqual({ answer: { deleted: 1, anonymised: 0, held: 0 }, 'study-history': { deleted: 1, anonymised: 0, held: 0 } });
    expect(evidence.holds).toEqual([]);
    expect(evidence.blobsDeleted).toBe(0);
    expect(filesOf(D)).toHaveLength(3);
    expect(await db.collection('accounts').read(D.accountId, D.accountId)).toBeDefined();
    expect(writes.filter((w) => w.startsWith('accounts/') || w.startsWith('blobs/'))).toEqual([]);
    expect([...(await suppressedAmong(services(), [D.email]))]).toEqual([]);
    expect(await storedOf('answer', D)).toEqual([]);
    expect(await storedOf('study-history', D)).toEqual([]);
    expect(await storedOf('journal', D)).toHaveLength(1);
  });
});
