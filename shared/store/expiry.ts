import { runJob, sweepPage } from '../platform/jobs.js';
import type { Services } from '../platform/services.js';
import { transitionOrder } from './orders.js';

const PAGE_SIZE = 100;

/** One page of orders whose licence ended and which still say licence-active (a sweep page: expired ones leave the result). */
async function expireLicencesPage(services: Services, now: Date, after: string | undefined) {
  const page = await sweepPage<{ id: string; accountId: string }>(
    services.db.collection('orders'),
    {
      select: 'c.id, c.accountId',
      where: "c.type = 'order' AND c.status = 'licence-active' AND c.licence.until <= @now",
      parameters: [{ name: '@now', value: now.toISOString() }],
    },
    after,
    PAGE_SIZE,
  );
  let expired = 0;
  for (const row of page.items) {
    const result = await transitionOrder(
      services,
      { accountId: row.accountId, orderId: row.id },
      'expired',
      { by: 'system', reason: 'licence period ended' },
      { from: ['licence-active'], changes: () => ({ closure: { kind: 'licence-ended', at: now.toISOString() } }) },
    );
    if (result.changed) expired += 1;
  }
  return { counts: { expired }, next: page.next };
}

/**
 * Licence expiry (STORE-4): access already stops at the period's end (the entitlement check compares dates); this
 * timer job moves orders whose licence ended to `expired`, so the order page and reports say so. A resumable job
 * (`licences-expire`, ops/jobs) that starts afresh each run and resumes a run that died at its last page.
 */
export async function expireLicences(services: Services, now: Date): Promise<Record<string, number>> {
  const { job } = await runJob(services, { name: 'licences-expire', period: 'sweep' }, (after) => expireLicencesPage(services, now, after), {
    again: true,
  });
  return job.counts;
}
