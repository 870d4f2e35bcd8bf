import { readAccount } from '../accounts/index.js';
import { CLOSURE_RETENTION_YEARS } from '../consents/index.js';
import { eraseSubject } from '../erasure/index.js';
import { localDateOf, yearsBefore } from '../platform/calendar.js';
import { runJob, sweepPage } from '../platform/jobs.js';
import type { Services } from '../platform/services.js';

const PAGE_SIZE = 50;

const dayOf = (instant: Date) => {
  const { year, month, day } = localDateOf(instant);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
};

/**
 * The work of the day, in id order (a sweep page: what is erased leaves the result): closure events whose 5 years have
 * passed (events from before `due` was written by their closure time), and retention erasures that started and did not
 * finish. The pipeline deletes the closure event with the subject's `jobs` partition, its last step, so an erasure that
 * died after that step is found by its own `erasure-job` document and resumed.
 */
function duePage(services: Pick<Services, 'db'>, now: Date, after: string | undefined) {
  return sweepPage<{ id: string; accountId: string; type: string }>(
    services.db.collection('jobs'),
    {
      select: 'c.id, c.accountId, c.type',
      where:
        "(c.type = 'account-closure' AND c.erasure = 'pending' AND (c.due <= @now OR (NOT IS_DEFINED(c.due) AND c.closedAt <= @closedBefore))) OR " +
        "(c.type = 'erasure-job' AND c.reason = 'retention')",
      parameters: [
        { name: '@now', value: now.toISOString() },
        { name: '@closedBefore', value: yearsBefore(now, CLOSURE_RETENTION_YEARS).toISOString() },
      ],
    },
    after,
    PAGE_SIZE,
  );
}

/**
 * RET-2, RET-4, RET-7, run daily by a timer: every closed account whose 5 years from closure have passed is erased by
 * the pipeline (reason 'retention'), which keeps the evidence (keyed hash, counts, holds; `readErasureEvidence`) and
 * removes the closure event with the rest of the subject's `jobs` partition. One job per local day (ops/jobs shows
 * it); a day the timer missed is caught up by the next, since the query takes everything due up to now; an erasure
 * is idempotent, so a page repeated after a crash changes nothing twice.
 */
export async function closureRetention(services: Services, now: Date): Promise<Record<string, number>> {
  const { job, ran } = await runJob(services, { name: 'closure-retention', period: dayOf(now) }, async (checkpoint) => {
    const page = await duePage(services, now, checkpoint);
    const counts: Record<string, number> = {};
    // A half-done erasure has its closure event and its job on the same page: one erasure, counted once.
    const done = new Set<string>();
    for (const { accountId, type } of page.items) {
      if (done.has(accountId)) continue;
      done.add(accountId);
      await eraseSubject(services, { accountId, reason: 'retention' });
      const outcome = type === 'erasure-job' ? 'resumed' : 'erased';
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
    return { counts, next: page.next };
  });
  return ran ? job.counts : {};
}

/**
 * RET-4 "until the user asks": the objection to keeping learning outcomes (PRIV-4 `outcomeKeeping`) erases them
 * (reason 'outcomes'). Run from its queue; an objection lifted before the message arrives erases nothing.
 */
export async function eraseOutcomesOnObjection(services: Services, accountId: string): Promise<'erased' | 'skipped'> {
  const since = (await readAccount(services, accountId))?.processing?.objections?.outcomeKeeping;
  if (!since) {
    services.telemetry.event('retention.outcomes', { outcome: 'skipped' });
    return 'skipped';
  }
  // One run per objection: objecting again after lifting it erases what was written in between.
  const evidence = await eraseSubject(services, { accountId, reason: 'outcomes', run: since });
  // Operators see that it ran and how much went; no account id (the evidence holds the keyed hash).
  const deleted = Object.values(evidence.counts).reduce((sum, c) => sum + c.deleted + c.anonymised, 0);
  services.telemetry.event('retention.outcomes', { outcome: 'erased' }, { documents: deleted });
  return 'erased';
}
