import { type AccountDoc, readAccount } from '../accounts/index.js';
import { type AccountClosureDoc, CLOSURE_RETENTION_YEARS, closureEventId } from '../consents/index.js';
import { eraseSubject, type ErasureEvidence, type ErasureOrder } from '../erasure/index.js';
import { localDateOf, yearsBefore } from '../platform/calendar.js';
import { updateWithEtag } from '../platform/cosmos.js';
import { runJob, sweepPage } from '../platform/jobs.js';
import type { Services } from '../platform/services.js';

const PAGE_SIZE = 50;

const dayOf = (instant: Date) => {
  const { year, month, day } = localDateOf(instant);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
};

/** The closures whose 5 years have passed and whose erasure has not run (a sweep page: erased ones leave the result). */
function dueClosuresPage(services: Pick<Services, 'db'>, now: Date, after: string | undefined) {
  return sweepPage<{ id: string; accountId: string }>(
    services.db.collection('jobs'),
    {
      select: 'c.id, c.accountId',
      where: "c.type = 'account-closure' AND c.erasure = 'pending' AND (c.due <= @now OR (NOT IS_DEFINED(c.due) AND c.closedAt <= @closedBefore))",
      parameters: [
        { name: '@now', value: now.toISOString() },
        { name: '@closedBefore', value: yearsBefore(now, CLOSURE_RETENTION_YEARS).toISOString() },
      ],
    },
    after,
    PAGE_SIZE,
  );
}

/** Marks the closure event done with the pipeline's evidence (the keyed hash, no personal data); gone already is fine. */
async function markErased(services: Pick<Services, 'db'>, accountId: string, erased: NonNullable<AccountClosureDoc['erased']>) {
  await updateWithEtag<AccountClosureDoc>(
    services.db.collection('jobs'),
    closureEventId(accountId),
    accountId,
    (doc) => (doc.erasure === 'done' ? undefined : { ...doc, erasure: 'done', erased }),
    { type: 'account-closure' },
  );
}

/** What the closure event keeps of the pipeline's evidence: when, why, and the keyed hash that names the subject in it. */
const erasedRecord = (order: ErasureOrder, evidence: ErasureEvidence): NonNullable<AccountClosureDoc['erased']> => ({
  at: evidence.completedAt,
  reason: order.reason,
  ...(evidence.subjectHash ? { evidence: evidence.subjectHash } : {}),
});

async function erase(services: Services, order: ErasureOrder) {
  return erasedRecord(order, await eraseSubject(services, order));
}

/** One due closure: erased by the pipeline (idempotent: a second run changes nothing), then its event marked done. */
async function eraseDueClosure(services: Services, accountId: string): Promise<'erased' | 'skipped'> {
  const event = await services.db.collection('jobs').read<AccountClosureDoc>(closureEventId(accountId), accountId);
  if (event?.erasure !== 'pending') return 'skipped';
  await markErased(services, accountId, await erase(services, { accountId, reason: 'retention' }));
  return 'erased';
}

/**
 * RET-2, RET-4, RET-7, run daily by a timer: every closed account whose 5 years from closure have passed is erased by
 * the pipeline (reason 'retention'). One job per local day (ops/jobs shows it); a day the timer missed is caught up by
 * the next, since the query takes everything due up to now.
 */
export async function closureRetention(services: Services, now: Date): Promise<Record<string, number>> {
  const { job, ran } = await runJob(services, { name: 'closure-retention', period: dayOf(now) }, async (checkpoint) => {
    const page = await dueClosuresPage(services, now, checkpoint);
    const counts: Record<string, number> = {};
    for (const { accountId } of page.items) {
      const outcome = await eraseDueClosure(services, accountId);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
    return { counts, next: page.next };
  });
  return ran ? job.counts : {};
}

const objectsToOutcomeKeeping = (account: AccountDoc | undefined) => account?.processing?.objections?.outcomeKeeping !== undefined;

/**
 * RET-4 "until the user asks": the objection to keeping learning outcomes (PRIV-4 `outcomeKeeping`) erases them
 * (reason 'outcomes'). Run from its queue; an objection lifted before the message arrives erases nothing.
 */
export async function eraseOutcomesOnObjection(services: Services, accountId: string): Promise<'erased' | 'skipped'> {
  if (!objectsToOutcomeKeeping(await readAccount(services, accountId))) {
    services.telemetry.event('retention.outcomes', { outcome: 'skipped' });
    return 'skipped';
  }
  const evidence = await eraseSubject(services, { accountId, reason: 'outcomes' });
  // Operators see that it ran and how much went; no account id (the evidence holds the keyed hash).
  const deleted = Object.values(evidence.counts).reduce((sum, c) => sum + c.deleted + c.anonymised, 0);
  services.telemetry.event('retention.outcomes', { outcome: 'erased' }, { documents: deleted });
  return 'erased';
}
