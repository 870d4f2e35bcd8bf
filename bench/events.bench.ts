/**
 * Usage events (issue 14, LOG-1): 100,000 events posted as 1,000 batches of 100 by 50 students of one school, 16
 * requests at a time, through POST /api/events, the usage-events queue and the events-record function into the
 * identifiable records and the aggregates, on the local stack. Every batch names one of three works of that school
 * on one day: the school's daily cells are hot cells (every batch changes one of three), as a popular school's are.
 * Baseline from the same run: the same documents written straight to the same embedded Cosmos with blind upserts at
 * the same concurrency (what the pipeline must write at least, with no HTTP, queue, ETag reads or transactions). The
 * two alternate in rounds (ABBA), each round giving a ratio: the median of them is stable under other load.
 * Figures: events per second of both, the ratios, Cosmos and Service Bus operations per event, and memory (heap,
 * RSS, outside the heap, ArrayBuffers) after each round.
 *
 * Fails (exit 1) when the median ratio is below MIN_RATIO, when the aggregates do not count every event exactly once,
 * when the heap grows by more than the stored documents explain (MAX_HEAP_GROWTH_MB), or memory outside the heap
 * grows from the first pair of rounds to the last (MAX_OUTSIDE_HEAP_GROWTH_MB).
 */
import { randomUUID } from 'node:crypto';

import { applyChange, dailyChanges } from '../shared/events/aggregates.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { Doc } from '../shared/platform/cosmos.js';
import { operationTotals } from '../shared/platform/operations.js';
import { type Bench, median, round } from './lib.js';

const STUDENTS = 50;
const BATCHES = 1_000;
const EVENTS_PER_BATCH = 100;
const WARM_UP_BATCHES = 100;
const CONCURRENCY = 16;
const WORKS = ['work-ee-math-5', 'work-ee-math-6', 'work-ee-est-5'];
const CHAPTERS = 10;
/** Pipeline and direct writes alternate in rounds of (BATCHES - WARM_UP_BATCHES) / ROUNDS batches each. */
const ROUNDS = 6;
/**
 * Past the warm-up the direct side writes 11 documents per batch of 100 events (daily cells and their markers, the
 * identifiable batch, the rate window, the batch record). The pipeline makes more Cosmos requests for them (the read
 * that authenticates, the rate window's read, the batch record's read), besides the HTTP request and the queue hop,
 * and commits a cell's markers with it in one transactional batch. The ratio is the median of the rounds' ratios.
 */
const MIN_RATIO = 0.4;
/**
 * Memory the pipeline itself may keep after 90,000 events beyond what the embedded Cosmos holds for the stored
 * documents: caches (catalogue, schools, recent cells and marks), the local bus's duplicate-detection ids, telemetry's
 * bounded buffer.
 */
const MAX_HEAP_GROWTH_MB = 32;
/**
 * Memory outside V8's heap (RSS less the heap's committed pages), the mean of the last pair of rounds against the
 * first pair, 60,000 events apart: a leak of Buffers or native memory grows it in proportion to the events (64 MB is
 * about 1.1 kB per event); the allocator's retention does not.
 */
const MAX_OUTSIDE_HEAP_GROWTH_MB = 64;

type Event = { kind: 'page-view'; at: string; workId: string; chapterId: string; pageId: string; seconds: number };

/** A reader's few minutes: one work, two chapters, several pages (what one front-end batch usually holds). */
function batchOf(n: number, at: string): { batchId: string; events: Event[] } {
  return {
    batchId: randomUUID(),
    events: Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({
      kind: 'page-view',
      at,
      workId: WORKS[n % WORKS.length]!,
      chapterId: `ch-${(n + (i < EVENTS_PER_BATCH / 2 ? 0 : 1)) % CHAPTERS}`,
      pageId: `p-${i % 5}`,
      seconds: 1 + (i % 60),
    })),
  };
}

async function students(host: LocalHost): Promise<string[]> {
  const at = host.clock.now().toISOString();
  const ids = Array.from({ length: STUDENTS }, (_, n) => `acc-bench-events-${n}`);
  for (const accountId of ids)
    await host.services.db.collection('accounts').upsert({
      id: accountId,
      type: 'account',
      accountId,
      firstName: 'Õpilane',
      lastName: `Nr ${accountId}`,
      language: 'et',
      country: 'EE',
      status: 'active',
      schoolRoles: [{ schoolId: demo.schools.ee, role: 'student', classId: demo.classes.ee6b }],
      createdAt: at,
      updatedAt: at,
    });
  // A licence to every work they read: events count in the aggregates only for works the reader could open.
  const from = new Date(host.clock.now().getTime() - 86_400_000).toISOString();
  const until = new Date(host.clock.now().getTime() + 365 * 86_400_000).toISOString();
  for (const accountId of ids)
    for (const workId of WORKS)
      await host.services.db.collection('accounts').upsert({
        id: `entitlement:${workId}`,
        type: 'entitlement',
        accountId,
        workId,
        publisherId: demo.publishers.ee,
        periods: [{ orderId: 'ord-BENCH', from, until }],
        updatedAt: at,
      });
  return Promise.all(
    ids.map(async (accountId) => {
      const response = await fetch(`${host.url}/_local/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId }),
      });
      return ((await response.json()) as { accessToken: string }).accessToken;
    }),
  );
}

/** Runs `task(i)` for i in [from, to) with `CONCURRENCY` at a time. */
async function pool(from: number, to: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < to) await task(next++);
    }),
  );
}

/** The hot-cell phase: batches changing one cell at once, against one writer updating one document in turn. */
const HOT_CHANGES = 3_000;
const HOT_CONCURRENCY = 64;
/** With 64 waiting, a commit takes tens of batches; one per commit would be the ETag crowd group commit replaced. */
const MIN_BATCHES_PER_HOT_COMMIT = 5;

async function hotCell(host: LocalHost) {
  const db = host.services.db;
  const change = {
    scope: 'm:bench-hot',
    id: `d|hot|${randomUUID()}`,
    type: 'usage-daily' as const,
    fields: { day: '2026-11-30', month: '2026-11', workId: 'w', schoolId: 's', group: 'student' },
    counts: { views: 1, seconds: 1, searches: 0, interactions: 0 },
  };
  const writesBefore = operationTotals().write;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: HOT_CONCURRENCY }, async () => {
      while (next < HOT_CHANGES) await applyChange({ db }, change, `hot-${String(next++).padStart(12, '0')}`);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const commits = operationTotals().write - writesBefore;
  const counted = (await db.collection('stats').read<{ views: number } & Doc>(change.id, change.scope))?.views ?? 0;
  // One writer in turn: read-free replaces of one document under its ETag (the ceiling without grouping).
  const stats = db.collection('stats');
  interface Counter extends Doc {
    views: number;
  }
  let doc = await stats.create<Counter>({ id: `hot-serial-${randomUUID()}`, type: 'usage-daily', scope: 'm:bench-hot', views: 0 });
  const serialStarted = performance.now();
  for (let i = 0; i < 500; i++) doc = await stats.replace<Counter>({ ...doc, views: doc.views + 1 });
  const serialPerSecond = 500 / ((performance.now() - serialStarted) / 1000);
  return { batchesPerSecond: HOT_CHANGES / seconds, commits, batchesPerCommit: HOT_CHANGES / commits, counted, serialPerSecond };
}

/** Memory after a full collection (npm run bench runs with --expose-gc), in MB. */
const memory = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return { heapMb: mb(heapUsed), heapTotalMb: mb(heapTotal), rssMb: mb(rss), externalMb: mb(external), arrayBuffersMb: mb(arrayBuffers) };
};
type Memory = ReturnType<typeof memory>;
/** What RSS holds besides V8's heap (its committed pages): Buffers, the allocator's free lists, code, stacks. */
const outsideHeap = (m: Memory) => m.rssMb - m.heapTotalMb;

export const bench: Bench = {
  name: 'events',
  description: `${BATCHES * EVENTS_PER_BATCH} usage events (${BATCHES} batches of ${EVENTS_PER_BATCH}) through route, queue and aggregates vs the same Cosmos writes alone, in ${ROUNDS} interleaved rounds`,
  async run({ log }) {
    const host = await startLocalHost({
      port: 0,
      sweepIntervalMs: 0,
      identityStandIns: false,
      maksekeskusStandIn: false,
      env: { USAGE_EVENTS_PER_MINUTE: '1000000' },
    });
    const failures: string[] = [];
    try {
      const tokens = await students(host);
      const at = host.clock.now().toISOString();
      const post = async (n: number) => {
        const response = await fetch(`${host.url}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n % STUDENTS]!}` },
          body: JSON.stringify(batchOf(n, at)),
        });
        if (response.status !== 202) failures.push(`batch ${n} answered ${response.status}: ${await response.text()}`);
      };
      const usage = host.services.db.collection('stats');
      const events = host.services.db.collection('events');
      /** The same documents the pipeline writes past the warm-up, as blind upserts: what it must write at least. */
      const direct = async (n: number) => {
        const batch = batchOf(n, at);
        const facts = {
          events: batch.events,
          works: new Map(WORKS.map((w) => [w, { publisherId: demo.publishers.ee, subjects: ['mathematics'] }])),
          schools: [{ schoolId: demo.schools.ee, municipality: 'Tallinn', group: 'student' as const }],
        };
        const accountId = `acc-bench-baseline-${n % STUDENTS}`;
        await events.upsert({
          id: `batch:${batch.batchId}`,
          type: 'usage-batch-events',
          accountId,
          batchId: batch.batchId,
          receivedAt: at,
          events: batch.events,
        });
        // People cells and person-month markers are written once per person, month and cell (in the warm-up): past it
        // the pipeline writes the daily cells with a marker each, the identifiable batch, the rate window and the record.
        await Promise.all(
          dailyChanges(facts).flatMap((c) => [
            usage.upsert({ id: `baseline|${c.id}`, scope: c.scope, type: c.type, ...c.fields, views: n, seconds: n, searches: 0, interactions: 0 }),
            usage.upsert({ id: `a|baseline|${c.id}|${batch.batchId}`, scope: c.scope, type: 'usage-applied' }),
          ]),
        );
        const rate = `r:baseline-${n % STUDENTS}`;
        await usage.upsert({ id: rate, type: 'usage-rate', scope: rate, events: n });
        await usage.upsert({
          id: `b:${batch.batchId}`,
          type: 'usage-batch',
          scope: `b:${batch.batchId}`,
          recorded: 'identifiable',
          events: EVENTS_PER_BATCH,
        });
      };

      log('warm-up');
      await pool(0, WARM_UP_BATCHES, post);
      await host.bus.idle();
      await pool(0, WARM_UP_BATCHES, direct);
      const before = memory();
      const opsBefore = operationTotals();
      const sendsBefore = host.bus.batchSends;

      // Rounds of pipeline then direct writes (the order swapped every other round, ABBA), each timed on its own: a
      // burst of other work on the shared machine slows one round's pair, not one side of the whole run.
      const perRound = (BATCHES - WARM_UP_BATCHES) / ROUNDS;
      const rounds: { ratio: number; pipelineSeconds: number; directSeconds: number }[] = [];
      const memories: Memory[] = [before];
      let [pipelineSeconds, directSeconds, pipelineHeapGrowth, directHeapGrowth] = [0, 0, 0, 0];
      let pipelineOps = 0;
      for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
        const from = WARM_UP_BATCHES + roundIndex * perRound;
        const timed = async (side: 'pipeline' | 'direct') => {
          const startMemory = memory();
          const opsStart = operationTotals();
          const started = performance.now();
          if (side === 'pipeline') {
            await pool(from, from + perRound, post);
            await host.bus.idle();
          } else await pool(from, from + perRound, direct);
          const seconds = (performance.now() - started) / 1000;
          const ops = operationTotals();
          if (side === 'pipeline') pipelineOps += ops.pointRead + ops.write + ops.query - (opsStart.pointRead + opsStart.write + opsStart.query);
          const heapGrowth = memory().heapMb - startMemory.heapMb;
          return { seconds, heapGrowth };
        };
        log(`round ${roundIndex + 1} of ${ROUNDS}`);
        const order: ('pipeline' | 'direct')[] = roundIndex % 2 === 0 ? ['pipeline', 'direct'] : ['direct', 'pipeline'];
        const results: Record<string, { seconds: number; heapGrowth: number }> = {};
        for (const side of order) results[side] = await timed(side);
        const [p, d] = [results.pipeline!, results.direct!];
        rounds.push({ ratio: d.seconds / p.seconds, pipelineSeconds: p.seconds, directSeconds: d.seconds });
        pipelineSeconds += p.seconds;
        directSeconds += d.seconds;
        pipelineHeapGrowth += p.heapGrowth;
        directHeapGrowth += d.heapGrowth;
        memories.push(memory());
      }
      const opsAfter = operationTotals();
      const measuredEvents = (BATCHES - WARM_UP_BATCHES) * EVENTS_PER_BATCH;
      const busSends = host.bus.batchSends - sendsBefore;

      const expectedViews = BATCHES * EVENTS_PER_BATCH;
      const cells = await usage.queryAll<{ views: number }>(`p:${demo.publishers.ee}`, {
        where: "c.type = 'usage-daily' AND c.day = @day AND NOT STARTSWITH(c.id, 'baseline|')",
        parameters: [{ name: '@day', value: at.slice(0, 10) }],
      });
      const counted = cells.reduce((sum, c) => sum + c.views, 0);
      if (counted !== expectedViews) failures.push(`the publisher's aggregates count ${counted} views of the ${expectedViews} posted`);

      const ratio = median(rounds.map((r) => r.ratio));
      if (ratio < MIN_RATIO) failures.push(`pipeline at ${round(ratio, 2)}x the raw writes' rate (median of ${ROUNDS} rounds), below ${MIN_RATIO}x`);
      // The embedded Cosmos keeps every stored document in this process: the direct writes' heap growth is what the
      // same documents cost it; the rest of the pipeline's must stay bounded whatever the number of events.
      const growth = pipelineHeapGrowth - directHeapGrowth;
      if (growth > MAX_HEAP_GROWTH_MB)
        failures.push(`the heap grew ${round(growth)} MB beyond the stored documents over ${measuredEvents} events (bound ${MAX_HEAP_GROWTH_MB} MB)`);
      // Memory outside V8's heap swings by ~40 MB between a round that ended on the pipeline and one that ended on the
      // direct writes (the allocator's free lists): a pair of rounds (one of each order) is the unit to compare.
      const pairMean = (first: number) => (outsideHeap(memories[first]!) + outsideHeap(memories[first + 1]!)) / 2;
      const lateGrowth = pairMean(ROUNDS - 1) - pairMean(1);
      if (lateGrowth > MAX_OUTSIDE_HEAP_GROWTH_MB)
        failures.push(
          `memory outside the heap grew ${round(lateGrowth)} MB from the first pair of rounds to the last (bound ${MAX_OUTSIDE_HEAP_GROWTH_MB} MB): not flat`,
        );
      log('hot cell');
      const hot = await hotCell(host);
      if (hot.batchesPerCommit < MIN_BATCHES_PER_HOT_COMMIT)
        failures.push(
          `a hot cell took ${round(hot.batchesPerCommit, 1)} batches per commit (at least ${MIN_BATCHES_PER_HOT_COMMIT}): group commit is not working`,
        );
      if (hot.counted !== HOT_CHANGES) failures.push(`the hot cell counts ${hot.counted} of ${HOT_CHANGES} batches`);
      const pipelineRate = measuredEvents / pipelineSeconds;
      const directRate = measuredEvents / directSeconds;
      const ops = (k: keyof typeof opsAfter) => opsAfter[k] - opsBefore[k];
      const series = (pick: (m: Memory) => number) => memories.map((m) => round(pick(m))).join(' -> ');

      return {
        record: {
          events: {
            events: measuredEvents,
            rounds: ROUNDS,
            ratioMedian: round(ratio, 2),
            ratioMin: round(Math.min(...rounds.map((r) => r.ratio)), 2),
            ratioMax: round(Math.max(...rounds.map((r) => r.ratio)), 2),
            pipelineEventsPerSecond: round(pipelineRate),
            baselineEventsPerSecond: round(directRate),
            cosmosOperationsPerEvent: round(pipelineOps / measuredEvents, 3),
            serviceBusSendsPerEvent: round(busSends / measuredEvents, 4),
            heapGrowthBeyondStoreMb: round(growth),
            storeHeapGrowthMb: round(directHeapGrowth),
            rssMb: series((m) => m.rssMb),
            outsideHeapGrowthMb: round(lateGrowth),
            heapTotalMb: series((m) => m.heapTotalMb),
            outsideHeapMb: series(outsideHeap),
            arrayBuffersMb: series((m) => m.arrayBuffersMb),
            hotCellBatchesPerSecond: round(hot.batchesPerSecond),
            hotCellSerialUpdatesPerSecond: round(hot.serialPerSecond),
            hotCellBatchesPerCommit: round(hot.batchesPerCommit, 1),
            externalMb: series((m) => m.externalMb),
          },
        },
        table: [
          ...rounds.map((r, i) => ({
            measure: `round ${i + 1}${i % 2 === 0 ? ' (pipeline first)' : ' (direct first)'}`,
            pipelineSeconds: round(r.pipelineSeconds, 2),
            directSeconds: round(r.directSeconds, 2),
            ratio: round(r.ratio, 2),
          })),
          {
            measure: `median ratio (target >= ${MIN_RATIO})`,
            pipelineSeconds: round(pipelineSeconds, 2),
            directSeconds: round(directSeconds, 2),
            ratio: round(ratio, 2),
          },
        ],
        notes: [
          `pipeline ${round(pipelineRate)} events/s, direct writes ${round(directRate)} events/s over ${measuredEvents} events each; Cosmos operations per event ${round(pipelineOps / measuredEvents, 3)} (all: writes ${round(ops('write') / measuredEvents, 3)}, point reads ${round(ops('pointRead') / measuredEvents, 3)} per event incl. the direct side); Service Bus batch sends per event ${round(busSends / measuredEvents, 4)}`,
          `hot cell: ${HOT_CHANGES} batches changing one cell, ${HOT_CONCURRENCY} at a time (as many messages in flight on one instance): ${round(hot.batchesPerSecond)} batches/s in ${hot.commits} commits (${round(hot.batchesPerCommit, 1)} batches each, each exactly once by its marker); one writer replacing one document under its ETag manages ${round(hot.serialPerSecond)} updates/s on the same store`,
          `heap: the pipeline's rounds grew it ${round(pipelineHeapGrowth)} MB, the direct writes of the same documents ${round(directHeapGrowth)} MB (the embedded Cosmos in this process), so the pipeline's own growth is ${round(growth)} MB (bound ${MAX_HEAP_GROWTH_MB} MB)`,
          `after the warm-up and each round: RSS ${series((m) => m.rssMb)} MB; V8 heap committed ${series((m) => m.heapTotalMb)} MB; outside the heap ${series(outsideHeap)} MB (last pair of rounds against the first: ${round(lateGrowth)} MB, bound ${MAX_OUTSIDE_HEAP_GROWTH_MB} MB); ArrayBuffers ${series((m) => m.arrayBuffersMb)} MB; external ${series((m) => m.externalMb)} MB`,
        ],
        failures,
      };
    } finally {
      await host.close();
    }
  },
};
