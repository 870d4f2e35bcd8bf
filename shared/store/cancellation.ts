import { queueEmail } from '../messaging/index.js';
import { maksekeskusClient, MaksekeskusError, REFUND_STILL_PROCESSING } from '../platform/maksekeskus.js';
import type { Services } from '../platform/services.js';
import { type EndReason,licenceEndedEmail } from './emails.js';
import { endLicences } from './licences.js';
import type { OrderDoc, RefundRecord } from './model.js';
import { centsToAmount } from './money.js';
import { logTransition, type OrderKey,readOrder, updateOrder, withFlag } from './orders.js';
import { refundCents, type RefundRule } from './refunds.js';
import { paidStatuses, transition } from './state-machine.js';

export interface EndWorksInput {
  key: OrderKey;
  /** Works whose licence ends; undefined = every work of the order. */
  workIds?: string[];
  reason: EndReason;
  refund: RefundRule;
  effectiveAt: string;
  /** 'system' or the staff account id. */
  by: string;
  note?: string;
}

class RefundRetryLater extends Error {
  constructor() {
    super('Maksekeskus is still processing an earlier refund of this transaction');
    this.name = 'RefundRetryLater';
  }
}

const closureKind: Record<EndReason, NonNullable<OrderDoc['closure']>['kind']> = {
  'work-withdrawn': 'withdrawn',
  'terms-breach': 'terms-breach',
  'cannot-fulfil': 'cannot-fulfil',
  operator: 'operator',
};

/**
 * Ends an order's licence to some or all of its works early (STORE-6, OPS-2), in idempotent steps, so that the
 * queue can run it again after any failure without doing anything twice:
 *  1. one ETag write: the lines are marked ended, the refund is recorded as requested (or as an offset for invoices),
 *     and when no work is left the order goes to cancelled;
 *  2. the entitlement periods end (access stops at once);
 *  3. the Maksekeskus refund is made at most once (a refund whose outcome is unknown goes to an operator, never
 *     automatically again);
 *  4. a cancelled order whose refund is done goes to refunded (full or partial);
 *  5. the buyer is e-mailed.
 */
export async function endOrderWorks(services: Services, input: EndWorksInput): Promise<OrderDoc | undefined> {
  const initial = await readOrder(services, input.key);
  if (!initial) return undefined;
  const wanted = new Set(input.workIds ?? initial.lines.map((l) => l.workId));
  const effective = new Date(input.effectiveAt);
  const refundId = `refund:${input.reason}:${[...wanted].sort().join(',')}`;
  const at = () => services.clock.now().toISOString();

  // Step 1.
  const step1 = await updateOrder(services, input.key, (order) => {
    const ending = order.lines.filter((l) => wanted.has(l.workId) && !l.endedAt);
    if (ending.length === 0) return undefined;
    const wasPaid = paidStatuses.has(order.status);
    let next: OrderDoc = {
      ...order,
      lines: order.lines.map((l) => (ending.includes(l) ? { ...l, endedAt: input.effectiveAt, endReason: input.reason } : l)),
      updatedAt: at(),
    };
    if (wasPaid && !order.refunds.some((r) => r.id === refundId)) {
      const amountCents = refundCents(order, ending.length, effective, input.refund);
      if (amountCents > 0) {
        const viaProvider = order.payment?.provider === 'maksekeskus' && order.payment.transactionId;
        const refund: RefundRecord = {
          id: refundId,
          reason: input.reason,
          workIds: ending.map((l) => l.workId),
          amountCents,
          method: viaProvider ? 'maksekeskus' : 'offset',
          status: viaProvider ? 'requested' : 'recorded',
          ...(input.note ? { note: input.note } : {}),
          createdAt: at(),
        };
        next = { ...next, refunds: [...next.refunds, refund] };
      }
    }
    const remaining = next.lines.filter((l) => !l.endedAt).length;
    if (remaining === 0 && (order.status === 'licence-active' || order.status === 'paid' || order.status === 'pending-payment' || order.status === 'created'))
      next = transition(next, 'cancelled', { at: at(), by: input.by, reason: input.reason }, { closure: { kind: closureKind[input.reason], at: at() } });
    return next;
  });
  if (step1.changed && step1.order.status !== initial.status) logTransition(services, step1.order, input.reason);
  let order: OrderDoc = step1.order;

  // Step 2.
  const endedHere = order.lines.filter((l) => wanted.has(l.workId) && l.endedAt);
  for (const line of endedHere) await endLicences(services, order, [line.workId], line.endedAt!, line.endReason ?? input.reason);

  // Step 3.
  const refund = order.refunds.find((r) => r.id === refundId);
  if (refund?.status === 'requested') order = await executeProviderRefund(services, input.key, refund);

  // Step 4.
  const settled = order.refunds.find((r) => r.id === refundId);
  if (order.status === 'cancelled' && settled && (settled.status === 'completed' || settled.status === 'recorded')) {
    const moved = await updateOrder(services, input.key, (o) =>
      o.status === 'cancelled' ? transition(o, 'refunded', { at: at(), by: input.by, reason: `${settled.method === 'offset' ? 'offset' : 'refund'} recorded` }) : undefined,
    );
    if (moved.changed) logTransition(services, moved.order, 'refund recorded');
    order = moved.order;
  }

  // Step 5: queued first, then marked, so a crash in between at worst repeats it inside the queue's duplicate window.
  const untold = order.lines.filter((l) => wanted.has(l.workId) && l.endedAt && !l.endNoticeAt);
  if (untold.length > 0 && order.buyer.email) {
    const final = order.refunds.find((r) => r.id === refundId);
    await queueEmail(
      services,
      licenceEndedEmail(order, {
        workTitles: untold.map((l) => l.title),
        reason: input.reason,
        paid: order.transitions.some((t) => t.to === 'paid'),
        ...(final ? { refund: { amountCents: final.amountCents, method: final.method } } : {}),
      }),
      `licence-ended:${order.id}:${refundId}`,
    );
    const told = new Set(untold.map((l) => l.workId));
    const noticed = await updateOrder(services, input.key, (o) =>
      o.lines.some((l) => told.has(l.workId) && !l.endNoticeAt)
        ? { ...o, lines: o.lines.map((l) => (told.has(l.workId) && !l.endNoticeAt ? { ...l, endNoticeAt: at() } : l)) }
        : undefined,
    );
    order = noticed.order;
  }
  return order;
}

/** Calls the Maksekeskus refunds API at most once per refund record. */
async function executeProviderRefund(services: Services, key: OrderKey, refund: RefundRecord): Promise<OrderDoc> {
  const setRefund = (change: (r: RefundRecord) => RefundRecord | undefined, flag?: OrderDoc['flags'][number]) =>
    updateOrder(services, key, (order) => {
      const current = order.refunds.find((r) => r.id === refund.id);
      const next = current ? change(current) : undefined;
      if (!next) return undefined;
      const updated: OrderDoc = { ...order, refunds: order.refunds.map((r) => (r.id === refund.id ? next : r)), updatedAt: services.clock.now().toISOString() };
      return flag ? (withFlag(updated, flag) ?? updated) : updated;
    });

  // Claim the attempt first: if we crash after calling Maksekeskus, the next run sees the claim and stops.
  const claim = await setRefund((r) => (r.status === 'requested' && !r.attemptedAt ? { ...r, attemptedAt: services.clock.now().toISOString() } : undefined));
  const claimed = claim.order.refunds.find((r) => r.id === refund.id)!;
  if (!claim.changed) {
    if (claimed.status !== 'requested') return claim.order;
    // An earlier attempt started and its outcome is unknown: a person checks Maksekeskus, we never pay twice.
    return (
      await setRefund(
        (r) => (r.status === 'requested' ? { ...r, status: 'needs-operator' } : undefined),
        { key: `refund-unknown:${refund.id}`, kind: 'refund-unknown', detail: 'A refund attempt was interrupted; check Maksekeskus before refunding by hand.', at: services.clock.now().toISOString() },
      )
    ).order;
  }

  const order = claim.order;
  const client = maksekeskusClient(services.config);
  const transactionId = order.payment?.transactionId;
  const needsOperator = (detail: string) =>
    setRefund((r) => (r.status === 'requested' ? { ...r, status: 'needs-operator' } : undefined), {
      key: `refund-unknown:${refund.id}`,
      kind: 'refund-unknown',
      detail,
      at: services.clock.now().toISOString(),
    });
  if (!client || !transactionId) return (await needsOperator('Bank links and cards are switched off; refund by hand.')).order;
  try {
    const made = await client.createRefund(transactionId, { amount: centsToAmount(refund.amountCents), comment: `Opiq ${order.id}: ${refund.reason}` });
    services.telemetry.event('store.refund', { orderId: order.id, outcome: 'completed' }, { amountCents: refund.amountCents });
    return (await setRefund((r) => ({ ...r, status: 'completed', providerRefundId: made.id, completedAt: services.clock.now().toISOString() }))).order;
  } catch (error) {
    if (error instanceof MaksekeskusError && error.kind === 'rejected' && error.code === REFUND_STILL_PROCESSING) {
      // Definitely not made: release the claim and let the queue try again later.
      await setRefund((r) => {
        if (r.status !== 'requested') return undefined;
        const { attemptedAt: _released, ...rest } = r;
        void _released;
        return rest;
      });
      throw new RefundRetryLater();
    }
    services.telemetry.event('store.refund', { orderId: order.id, outcome: error instanceof MaksekeskusError ? error.kind : 'error' });
    return (await needsOperator(error instanceof MaksekeskusError ? error.message : 'Refund failed')).order;
  }
}
