/**
 * PRIV-2 data export under a heavy person (issue 12): 5,000 documents (notes, usage events, progress) and 20 files of
 * 1 MiB, exported from the queue message to the zip in Blob Storage (Azurite, in this process). Figures: wall time of
 * each export (median of the runs), the zip's size and entries, and peak RSS sampled every 10 ms against the RSS at
 * rest before it (the host, its data and the files already loaded). It fails (exit 1) over 2 s or at 2x the idle RSS.
 */
import { randomBytes } from 'node:crypto';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import type { ContainerName } from '../shared/platform/cosmos.js';
import { runExport, startExport } from '../shared/privacy/index.js';
import { type Bench, type BenchOutput, median, round } from './lib.js';

const PERSON = 'acc-bench-export';
const DOCUMENTS = 5000;
const FILES = 20;
const FILE_BYTES = 1024 * 1024;
const LIMIT_MS = 2000;
const LIMIT_RSS_RATIO = 2;

async function setUp(host: LocalHost): Promise<void> {
  const db = host.services.db;
  const now = new Date().toISOString();
  await db.collection('accounts').create({
    id: PERSON,
    type: 'account',
    accountId: PERSON,
    firstName: 'Bench',
    lastName: 'Person',
    email: 'bench.person@example.test',
    language: 'en',
    country: 'EE',
    status: 'active',
    createdAt: now,
    updatedAt: now,
  });
  // A mix of the types a heavy user has most of: notes in works, usage events, progress per work.
  const kinds: { container: ContainerName; make: (i: number) => Record<string, unknown> }[] = [
    {
      container: 'accounts',
      make: (i) => ({
        id: `annotation-${i}`,
        type: 'material-annotation',
        accountId: PERSON,
        workId: `work-${i % 40}`,
        kind: 'note',
        position: { chapterId: `ch-${i % 12}`, blockId: `b-${i}`, start: 3, end: 40 },
        text: `A note of some length about page ${i}: `.padEnd(600, 'lorem ipsum '),
        createdAt: now,
      }),
    },
    {
      container: 'events',
      make: (i) => ({ id: `event-${i}`, type: 'usage-event', accountId: PERSON, kind: 'search', at: now, where: 'work', words: i % 7 }),
    },
    {
      container: 'accounts',
      make: (i) => ({ id: `progress-${i}`, type: 'material-progress', accountId: PERSON, workId: `work-${i}`, entries: { p1: now }, updatedAt: now }),
    },
  ];
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < DOCUMENTS; i++) {
    const kind = i < 3000 ? kinds[0]! : i < 4800 ? kinds[1]! : kinds[2]!;
    writes.push(db.collection(kind.container).create(kind.make(i) as never));
    if (writes.length === 50) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  for (let f = 0; f < FILES; f++)
    await host.services.blobs.put(`accounts/${PERSON}/material-${f}/upload-${f}`, randomBytes(FILE_BYTES), 'application/pdf');
}

export const bench: Bench = {
  name: 'export',
  description: `data export of one person with ${DOCUMENTS} documents and ${FILES} files of 1 MiB (PRIV-2), queue message to zip in Blob Storage`,
  async run({ runs, log }): Promise<BenchOutput> {
    const host = await startLocalHost({ port: 0, seed: false, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
    const failures: string[] = [];
    try {
      await setUp(host);
      const times: number[] = [];
      const peaks: number[] = [];
      let idle = 0;
      let size = 0;
      for (let run = 0; run < Math.min(runs, 5); run++) {
        globalThis.gc?.();
        await new Promise((resolve) => setTimeout(resolve, 100));
        idle = process.memoryUsage.rss();
        let peak = idle;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
        const started = performance.now();
        const { job } = await startExport(host.services, { subjectAccountId: PERSON, requestedBy: PERSON });
        try {
          await runExport(host.services, { accountId: PERSON, exportId: job.id });
        } catch (error) {
          clearInterval(sampler);
          failures.push(`run ${run + 1} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
          continue;
        }
        times.push(performance.now() - started);
        clearInterval(sampler);
        peaks.push(Math.max(peak, process.memoryUsage.rss()) / idle);
        const done = await host.services.db.collection('jobs').read<{ id: string; type: string; status: string; sizeBytes: number }>(job.id, PERSON);
        if (done?.status !== 'ready') failures.push(`export ${job.id} ended ${done?.status ?? 'missing'}`);
        size = done?.sizeBytes ?? 0;
        log(`run ${run + 1}: ${round(times.at(-1)!)} ms, peak RSS ${round(peaks.at(-1)!, 2)}x idle (${round(idle / 2 ** 20)} MiB)`);
      }
      if (times.length === 0) return { record: {}, table: [], failures };
      const ms = median(times);
      const ratio = Math.max(...peaks);
      if (ms > LIMIT_MS) failures.push(`export took ${round(ms)} ms (median), over ${LIMIT_MS} ms`);
      if (ratio >= LIMIT_RSS_RATIO) failures.push(`peak RSS reached ${round(ratio, 2)}x the idle RSS (limit ${LIMIT_RSS_RATIO}x)`);
      return {
        record: {
          export: {
            documents: DOCUMENTS,
            files: FILES,
            medianMs: round(ms),
            peakRssRatio: round(ratio, 2),
            idleRssMiB: round(idle / 2 ** 20),
            zipBytes: size,
          },
        },
        table: [
          { documents: DOCUMENTS, files: FILES, 'median ms': round(ms), 'peak RSS / idle': round(ratio, 2), 'zip MiB': round(size / 2 ** 20, 1) },
        ],
        notes: [`limits: ${LIMIT_MS} ms, peak RSS under ${LIMIT_RSS_RATIO}x the RSS at rest before each export`],
        failures,
      };
    } finally {
      await host.close();
    }
  },
};
