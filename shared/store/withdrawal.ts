import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { endOrderWorks } from './cancellation.js';
import { changeWorkAndCopies, invalidateCatalogSnapshot } from './catalog.js';
import type { WorkDoc } from './model.js';

/** Messages of the `store-licence-endings` queue. */
export const licenceEndingMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('withdrawal-scan'),
    publisherId: z.string(),
    workId: z.string(),
    effectiveAt: z.string(),
    continuation: z.string().optional(),
    page: z.number().int().min(0),
    /** The withdrawal this scan belongs to: a cancelled or replaced withdrawal's scan does nothing. */
    withdrawalId: z.string().optional(),
  }),
  z.strictObject({
    kind: z.literal('end-order-works'),
    accountId: z.string(),
    orderId: z.string(),
    workIds: z.array(z.string()).optional(),
    reason: z.enum(['work-withdrawn', 'terms-breach', 'cannot-fulfil', 'operator']),
    refund: z.enum(['pro-rata', 'full', 'none']),
    effectiveAt: z.string(),
    by: z.string(),
    note: z.string().optional(),
  }),
]);
export type LicenceEndingMessage = z.infer<typeof licenceEndingMessageSchema>;

/** Hours a withdrawal waits before its job ends the licences, unless the caller asks otherwise (issue 17). */
const WITHDRAWAL_GRACE_HOURS = 24;

/**
 * OPS-2: the publisher stops distributing a work. The work leaves the shop at once (checkout refuses it), and a
 * resumable job ends every current licence to it: one message per page of affected orders, one per order. The job
 * runs after a grace period (default 24 h, buyers keep their access until then), and until it starts the withdrawal
 * can be cancelled (a mistaken or malicious withdrawal by one CMS person must not end every buyer's licence at once).
 */
export async function stopDistribution(
  services: Services,
  input: { publisherId: string; workId: string; by: string; reason: string; graceHours?: number },
): Promise<{ work: WorkDoc; alreadyWithdrawn: boolean }> {
  // The work and its packages' copies in one batch: checkout trusts a copy that says distributed (issue 11).
  const updated = await changeWorkAndCopies(services, input.publisherId, input.workId, (current) => {
    if (current.status === 'withdrawn') return undefined;
    const now = services.clock.now();
    const effectiveAt = new Date(now.getTime() + (input.graceHours ?? WITHDRAWAL_GRACE_HOURS) * 3_600_000).toISOString();
    return {
      ...current,
      status: 'withdrawn',
      withdrawnAt: now.toISOString(),
      withdrawalReason: input.reason,
      withdrawal: { id: randomUUID(), by: input.by, reason: input.reason, requestedAt: now.toISOString(), effectiveAt, state: 'scheduled' },
    };
  });
  if (!updated) throw new AppError('work_not_found');
  const work: WorkDoc = updated.doc;
  const alreadyWithdrawn = !updated.changed;
  invalidateCatalogSnapshot();
  // Works withdrawn before withdrawals were scheduled have no record: their licences end from the withdrawal time.
  const effectiveAt = work.withdrawal?.effectiveAt ?? work.withdrawnAt ?? services.clock.now().toISOString();
  services.telemetry.event('store.work-withdrawn', { publisherId: input.publisherId, workId: input.workId, repeated: alreadyWithdrawn });
  // A repeat of a withdrawal still waiting changes nothing; a repeat after the job ran starts the scan again
  // (harmless: every step is idempotent), e.g. after a failed job.
  if (alreadyWithdrawn && work.withdrawal?.state === 'scheduled') return { work, alreadyWithdrawn };
  const due = new Date(effectiveAt);
  await services.bus.send('store-licence-endings', {
    body: {
      kind: 'withdrawal-scan',
      publisherId: input.publisherId,
      workId: input.workId,
      effectiveAt,
      page: 0,
      ...(work.withdrawal ? { withdrawalId: work.withdrawal.id } : {}),
    } satisfies LicenceEndingMessage,
    messageId: `withdrawal-scan:${input.workId}:${effectiveAt}:0:${alreadyWithdrawn ? services.clock.now().toISOString() : ''}`,
    ...(due.getTime() > services.clock.now().getTime() ? { scheduledEnqueueTime: due } : {}),
  });
  return { work, alreadyWithdrawn };
}

/**
 * Takes a withdrawal back while its job has not started: the work returns to the shop and the scheduled job finds
 * nothing to do. Once the job runs, licences have ended and this is refused (409 withdrawal_in_progress).
 */
export async function cancelWithdrawal(services: Services, input: { publisherId: string; workId: string; by: string }): Promise<WorkDoc> {
  const updated = await changeWorkAndCopies(services, input.publisherId, input.workId, (current) => {
    if (current.status === 'distributed') return undefined;
    if (current.withdrawal?.state !== 'scheduled') throw new AppError('withdrawal_in_progress');
    const { withdrawnAt: _at, withdrawalReason: _reason, ...rest } = current;
    void _at;
    void _reason;
    return {
      ...rest,
      status: 'distributed',
      withdrawal: { ...current.withdrawal, state: 'cancelled', cancelledBy: input.by, cancelledAt: services.clock.now().toISOString() },
    };
  });
  if (!updated) throw new AppError('work_not_found');
  if (updated.changed) {
    invalidateCatalogSnapshot();
    services.telemetry.event('store.work-withdrawal-cancelled', { publisherId: input.publisherId, workId: input.workId });
  }
  return updated.doc;
}

/**
 * Whether a scan may go on: its withdrawal is the work's current one and not cancelled. The first page marks the
 * withdrawal running (with the work's ETag, so a cancellation racing it either wins or is refused).
 */
async function scanMayRun(services: Services, message: Extract<LicenceEndingMessage, { kind: 'withdrawal-scan' }>): Promise<boolean> {
  if (!message.withdrawalId) return true;
  const updated = await updateWithEtag<WorkDoc>(
    services.db.collection('catalog'),
    message.workId,
    message.publisherId,
    (work) => {
      const withdrawal = work.status === 'withdrawn' && work.withdrawal?.id === message.withdrawalId ? work.withdrawal : undefined;
      return withdrawal?.state === 'scheduled' ? { ...work, withdrawal: { ...withdrawal, state: 'running' } } : undefined;
    },
    { type: 'work' },
  );
  // Running now (marked by this call or an earlier page's) is the only state in which the scan goes on.
  const work = updated?.doc;
  return work?.status === 'withdrawn' && work.withdrawal?.id === message.withdrawalId && work.withdrawal.state === 'running';
}

const PAGE = 50;

export async function handleLicenceEndingMessage(services: Services, message: LicenceEndingMessage): Promise<void> {
  if (message.kind === 'withdrawal-scan') {
    if (!(await scanMayRun(services, message))) {
      services.telemetry.event('store.withdrawal-scan-skipped', { workId: message.workId });
      return;
    }
    // An operator job, not a user path: the one place orders are searched across buyers.
    const page = await services.db.collection('orders').crossPartitionQuery<{ id: string; accountId: string }>(
      "SELECT c.id, c.accountId FROM c WHERE c.type = 'order' AND ARRAY_CONTAINS(c.workIds, @workId) AND (c.status = 'paid' OR c.status = 'licence-active') AND c.licence.until > @at",
      [
        { name: '@workId', value: message.workId },
        { name: '@at', value: message.effectiveAt },
      ],
      message.continuation,
      PAGE,
    );
    for (const order of page.items) {
      await services.bus.send('store-licence-endings', {
        body: {
          kind: 'end-order-works',
          accountId: order.accountId,
          orderId: order.id,
          workIds: [message.workId],
          reason: 'work-withdrawn',
          refund: 'pro-rata',
          effectiveAt: message.effectiveAt,
          by: 'system',
        } satisfies LicenceEndingMessage,
        messageId: `end-order-works:${order.id}:${message.workId}`,
      });
    }
    if (page.continuation)
      await services.bus.send('store-licence-endings', {
        body: { ...message, continuation: page.continuation, page: message.page + 1 } satisfies LicenceEndingMessage,
        messageId: `withdrawal-scan:${message.workId}:${message.effectiveAt}:${message.page + 1}`,
      });
    services.telemetry.event('store.withdrawal-scan', { workId: message.workId }, { orders: page.items.length, page: message.page });
    return;
  }
  await endOrderWorks(services, {
    key: { accountId: message.accountId, orderId: message.orderId },
    ...(message.workIds ? { workIds: message.workIds } : {}),
    reason: message.reason,
    refund: message.refund,
    effectiveAt: message.effectiveAt,
    by: message.by,
    ...(message.note ? { note: message.note } : {}),
  });
}

const defaultRefund = { 'terms-breach': 'none', 'cannot-fulfil': 'full', operator: 'pro-rata' } as const;

/**
 * STORE-6, OPS-1: operator staff end an order's licence early. Queued like a withdrawal, so the refund and the e-mail
 * are retried until done. Terms breach refunds nothing unless asked, cannot-fulfil refunds in full.
 */
export async function queueOrderCancellation(
  services: Services,
  input: {
    accountId: string;
    orderId: string;
    reason: 'terms-breach' | 'cannot-fulfil' | 'operator';
    refund?: 'none' | 'pro-rata' | 'full';
    workIds?: string[];
    note?: string;
    by: string;
  },
): Promise<void> {
  const message: LicenceEndingMessage = {
    kind: 'end-order-works',
    accountId: input.accountId,
    orderId: input.orderId,
    ...(input.workIds ? { workIds: input.workIds } : {}),
    reason: input.reason,
    refund: input.refund ?? defaultRefund[input.reason],
    effectiveAt: services.clock.now().toISOString(),
    by: input.by,
    ...(input.note ? { note: input.note } : {}),
  };
  await services.bus.send('store-licence-endings', { body: message, messageId: `cancel:${input.orderId}:${(input.workIds ?? ['all']).join(',')}` });
}
