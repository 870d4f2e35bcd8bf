/**
 * PRIV-3 erasure throughput (issue 13): 250, 500 and 1,000 closed accounts with 50 documents each (44 deleted, 1
 * anonymised, 5 held: the mix of a student's own partitions, their school's and the accounting and audit records) and
 * a file for every fifth, erased on the local stack (embedded Cosmos, Azurite) with 8 erasures at a time, as the queue
 * would run them, after a warm-up (the embedded server compiles each query text once). The people are seeded with bulk
 * writes straight to the store, not through routes; erased people's held and anonymised documents and evidence stay,
 * so each size runs over a fuller store. Figures per size: people per minute, Cosmos operations per person (counted on
 * the wire), CPU time per person (the stores run in this process) and the load average. Limits: people per minute at
 * 1,000; time per person at 1,000 against 250 (linear in people; 250 is measured before and after the 1,000 and the
 * mean taken, as the shared machine's load drifts); operations per person the same at every size and under a ceiling
 * (load-independent). Then 250 more are erased by a run killed half-way (every write fails after half the writes a
 * full run makes) and resumed: nothing deleted twice, none missed, every count as seeded; and a second run over all of
 * them writes nothing. Exit 1 on a miss.
 */
import os from 'node:os';

import { eraseSubject } from '../shared/erasure/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import type { ContainerName } from '../shared/platform/cosmos.js';
import { type OperationCounts, operationTotals } from '../shared/platform/operations.js';
import type { Services } from '../shared/platform/services.js';
import { counted } from '../test/store-probe.js';
import { type Bench, type BenchOutput, round } from './lib.js';

const SIZES = [250, 500, 1000];
const WARM_UP = 16;
const KILLED = 250;
const SCHOOLS = 20;
const PARALLEL = 8;
const MIN_PEOPLE_PER_MINUTE = 600;
const MAX_LINEAR_RATIO = 1.3;
/**
 * Cosmos requests per person (point reads, writes, queries and their plans): 34 when written (the closure's account
 * reads and write, the evidence and job reads, one query per partition with its plan, one checkpoint, a batch of
 * deletes per partition, the evidence, the job's delete).
 */
const MAX_OPERATIONS_PER_PERSON = 36;
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

interface Run {
  ms: number;
  cpuMs: number;
  failed: number;
  /** The distinct errors of the failed erasures. */
  errors: Set<string>;
  counts: Map<string, Record<string, number>>;
  operations: OperationCounts;
}

/** Erases the people, `PARALLEL` at a time; the errors of those that failed (a killed run). */
async function eraseAll(services: Services, people: string[], parallel = PARALLEL): Promise<Run> {
  const queue = [...people];
  const counts = new Map<string, Record<string, number>>();
  let failed = 0;
  const errors = new Set<string>();
  const operationsBefore = operationTotals();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          const evidence = await eraseSubject(services, { accountId: id, reason: 'retention' });
          const sum = { deleted: 0, anonymised: 0, held: 0 };
          for (const c of Object.values(evidence.counts)) for (const k of ['deleted', 'anonymised', 'held'] as const) sum[k] += c[k];
          counts.set(id, { ...sum, blobs: evidence.blobsDeleted });
        } catch (error) {
          failed++;
          errors.add(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const after = operationTotals();
  const operations = Object.fromEntries(
    Object.entries(after).map(([kind, n]) => [kind, n - operationsBefore[kind as keyof OperationCounts]]),
  ) as unknown as OperationCounts;
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, failed, errors, counts, operations };
}

const totalOf = (c: OperationCounts) => c.pointRead + c.write + c.query + c.crossPartitionQuery + c.metadata;
const perPersonOf = (c: OperationCounts, people: number) =>
  Object.fromEntries(Object.entries(c).map(([kind, n]) => [kind, round(n / people, 2)])) as unknown as OperationCounts;
const loadAverage = () => round(os.loadavg()[0]!, 1);

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

/** Seeds and erases one group of people; checks each evidence against the seed. */
async function measure(
  host: LocalHost,
  group: { prefix: string; size: number; offset: number; parallel: number },
  log: (m: string) => void,
  failures: string[],
): Promise<Run> {
  const { prefix, size, offset, parallel } = group;
  const people = peopleOf(prefix, size);
  const seeding = performance.now();
  await seed(host, people, offset);
  log(`${prefix}: ${size} people seeded (${size * 50} documents) in ${round((performance.now() - seeding) / 1000)} s`);
  const run = await eraseAll(host.services, people, parallel);
  if (run.failed > 0) failures.push(`${prefix}: ${run.failed} of ${size} erasures failed (${[...run.errors].join('; ')})`);
  const wrong = [...run.counts.values()].filter(
    (c) => c.deleted !== EXPECTED.deleted || c.anonymised !== EXPECTED.anonymised || c.held !== EXPECTED.held,
  );
  if (wrong.length > 0) failures.push(`${prefix}: ${wrong.length} of ${size} evidences differ from the seed, e.g. ${JSON.stringify(wrong[0])}`);
  return run;
}

const sizeRow = (label: string, size: number, run: Run, load: number) => {
  const ops = perPersonOf(run.operations, size);
  return {
    people: label,
    'people/min': round((size / run.ms) * 60_000),
    'ms/person': round(run.ms / size, 1),
    'cpu ms/person': round(run.cpuMs / size, 1),
    'ops/person': round(totalOf(run.operations) / size, 2),
    'reads/writes/queries/plans': `${ops.pointRead}/${ops.write}/${ops.query + ops.crossPartitionQuery}/${ops.metadata}`,
    load,
  };
};

export const bench: Bench = {
  name: 'erasure',
  description: `erasure (PRIV-3) of ${SIZES.join(', ')} closed accounts with 50 documents each, ${PARALLEL} at a time; killed half-way and resumed`,
  async run({ log }): Promise<BenchOutput> {
    const host = await startLocalHost({ port: 0, seed: false, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
    const failures: string[] = [];
    const table: Record<string, string | number>[] = [];
    const record: Record<string, number> = {};
    try {
      let offset = 0;
      const next = async (prefix: string, size: number, parallel = PARALLEL) => {
        const run = await measure(host, { prefix, size, offset, parallel }, log, failures);
        offset += size;
        const load = loadAverage();
        table.push(sizeRow(prefix === `s${size}` ? String(size) : `${size} (${prefix})`, size, run, load));
        log(
          `${prefix}: ${round((size / run.ms) * 60_000)} people per minute, ${round(totalOf(run.operations) / size, 2)} operations per person, load ${load}`,
        );
        return run;
      };
      // One at a time: the embedded server compiles each query text on first use, slowly.
      await next('warm-up', WARM_UP, 1);
      const runs: Record<number, Run> = {};
      for (const size of SIZES) runs[size] = await next(`s${size}`, size);
      const [smallest, largest] = [SIZES[0]!, SIZES.at(-1)!];
      const again = await next(`s${smallest}-after`, smallest);

      const msPerPerson = (run: Run, size: number) => run.ms / size;
      const baseline = (msPerPerson(runs[smallest]!, smallest) + msPerPerson(again, smallest)) / 2;
      const ratio = msPerPerson(runs[largest]!, largest) / baseline;
      const cpuRatio = runs[largest]!.cpuMs / largest / ((runs[smallest]!.cpuMs + again.cpuMs) / (2 * smallest));
      for (const size of SIZES) {
        record[`peoplePerMinute${size}`] = round((size / runs[size]!.ms) * 60_000);
        record[`operationsPerPerson${size}`] = round(totalOf(runs[size]!.operations) / size, 2);
        record[`cpuMsPerPerson${size}`] = round(runs[size]!.cpuMs / size, 1);
      }
      record.linearRatio = round(ratio, 2);
      record.cpuLinearRatio = round(cpuRatio, 2);
      record.loadAverage = loadAverage();
      if (record[`peoplePerMinute${largest}`]! < MIN_PEOPLE_PER_MINUTE)
        failures.push(
          `${record[`peoplePerMinute${largest}`]} people per minute at ${largest}, under ${MIN_PEOPLE_PER_MINUTE} (load ${record.loadAverage})`,
        );
      if (ratio > MAX_LINEAR_RATIO)
        failures.push(
          `time per person at ${largest} is ${round(ratio, 2)}x that at ${smallest} (limit ${MAX_LINEAR_RATIO}x; CPU time ${round(cpuRatio, 2)}x)`,
        );
      const baseOps = totalOf(runs[smallest]!.operations) / smallest;
      for (const size of SIZES) {
        const ops = totalOf(runs[size]!.operations) / size;
        if (ops > baseOps + 0.01) failures.push(`${round(ops, 2)} operations per person at ${size}, more than ${round(baseOps, 2)} at ${smallest}`);
        if (ops > MAX_OPERATIONS_PER_PERSON) failures.push(`${round(ops, 2)} operations per person at ${size}, over ${MAX_OPERATIONS_PER_PERSON}`);
      }

      // Killed half-way: every write fails after half the writes a full run of as many people makes (counted above).
      const people = peopleOf('killed', KILLED);
      await seed(host, people, offset);
      const writesPerPerson = runs[smallest]!.operations.write / smallest;
      const killed = counted(host.services, Math.floor((KILLED * writesPerPerson) / 2));
      const first = await eraseAll(killed.services, people);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const resumed = counted(host.services);
      const second = await eraseAll(resumed.services, people);
      const tried = new Set(resumed.attempted);
      const deletedTwice = killed.deleted.filter((id) => tried.has(id)).length;
      const finished = new Map([...first.counts, ...second.counts]);
      const wrong = people.filter((id) => {
        const c = finished.get(id);
        return !c || c.deleted !== EXPECTED.deleted || c.anonymised !== EXPECTED.anonymised || c.held !== EXPECTED.held;
      });
      const missed = await leftovers(host, new Set(people));
      const repeat = counted(host.services);
      const third = await eraseAll(repeat.services, people);
      record.killedFailed = first.failed;
      record.deletedTwice = deletedTwice;
      record.missed = missed.length;
      record.secondRunWrites = repeat.writes();
      if (first.failed === 0 || first.counts.size === 0)
        failures.push(`the kill did not land half-way (${first.failed} failed, ${first.counts.size} done)`);
      if (second.failed > 0) failures.push(`${second.failed} resumed erasures failed`);
      if (deletedTwice > 0) failures.push(`${deletedTwice} documents deleted by the killed run were tried again`);
      if (wrong.length > 0) failures.push(`${wrong.length} resumed evidences differ from the seed`);
      if (missed.length > 0) failures.push(`${missed.length} documents missed, e.g. ${missed[0]}`);
      if (repeat.writes() > 0 || third.failed > 0) failures.push(`a second run wrote ${repeat.writes()} times (${third.failed} failed)`);
      table.push({
        people: `${KILLED} (killed)`,
        'people/min': `${first.failed} failed, ${first.counts.size} done; resumed: ${deletedTwice} twice, ${missed.length} missed, ${repeat.writes()} writes on a second run`,
      });
      return {
        record: { erasure: record },
        table,
        notes: [
          `limits: >= ${MIN_PEOPLE_PER_MINUTE} people per minute at ${largest}; time per person at ${largest} <= ${MAX_LINEAR_RATIO}x that at ${smallest} (mean of before and after): ${round(ratio, 2)}x (CPU time ${round(cpuRatio, 2)}x); operations per person no more at any size than at ${smallest} and <= ${MAX_OPERATIONS_PER_PERSON}; killed and resumed: nothing twice, nothing missed, a second run writes nothing`,
          `load average ${record.loadAverage} on ${os.cpus().length} cores: people per minute fall with load, the ratios and counts do not`,
          'seeded with bulk writes straight to the store (not through routes)',
        ],
        failures,
      };
    } finally {
      await host.close();
    }
  },
};
