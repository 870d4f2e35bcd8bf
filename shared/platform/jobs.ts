import type { SqlParameter } from '@azure/cosmos';
import { z } from 'zod';

import { type Doc, updateWithEtag } from './cosmos.js';
import { pageOf, type PageRequest } from './paging.js';
import type { Services } from './services.js';

/** System jobs live in one partition of `jobs` (the registry's description of the container). */
const SYSTEM_PARTITION = 'system';

/**
 * A resumable job of a timer (issue 13 item 4): one document per job and period (`job:<name>:<period>`), holding the
 * checkpoint of the work done so far (the continuation of its query) and running counts. A run that dies resumes at
 * the last checkpoint; a run of a period already done does nothing, so firing a timer twice is safe.
 */
export interface JobDoc extends Doc {
  type: 'job';
  accountId: typeof SYSTEM_PARTITION;
  name: string;
  /** What the run covers, e.g. the year of a yearly job: one run per name and period. */
  period: string;
  state: 'running' | 'done';
  /** Where the next page starts (a continuation token or the last key processed); absent at the start and when done. */
  checkpoint?: string;
  pages: number;
  counts: Record<string, number>;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export interface JobPage {
  /** What this page did, added to the job's counts. */
  counts: Record<string, number>;
  /** Where the next page starts; undefined when the work is finished. */
  next: string | undefined;
}

export interface JobOutcome {
  job: JobDoc;
  /** False when the period was already done: nothing ran. */
  ran: boolean;
}

const jobId = (name: string, period: string) => `job:${name}:${period}`;

const addCounts = (a: Record<string, number>, b: Record<string, number>) => {
  const sum = { ...a };
  for (const [k, v] of Object.entries(b)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
};

/**
 * Runs a job page by page from its checkpoint. Each page's work must be safe to repeat: a run killed after a page's
 * work and before its checkpoint does that page again. `again`: a sweep that runs every few minutes or hours keeps one
 * document under a standing period (e.g. 'sweep') and starts afresh once its last run is done, instead of one
 * document per run; a run that died still resumes at its checkpoint. `maxPages`: a run stops after so many pages and
 * the job stays running at its checkpoint, for the next run to go on from.
 */
export async function runJob(
  services: Pick<Services, 'db' | 'clock'>,
  job: { name: string; period: string },
  page: (checkpoint: string | undefined) => Promise<JobPage>,
  options: { again?: boolean; maxPages?: number } = {},
): Promise<JobOutcome> {
  const jobs = services.db.collection('jobs');
  const id = jobId(job.name, job.period);
  const now = () => services.clock.now().toISOString();
  const fresh = (): JobDoc => ({
    id,
    type: 'job',
    accountId: SYSTEM_PARTITION,
    name: job.name,
    period: job.period,
    state: 'running',
    pages: 0,
    counts: {},
    startedAt: now(),
    updatedAt: now(),
  });
  let current = (await updateWithEtag<JobDoc>(jobs, id, SYSTEM_PARTITION, () => undefined, { type: 'job', create: fresh }))!.doc;
  if (current.state === 'done' && !options.again) return { job: current, ran: false };
  if (current.state === 'done') current = (await updateWithEtag<JobDoc>(jobs, id, SYSTEM_PARTITION, () => fresh(), { type: 'job', current }))!.doc;
  for (let pages = 0; current.state === 'running' && pages < (options.maxPages ?? Infinity); pages++) {
    const done = await page(current.checkpoint);
    const saved = await updateWithEtag<JobDoc>(
      jobs,
      id,
      SYSTEM_PARTITION,
      (doc) => {
        const { checkpoint: _previous, ...rest } = doc;
        const at = now();
        return {
          ...rest,
          pages: doc.pages + 1,
          counts: addCounts(doc.counts, done.counts),
          updatedAt: at,
          ...(done.next === undefined ? { state: 'done' as const, finishedAt: at } : { checkpoint: done.next }),
        };
      },
      { type: 'job', current },
    );
    current = saved!.doc;
  }
  return { job: current, ran: true };
}

type Collection = ReturnType<Services['db']['collection']>;

/**
 * One page of a timer's cross-partition sweep in id order after `after` (the job's checkpoint: the last id done), and
 * where the next starts. Not a continuation token: what a sweep changes usually leaves its result, which would make
 * an offset-based continuation skip the documents behind. Empty pages before the end (Cosmos may answer them across
 * partitions) are read through.
 */
export async function sweepPage<T extends { id: string }>(
  collection: Collection,
  query: { select: string; where: string; parameters?: SqlParameter[] },
  after: string | undefined,
  pageSize: number,
): Promise<{ items: T[]; next: string | undefined }> {
  const text = `SELECT ${query.select} FROM c WHERE (${query.where}) AND c.id > @after ORDER BY c.id`;
  const parameters = [...(query.parameters ?? []), { name: '@after', value: after ?? '' }];
  let page = await collection.crossPartitionQuery<T>(text, parameters, undefined, pageSize);
  while (page.items.length === 0 && page.continuation) page = await collection.crossPartitionQuery<T>(text, parameters, page.continuation, pageSize);
  const last = page.items.at(-1);
  return { items: page.items, next: page.continuation && last ? last.id : undefined };
}

export const jobViewSchema = z.object({
  name: z.string(),
  period: z.string(),
  state: z.enum(['running', 'done']),
  pages: z.number().int(),
  counts: z.record(z.string(), z.number()),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Whether a checkpoint is held (a run stopped part-way resumes there); the token itself stays inside. */
  resumable: z.boolean(),
});

export const jobView = (job: JobDoc): z.infer<typeof jobViewSchema> => ({
  name: job.name,
  period: job.period,
  state: job.state,
  pages: job.pages,
  counts: job.counts,
  startedAt: job.startedAt,
  updatedAt: job.updatedAt,
  ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
  resumable: job.checkpoint !== undefined,
});

/** Operators' view of the jobs, newest first: one single-partition query per page. */
export function listJobs(services: Pick<Services, 'db' | 'config'>, request: PageRequest) {
  return pageOf<JobDoc>(
    services,
    { container: 'jobs', partitionKey: SYSTEM_PARTITION, where: "c.type = 'job'", orderBy: 'c.startedAt DESC', defaultPageSize: 50 },
    request,
  );
}
