import { queueEmail } from '../messaging/index.js';
import { maksekeskusClient, MaksekeskusError, REFUND_STILL_PROCESSING } from '../platform/maksekeskus.js';
import type { Services } from '../platform/services.js';
import { type EndReason, licenceEndedEmail } from './emails.js';
import { endLicences } from './licences.js';
import type { OrderDoc, RefundRecord } from './model.js';
import { centsToAmount } from './money.js';
import { logTransition, type OrderKey, readOrder, updateOrder, withFlag } from './orders.js';
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

/** What one run of endOrderWorks works on, shared by its steps. */
interface Ending {
  services: Services;
  input: EndWorksInput;
  wanted: Set<string>;
  refundId: string;
  at: () => string;
}

/**
 * Ends an order's licence to some or all of its works early (STORE-6, OPS-2), in idempotent steps, so that the
 * queue can run it again after any failure without doing anything twice.
 */
export async function endOrderWorks(services: Services, input: EndWorksInput): Promise<OrderDoc | undefined> {
  const initial = await readOrder(services, input.key);
  if (!initial) return undefined;
  const wanted = new Set(input.workIds ?? initial.lines.map((l) => l.workId));
  const ending: Ending = {
    services,
    input,
    wanted,
    refundId: `refund:${input.reason}:${[...wanted].sort().join(',')}`,
    at: () => services.clock.now().toISOString(),
  };
  let order = await markLinesEnded(ending, initial);
  await endEntitlements(ending, order);
  order = await refundOnce(ending, order);
  order = await settleCancelledAsRefunded(ending, order);
  return tellBuyer(ending, order);
}

/** One ETag write records the decision (lines ended, refund requested or offset, cancelled when nothing is left), so every later step can be redone from it. */
async function markLinesEnded({ services, input, wanted, refundId, at }: Ending, initial: OrderDoc): Promise<OrderDoc> {
  const effective = new Date(input.effectiveAt);
  const marked = await updateOrder(services, input.key, (order) => {
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
    if (
      remaining === 0 &&
      (order.status === 'licence-active' || order.status === 'paid' || order.status === 'pending-payment' || order.status === 'created')
    )
      next = transition(
        next,
        'cancelled',
        { at: at(), by: input.by, reason: input.reason },
        { closure: { kind: closureKind[input.reason], at: at() } },
      );
    return next;
  });
  if (marked.changed && marked.order.status !== initial.status) logTransition(services, marked.order, input.reason);
  return marked.order;
}

/** Access stops at once: the entitlement periods of the ended lines end at their end time. */
async function endEntitlements({ services, input, wanted }: Ending, order: OrderDoc): Promise<void> {
  const endedHere = order.lines.filter((l) => wanted.has(l.workId) && l.endedAt);
  for (const line of endedHere) await endLicences(services, order, [line.workId], line.endedAt!, line.endReason ?? input.reason);
}

/** The Maksekeskus refund is made at most once; one whose outcome is unknown goes to an operator, never automatically again. */
async function refundOnce({ services, input, refundId }: Ending, order: OrderDoc): Promise<OrderDoc> {
  const refund = order.refunds.find((r) => r.id === refundId);
  return refund?.status === 'requested' ? executeProviderRefund(services, input.key, refund) : order;
}

/** A cancelled order goes to refunded only once its money is settled (refund completed or offset recorded). */
async function settleCancelledAsRefunded({ services, input, refundId, at }: Ending, order: OrderDoc): Promise<OrderDoc> {
  const settled = order.refunds.find((r) => r.id === refundId);
  if (order.status !== 'cancelled' || !settled || (settled.status !== 'completed' && settled.status !== 'recorded')) return order;
  const moved = await updateOrder(services, input.key, (o) =>
    o.status === 'cancelled'
      ? transition(o, 'refunded', { at: at(), by: input.by, reason: `${settled.method === 'offset' ? 'offset' : 'refund'} recorded` })
      : undefined,
  );
  if (moved.changed) logTransition(services, moved.order, 'refund recorded');
  return moved.order;
}

/** The buyer is e-mailed: queued first, then marked, so a crash in between at worst repeats it inside the queue's duplicate window. */
async function tellBuyer({ services, input, wanted, refundId, at }: Ending, order: OrderDoc): Promise<OrderDoc> {
  const untold = order.lines.filter((l) => wanted.has(l.workId) && l.endedAt && !l.endNoticeAt);
  if (untold.length === 0 || !order.buyer.email) return order;
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
  return noticed.order;
}

/** Calls the Maksekeskus refunds API at most once per refund record. */
async function executeProviderRefund(services: Services, key: OrderKey, refund: RefundRecord): Promise<OrderDoc> {
  const setRefund = (change: (r: RefundRecord) => RefundRecord | undefined, flag?: OrderDoc['flags'][number]) =>
    updateOrder(services, key, (order) => {
      const current = order.refunds.find((r) => r.id === refund.id);
      const next = current ? change(current) : undefined;
      if (!next) return undefined;
      const updated: OrderDoc = {
        ...order,
        refunds: order.refunds.map((r) => (r.id === refund.id ? next : r)),
        updatedAt: services.clock.now().toISOString(),
      };
      return flag ? (withFlag(updated, flag) ?? updated) : updated;
    });

  // Claim the attempt first: if we crash after calling Maksekeskus, the next run sees the claim and stops.
  const claim = await setRefund((r) =>
    r.status === 'requested' && !r.attemptedAt ? { ...r, attemptedAt: services.clock.now().toISOString() } : undefined,
  );
  const claimed = claim.order.refunds.find((r) => r.id === refund.id)!;
  if (!claim.changed) {
    if (claimed.status !== 'requested') return claim.order;
    // An earlier attempt started and its outcome is unknown: a person checks Maksekeskus, we never pay twice.
    return (
      await setRefund((r) => (r.status === 'requested' ? { ...r, status: 'needs-operator' } : undefined), {
        key: `refund-unknown:${refund.id}`,
        kind: 'refund-unknown',
        detail: 'A refund attempt was interrupted; check Maksekeskus before refunding by hand.',
        at: services.clock.now().toISOString(),
      })
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
    const made = await client.createRefund(transactionId, {
      amount: centsToAmount(refund.amountCents),
      comment: `Opiq ${order.id}: ${refund.reason}`,
    });
    services.telemetry.event('store.refund', { orderId: order.id, outcome: 'completed' }, { amountCents: refund.amountCents });
    return (await setRefund((r) => ({ ...r, status: 'completed', providerRefundId: made.id, completedAt: services.clock.now().toISOString() })))
      .order;
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
