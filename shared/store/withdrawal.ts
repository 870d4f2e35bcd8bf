import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { ConcurrentUpdateError } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { endOrderWorks } from './cancellation.js';
import { invalidateCatalogSnapshot, readWork } from './catalog.js';
import type { WorkDoc } from './model.js';
import './messages.js';

/** Messages of the `store-fulfilment` queue. */
export const fulfilmentMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('withdrawal-scan'),
    publisherId: z.string(),
    workId: z.string(),
    effectiveAt: z.string(),
    continuation: z.string().optional(),
    page: z.number().int().min(0),
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
export type FulfilmentMessage = z.infer<typeof fulfilmentMessageSchema>;

/**
 * OPS-2: the publisher stops distributing a work. The work leaves the shop at once (checkout refuses it), and a
 * resumable job ends every current licence to it: one message per page of affected orders, one per order.
 */
export async function stopDistribution(
  services: Services,
  input: { publisherId: string; workId: string; by: string; reason?: string },
): Promise<{ work: WorkDoc; alreadyWithdrawn: boolean }> {
  const catalog = services.db.collection('catalog');
  let work: WorkDoc | undefined;
  let alreadyWithdrawn = false;
  for (let attempt = 0; attempt < 5 && !work; attempt++) {
    const current = await readWork(services, input.publisherId, input.workId);
    if (!current) throw new HttpError(404, 'work_not_found');
    if (current.status === 'withdrawn') {
      work = current;
      alreadyWithdrawn = true;
      break;
    }
    try {
      work = await catalog.replace<WorkDoc>({
        ...current,
        status: 'withdrawn',
        withdrawnAt: services.clock.now().toISOString(),
        ...(input.reason ? { withdrawalReason: input.reason } : {}),
      });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  if (!work) throw new ConcurrentUpdateError('catalog');
  invalidateCatalogSnapshot();
  const effectiveAt = work.withdrawnAt ?? services.clock.now().toISOString();
  services.telemetry.event('store.work-withdrawn', { publisherId: input.publisherId, workId: input.workId, repeated: alreadyWithdrawn });
  // Repeating the request starts the scan again (harmless: every step is idempotent), e.g. after a failed job.
  await services.bus.send('store-fulfilment', {
    body: { kind: 'withdrawal-scan', publisherId: input.publisherId, workId: input.workId, effectiveAt, page: 0 } satisfies FulfilmentMessage,
    messageId: `withdrawal-scan:${input.workId}:${effectiveAt}:0:${alreadyWithdrawn ? services.clock.now().toISOString() : ''}`,
  });
  return { work, alreadyWithdrawn };
}

const PAGE = 50;

export async function handleFulfilmentMessage(services: Services, message: FulfilmentMessage): Promise<void> {
  if (message.kind === 'withdrawal-scan') {
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
      await services.bus.send('store-fulfilment', {
        body: {
          kind: 'end-order-works',
          accountId: order.accountId,
          orderId: order.id,
          workIds: [message.workId],
          reason: 'work-withdrawn',
          refund: 'pro-rata',
          effectiveAt: message.effectiveAt,
          by: 'system',
        } satisfies FulfilmentMessage,
        messageId: `end-order-works:${order.id}:${message.workId}`,
      });
    }
    if (page.continuation)
      await services.bus.send('store-fulfilment', {
        body: { ...message, continuation: page.continuation, page: message.page + 1 } satisfies FulfilmentMessage,
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
  input: { accountId: string; orderId: string; reason: 'terms-breach' | 'cannot-fulfil' | 'operator'; refund?: 'none' | 'pro-rata' | 'full'; workIds?: string[]; note?: string; by: string },
): Promise<void> {
  const message: FulfilmentMessage = {
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
  await services.bus.send('store-fulfilment', { body: message, messageId: `cancel:${input.orderId}:${(input.workIds ?? ['all']).join(',')}` });
}
