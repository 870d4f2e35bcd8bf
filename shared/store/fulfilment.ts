import { queueEmail } from '../messaging/index.js';
import type { Services } from '../platform/services.js';
import { endOrderWorks } from './cancellation.js';
import { readWorks } from './catalog.js';
import { orderConfirmedEmail } from './emails.js';
import { grantLicences } from './licences.js';
import type { OrderDoc, OrderFlag, OrderPayment } from './model.js';
import { type OrderKey, readOrder, transitionOrder, updateOrder, withFlag } from './orders.js';
import { canTransition, IllegalTransitionError } from './state-machine.js';

/**
 * Marks the order paid once (ETag): a repeat, a racing duplicate or a late message finds it paid (or further on)
 * and changes nothing. An order closed for want of payment is reopened by real money; one closed for any other
 * reason is flagged for an operator instead (the money is then refunded by a person).
 */
export async function markPaid(
  services: Services,
  key: OrderKey,
  input: { by: string; reason: string; payment: Partial<OrderPayment> },
): Promise<{ order: OrderDoc; changed: boolean }> {
  const now = services.clock.now().toISOString();
  const result = await transitionOrder(
    services,
    key,
    'paid',
    { by: input.by, reason: input.reason },
    {
      from: ['pending-payment', 'cancelled', 'expired'],
      changes: (order) => ({
        payment: { provider: order.payment?.provider ?? 'invoice', ...order.payment, ...input.payment, paidAt: input.payment.paidAt ?? now },
        closure: undefined,
      }),
    },
  ).catch(async (error: unknown) => {
    // Only a refused transition means "closed for another reason"; store trouble is rethrown (the queue tries again).
    if (!(error instanceof IllegalTransitionError)) throw error;
    const current = await readOrder(services, key);
    // Our own earlier success (the move to paid applied, its answer lost; or paid, then its licence ended): no flag.
    if (
      current &&
      input.payment.transactionId &&
      current.payment?.transactionId === input.payment.transactionId &&
      current.transitions.some((t) => t.to === 'paid')
    )
      return { order: current, changed: false };
    if (current && !canTransition(current, 'paid')) {
      await flagOrder(services, key, {
        key: `payment-after-close:${input.payment.transactionId ?? 'invoice'}`,
        kind: 'payment-after-close',
        detail: `A confirmed payment arrived for an order closed as ${current.closure?.kind ?? current.status}; refund it by hand.`,
        at: now,
      });
      return { order: current, changed: false };
    }
    throw error;
  });
  return result;
}

export async function flagOrder(services: Pick<Services, 'db' | 'telemetry'>, key: OrderKey, flag: OrderFlag): Promise<void> {
  const result = await updateOrder(services, key, (order) => withFlag(order, flag));
  if (result.changed) services.telemetry.event('store.order-flagged', { orderId: key.orderId, kind: flag.kind });
}

/**
 * Grants a paid order's licence: works the publisher stopped distributing meanwhile cannot be delivered (ended with a
 * full refund of their share, the buyer told), the rest get their licence periods, the buyer gets the transaction
 * details (STORE-5), and the order becomes licence-active. Every step is idempotent; the e-mail is keyed by order.
 */
export async function fulfilOrder(services: Services, key: OrderKey): Promise<OrderDoc | undefined> {
  let order = await readOrder(services, key);
  if (!order || order.status !== 'paid') return order;

  const works = await readWorks(services, order.publisherId, order.workIds);
  const undeliverable = order.lines.filter((l) => !l.endedAt && works.get(l.workId)?.status !== 'distributed').map((l) => l.workId);
  if (undeliverable.length > 0) {
    const ended = await endOrderWorks(services, {
      key,
      workIds: undeliverable,
      reason: 'cannot-fulfil',
      refund: 'full',
      effectiveAt: services.clock.now().toISOString(),
      by: 'system',
    });
    if (!ended || ended.status !== 'paid') return ended;
    order = (await readOrder(services, key))!;
  }

  await grantLicences(services, order);
  await queueEmail(services, orderConfirmedEmail(order), `order-confirmed:${order.id}`);
  const result = await transitionOrder(services, key, 'licence-active', { by: 'system', reason: 'licence granted' }, { from: ['paid'] });
  return result.order;
}

/** pending-payment -> cancelled | expired because the payment did not happen; such an order may still be paid. */
export async function closeUnpaid(
  services: Services,
  key: OrderKey,
  to: 'cancelled' | 'expired',
  input: { by: string; reason: string },
): Promise<OrderDoc> {
  const now = services.clock.now().toISOString();
  return (
    await transitionOrder(services, key, to, input, {
      from: ['pending-payment', 'created'],
      changes: () => ({ closure: { kind: 'unpaid', at: now } }),
    })
  ).order;
}
