/**
 * PRIV-3 erasure throughput (issue 13): 250, 500 and 1,000 closed accounts with 50 documents each (44 deleted, 1
 * anonymised, 5 held: the mix of a student's own partitions, their school's and the accounting and audit records) and
 * a file for every fifth, erased on the local stack (embedded Cosmos, Azurite) with 8 erasures at a time, as the queue
 * would run them. The people are seeded with bulk writes straight to the store, not through routes. Figures: people per
 * minute at each size, and time per person at 1,000 against 250 (linear in people). Then 250 more are erased by a run
 * killed half-way (every write fails after half the writes a full run makes) and resumed: nothing deleted twice, none
 * missed, every count as seeded; and a second run over all of them writes nothing. Exit 1 on a miss.
 */
import { eraseSubject } from '../shared/erasure/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import type { ContainerName } from '../shared/platform/cosmos.js';
import type { Services } from '../shared/platform/services.js';
import { counted } from '../test/store-probe.js';
import { type Bench, type BenchOutput, round } from './lib.js';

const SIZES = [250, 500, 1000];
const KILLED = 250;
const SCHOOLS = 20;
const PARALLEL = 8;
const MIN_PEOPLE_PER_MINUTE = 600;
const MAX_LINEAR_RATIO = 1.5;
const EXPECTED = { deleted: 44, anonymised: 1, held: 5 };

type Seed = { container: ContainerName; doc: Record<string, unknown> };

/** One closed account's 50 documents, by kind and count. */
function documentsOf(accountId: string, n: number): Seed[] {
  const at = '2021-03-01T10:00:00.000Z';
  const school = `school-bench-${n % SCHOOLS}`;
  const own = (container: ContainerName, type: string, count: number, extra: (i: number) => Record<string, unknown> = () => ({})): Seed[] =>
    Array.from({ length: count }, (_, i) => ({ container, doc: { id: `${type}:${accountId}:${i}`, type, accountId, at, ...extra(i) } }));
  return [
    {
      container: 'accounts',
      doc: {
        id: accountId,
        type: 'account',
        accountId,
        firstName: `Bench${n}`,
        lastName: 'Person',
        email: `${accountId}@bench.example`,
        language: 'et',
        country: 'EE',
        status: 'closed',
        closure: { at, by: 'system', as: 'inactivity' },
        activeSessions: [],
        schoolPartitions: [school],
        createdAt: at,
        updatedAt: at,
      },
    },
    { container: 'jobs', doc: { id: `account-closure:${accountId}`, type: 'account-closure', accountId, closedAt: at, as: 'inactivity' } },
    ...own('accounts', 'login-log', 3, (i) => ({ event: 'sign-in', ip: `10.0.0.${i}` })),
    ...own('orders', 'order', 1, () => ({ buyer: { name: `Bench${n} Person` }, total: 1200 })),
    ...own('events', 'usage-event', 20, (i) => ({ kind: 'search', where: 'work', words: i % 7 })),
    ...own('accounts', 'material-progress', 5, (i) => ({ workId: `work-${i}`, entries: { p1: at } })),
    ...own('accounts', 'material-annotation', 10, (i) => ({
      workId: `work-${i}`,
      kind: 'note',
      text: `A note about page ${i}`.padEnd(300, ' lorem'),
    })),
    ...own('accounts', 'consent-event', 2, (i) => ({ purpose: 'newsletter', given: i === 0 })),
    ...own('history', 'study-history', 2, () => ({ change: 'grade', before: '4', after: '5' })),
    ...Array.from(
      { length: 3 },
      (_, i): Seed => ({
        container: 'schools',
        doc: { id: `answer:${accountId}:${i}`, type: 'answer', schoolId: school, studentId: accountId, taskId: `task-${i}`, score: 7 },
      }),
    ),
    {
      container: 'schools',
      doc: {
        id: `membership:${school}:${accountId}:student`,
        type: 'membership',
        schoolId: school,
        accountId,
        role: 'student',
        status: 'ended',
        since: at,
        firstName: `Bench${n}`,
        lastName: 'Person',
      },
    },
    { container: 'audit', doc: { id: `staff-access:${accountId}`, type: 'staff-access', subjectId: accountId, at, capability: 'ops.account.read' } },
  ];
}

async function seed(host: LocalHost, people: string[], offset: number): Promise<void> {
  const docs = people.flatMap((id, i) => documentsOf(id, offset + i));
  for (let i = 0; i < docs.length; i += 64)
    await Promise.all(docs.slice(i, i + 64).map(({ container, doc }) => host.services.db.collection(container).create(doc as never)));
  for (let i = 0; i < people.length; i += 5)
    await host.services.blobs.put(`accounts/${people[i]}/material-1/upload`, new TextEncoder().encode('own file'), 'application/pdf');
}

/** Erases the people, `PARALLEL` at a time; the errors of those that failed (a killed run). */
async function eraseAll(services: Services, people: string[]): Promise<{ ms: number; failed: number; counts: Map<string, Record<string, number>> }> {
  const queue = [...people];
  const counts = new Map<string, Record<string, number>>();
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          const evidence = await eraseSubject(services, { accountId: id, reason: 'retention' });
          const sum = { deleted: 0, anonymised: 0, held: 0 };
          for (const c of Object.values(evidence.counts)) for (const k of ['deleted', 'anonymised', 'held'] as const) sum[k] += c[k];
          counts.set(id, { ...sum, blobs: evidence.blobsDeleted });
        } catch {
          failed++;
        }
      }
    }),
  );
  return { ms: performance.now() - started, failed, counts };
}

const peopleOf = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `acc-bench-erase-${prefix}-${i}`);

/** Documents anywhere that still name one of the people, other than the held types (one scan of the containers). */
async function leftovers(host: LocalHost, people: Set<string>): Promise<string[]> {
  const found: string[] = [];
  const held = new Set(['login-log', 'order', 'staff-access']);
  for (const container of ['accounts', 'jobs', 'orders', 'events', 'history', 'schools', 'audit'] as ContainerName[]) {
    let continuation: string | undefined;
    do {
      const page = await host.services.db
        .collection(container)
        .crossPartitionQuery<Record<string, unknown>>('SELECT * FROM c', [], continuation, 1000);
      for (const doc of page.items) {
        const text = JSON.stringify(doc);
        const named = /acc-bench-erase-[a-z0-9]+-\d+/.exec(text)?.[0];
        if (named && people.has(named) && !held.has(String(doc.type))) found.push(`${container}/${String(doc.id)}`);
      }
      continuation = page.continuation;
    } while (continuation);
  }
  return found;
}

export const bench: Bench = {
  name: 'erasure',
  description: `erasure (PRIV-3) of ${SIZES.join(', ')} closed accounts with 50 documents each, ${PARALLEL} at a time; killed half-way and resumed`,
  async run({ log }): Promise<BenchOutput> {
    const host = await startLocalHost({ port: 0, seed: false, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
    const failures: string[] = [];
    const table: Record<string, string | number>[] = [];
    const record: Record<string, number> = {};
    try {
      const perPerson: Record<number, number> = {};
      let offset = 0;
      for (const size of SIZES) {
        const people = peopleOf(`s${size}`, size);
        const seeding = performance.now();
        await seed(host, people, offset);
        offset += size;
        log(`${size} people seeded (${size * 50} documents) in ${round((performance.now() - seeding) / 1000)} s`);
        const run = await eraseAll(host.services, people);
        if (run.failed > 0) failures.push(`${run.failed} of ${size} erasures failed`);
        const wrong = [...run.counts.values()].filter(
          (c) => c.deleted !== EXPECTED.deleted || c.anonymised !== EXPECTED.anonymised || c.held !== EXPECTED.held,
        );
        if (wrong.length > 0) failures.push(`${wrong.length} of ${size} evidences differ from the seed, e.g. ${JSON.stringify(wrong[0])}`);
        const perMinute = (size / run.ms) * 60_000;
        perPerson[size] = run.ms / size;
        record[`peoplePerMinute${size}`] = round(perMinute);
        table.push({
          people: size,
          documents: size * 50,
          seconds: round(run.ms / 1000, 2),
          'people/min': round(perMinute),
          'ms/person': round(run.ms / size, 2),
        });
        log(`${size}: ${round(perMinute)} people per minute`);
      }
      const largest = SIZES.at(-1)!;
      const ratio = perPerson[largest]! / perPerson[SIZES[0]!]!;
      record.linearRatio = round(ratio, 2);
      if (record[`peoplePerMinute${largest}`]! < MIN_PEOPLE_PER_MINUTE)
        failures.push(`${record[`peoplePerMinute${largest}`]} people per minute at ${largest}, under ${MIN_PEOPLE_PER_MINUTE}`);
      if (ratio > MAX_LINEAR_RATIO)
        failures.push(`time per person at ${largest} is ${round(ratio, 2)}x that at ${SIZES[0]} (limit ${MAX_LINEAR_RATIO}x)`);

      // Killed half-way: a full run makes about 16 write requests a person (the job, a checkpoint per step that acts,
      // a batch of deletes per partition, the anonymised membership's create and delete, the evidence, the job's
      // delete); every write fails after half of them.
      const people = peopleOf('killed', KILLED);
      await seed(host, people, offset);
      const killed = counted(host.services, Math.floor((KILLED * 16) / 2));
      const first = await eraseAll(killed.services, people);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const resumed = counted(host.services);
      const second = await eraseAll(resumed.services, people);
      const deletedTwice = killed.deleted.filter((id) => resumed.attempted.includes(id)).length;
      const finished = new Map([...first.counts, ...second.counts]);
      const wrong = people.filter((id) => {
        const c = finished.get(id);
        return !c || c.deleted !== EXPECTED.deleted || c.anonymised !== EXPECTED.anonymised || c.held !== EXPECTED.held;
      });
      const missed = await leftovers(host, new Set(people));
      const again = counted(host.services);
      const third = await eraseAll(again.services, people);
      record.killedFailed = first.failed;
      record.deletedTwice = deletedTwice;
      record.missed = missed.length;
      record.secondRunWrites = again.writes();
      if (first.failed === 0 || first.counts.size === 0)
        failures.push(`the kill did not land half-way (${first.failed} failed, ${first.counts.size} done)`);
      if (second.failed > 0) failures.push(`${second.failed} resumed erasures failed`);
      if (deletedTwice > 0) failures.push(`${deletedTwice} documents deleted by the killed run were tried again`);
      if (wrong.length > 0) failures.push(`${wrong.length} resumed evidences differ from the seed`);
      if (missed.length > 0) failures.push(`${missed.length} documents missed, e.g. ${missed[0]}`);
      if (again.writes() > 0 || third.failed > 0) failures.push(`a second run wrote ${again.writes()} times (${third.failed} failed)`);
      table.push({
        people: KILLED,
        documents: KILLED * 50,
        seconds: round((first.ms + second.ms) / 1000, 2),
        'people/min': `killed: ${first.failed} failed, ${first.counts.size} done; resumed: ${deletedTwice} twice, ${missed.length} missed, ${again.writes()} writes on a second run`,
        'ms/person': '',
      });
      return {
        record: { erasure: record },
        table,
        notes: [
          `limits: >= ${MIN_PEOPLE_PER_MINUTE} people per minute at ${largest}, time per person at ${largest} <= ${MAX_LINEAR_RATIO}x that at ${SIZES[0]}; killed and resumed: nothing twice, nothing missed, a second run writes nothing`,
          'seeded with bulk writes straight to the store (not through routes)',
        ],
        failures,
      };
    } finally {
      await host.close();
    }
  },
};
