/**
 * Usage events (issue 14, LOG-1): 100,000 events posted as 1,000 batches of 100 by 50 students, 16 requests at a
 * time, through POST /api/events, the usage-events queue and the events-record function into the identifiable
 * records and the aggregates, on the local stack. Baseline from the same run: the same documents written straight
 * to the same embedded Cosmos with blind upserts at the same concurrency (what the pipeline must write at least, with
 * no HTTP, queue, ETag reads or redelivery bookkeeping). Figures: events per second of both, their ratio, Cosmos
 * operations and Service Bus operations per event, and RSS over the run.
 *
 * Fails (exit 1) when the pipeline is below MIN_RATIO of the baseline, when an event is missing from the aggregates,
 * when the heap grows by more than the stored documents explain (MAX_HEAP_GROWTH_MB after the warm-up), or RSS by more
 * than MAX_RSS_GROWTH_MB.
 */
import { randomUUID } from 'node:crypto';

import { dailyChanges } from '../shared/events/aggregates.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { operationTotals } from '../shared/platform/operations.js';
import { type Bench, round } from './lib.js';

const STUDENTS = 50;
const BATCHES = 1_000;
const EVENTS_PER_BATCH = 100;
const WARM_UP_BATCHES = 100;
const CONCURRENCY = 16;
const WORKS = ['work-ee-math-5', 'work-ee-math-6', 'work-ee-est-5'];
const CHAPTERS = 10;
/**
 * Past the warm-up the baseline writes 6 documents per batch of 100 events. The pipeline makes about twice the Cosmos
 * requests for them: the read that authenticates, the rate window's read, the batch record's read, and ETag
 * conflicts on cells many batches share (a school's work of the day), besides the HTTP request and the queue hop.
 * Each request costs about the same on the embedded Cosmos, so ~0.5 is the ceiling. Measured 0.28-0.59 over five
 * runs on the shared 2-core machine: the two are timed one after the other, so other work on the machine moves the
 * ratio (interleaving them is left to do). 0.25 still fails on work added per event (a read per event is far below).
 */
const MIN_RATIO = 0.25;
/**
 * Memory the pipeline itself may keep after 90,000 events beyond what the embedded Cosmos holds for the stored
 * documents: caches (catalogue, schools), the local bus's duplicate-detection ids, telemetry's bounded buffer.
 */
const MAX_HEAP_GROWTH_MB = 32;
/**
 * RSS over the 90,000 events: a coarse guard only. It is NOT flat (measured +100 to +170 MB, growing in the second
 * half as in the first) while the heap is: the growth is outside V8's heap (see `externalMb`), in this process that
 * also runs the embedded Cosmos server and the HTTP server; not yet explained (README, Benchmarks).
 */
const MAX_RSS_GROWTH_MB = 256;

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

/** Heap and RSS in MB after a full collection (npm run bench runs with --expose-gc). */
const memory = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss, external } = process.memoryUsage();
  return { heapMb: heapUsed / 1024 / 1024, rssMb: rss / 1024 / 1024, externalMb: external / 1024 / 1024 };
};

export const bench: Bench = {
  name: 'events',
  description: `${BATCHES * EVENTS_PER_BATCH} usage events (${BATCHES} batches of ${EVENTS_PER_BATCH}) through route, queue and aggregates vs the same Cosmos writes alone`,
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

      log('warm-up');
      await pool(0, WARM_UP_BATCHES, post);
      await host.bus.idle();
      const before = memory();
      const opsBefore = operationTotals();
      const sendsBefore = host.bus.batchSends;

      log('pipeline');
      const started = performance.now();
      const half = WARM_UP_BATCHES + Math.floor((BATCHES - WARM_UP_BATCHES) / 2);
      await pool(WARM_UP_BATCHES, half, post);
      await host.bus.idle();
      const atHalf = memory();
      await pool(half, BATCHES, post);
      await host.bus.idle();
      const pipelineSeconds = (performance.now() - started) / 1000;
      const opsAfter = operationTotals();
      const afterPipeline = memory();
      const measuredEvents = (BATCHES - WARM_UP_BATCHES) * EVENTS_PER_BATCH;
      const busSends = host.bus.batchSends - sendsBefore;

      const expectedViews = BATCHES * EVENTS_PER_BATCH;
      const cells = await host.services.db.collection('stats').queryAll<{
        views: number;
      }>(`p:${demo.publishers.ee}`, { where: "c.type = 'usage-daily' AND c.day = @day", parameters: [{ name: '@day', value: at.slice(0, 10) }] });
      const counted = cells.reduce((sum, c) => sum + c.views, 0);
      if (counted < expectedViews) failures.push(`the publisher's aggregates count ${counted} views of the ${expectedViews} posted`);

      log('baseline: the same documents, blind upserts');
      const usage = host.services.db.collection('stats');
      const events = host.services.db.collection('events');
      const baselineStarted = performance.now();
      await pool(WARM_UP_BATCHES, BATCHES, async (n) => {
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
        // People cells and person-month markers are written once per person, month and cell (in the warm-up): past
        // it the pipeline writes the daily cells, the identifiable batch, the rate window and the batch record.
        await Promise.all(
          dailyChanges(facts).map((c) =>
            usage.upsert({
              id: `baseline|${c.id}`,
              scope: c.scope,
              type: c.type,
              ...c.fields,
              views: n,
              seconds: n,
              searches: 0,
              interactions: 0,
              applied: [],
            }),
          ),
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
      });
      const baselineSeconds = (performance.now() - baselineStarted) / 1000;
      const afterBaseline = memory();

      const pipelineRate = measuredEvents / pipelineSeconds;
      const baselineRate = measuredEvents / baselineSeconds;
      const ratio = pipelineRate / baselineRate;
      const ops = (k: keyof typeof opsAfter) => opsAfter[k] - opsBefore[k];
      const opsPerEvent = (ops('pointRead') + ops('write') + ops('query')) / measuredEvents;
      // The embedded Cosmos keeps every stored document in this process: what the same documents cost it (the
      // baseline's growth) is not the pipeline's. The rest must stay under the bound whatever the number of events.
      const storeGrowth = afterBaseline.heapMb - afterPipeline.heapMb;
      const growth = afterPipeline.heapMb - before.heapMb - storeGrowth;
      if (ratio < MIN_RATIO) failures.push(`pipeline at ${round(ratio, 2)}x the raw writes' rate, below ${MIN_RATIO}x`);
      const rssGrowth = afterPipeline.rssMb - before.rssMb;
      if (rssGrowth > MAX_RSS_GROWTH_MB)
        failures.push(`RSS grew ${round(rssGrowth)} MB over ${measuredEvents} events (bound ${MAX_RSS_GROWTH_MB} MB)`);
      if (growth > MAX_HEAP_GROWTH_MB)
        failures.push(`the heap grew ${round(growth)} MB beyond the stored documents over ${measuredEvents} events (bound ${MAX_HEAP_GROWTH_MB} MB)`);

      return {
        record: {
          events: {
            events: measuredEvents,
            pipelineEventsPerSecond: round(pipelineRate),
            baselineEventsPerSecond: round(baselineRate),
            ratio: round(ratio, 2),
            cosmosOperationsPerEvent: round(opsPerEvent, 3),
            writesPerEvent: round(ops('write') / measuredEvents, 3),
            serviceBusSendsPerEvent: round(busSends / measuredEvents, 4),
            heapGrowthBeyondStoreMb: round(growth),
            storeHeapGrowthMb: round(storeGrowth),
            rssBeforeMb: round(before.rssMb),
            rssAtHalfMb: round(atHalf.rssMb),
            rssAfterBaselineMb: round(afterBaseline.rssMb),
            rssAfterMb: round(afterPipeline.rssMb),
          },
        },
        table: [
          { measure: 'pipeline (route, queue, aggregates)', eventsPerSecond: round(pipelineRate), seconds: round(pipelineSeconds, 2) },
          { measure: 'baseline (same documents, blind upserts)', eventsPerSecond: round(baselineRate), seconds: round(baselineSeconds, 2) },
          { measure: `ratio (target >= ${MIN_RATIO})`, eventsPerSecond: round(ratio, 2), seconds: 0 },
        ],
        notes: [
          `Cosmos operations per event ${round(opsPerEvent, 3)} (writes ${round(ops('write') / measuredEvents, 3)}, point reads ${round(ops('pointRead') / measuredEvents, 3)}); Service Bus batch sends per event ${round(busSends / measuredEvents, 4)} for ${BATCHES - WARM_UP_BATCHES} batches`,
          `heap ${round(before.heapMb)} MB after the warm-up, ${round(afterPipeline.heapMb)} MB after ${measuredEvents} more events; the same documents written alone added ${round(storeGrowth)} MB to the embedded Cosmos in this process, so the pipeline's own growth is ${round(growth)} MB (bound ${MAX_HEAP_GROWTH_MB} MB); RSS ${round(before.rssMb)} MB after the warm-up, ${round(atHalf.rssMb)} at half, ${round(afterPipeline.rssMb)} at the end (+${round(rssGrowth)} MB, bound ${MAX_RSS_GROWTH_MB} MB), ${round(afterBaseline.rssMb)} after the baseline; external memory ${round(before.externalMb)} -> ${round(atHalf.externalMb)} -> ${round(afterPipeline.externalMb)} MB`,
        ],
        failures,
      };
    } finally {
      await host.close();
    }
  },
};
