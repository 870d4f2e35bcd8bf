import { AppError } from '../platform/errors.js';
import type { OrderDoc, OrderStatus, Transition } from './model.js';

/**
 * The order state machine (DESIGN.md s.3, issue 6):
 *
 *   created ─► pending-payment ─► paid ─► licence-active ─► expired (licence period over)
 *      │              │             │            │
 *      ▼              ▼             ▼            ▼
 *  cancelled    cancelled/expired  refunded   cancelled ─► refunded (full or partial)
 *
 * - created -> pending-payment: the Maksekeskus transaction or the prepayment invoice exists.
 * - pending-payment -> cancelled | expired: the provider confirmed CANCELLED/EXPIRED, or the invoice went unpaid.
 * - cancelled | expired -> paid: ONLY for orders closed as unpaid, when the provider later confirms COMPLETED or the
 *   invoice money arrives: the money is real, so the licence is granted (never take money without granting).
 * - paid -> licence-active: the licence periods were written; -> refunded: the order cannot be fulfilled.
 * - licence-active -> expired at the end of the period; -> cancelled when the publisher stops the work or the buyer
 *   breaks the terms; -> refunded when an operator refunds it in full.
 * - cancelled -> refunded: the refund (Maksekeskus) or offset (invoice) of a paid order was recorded.
 * Anything else is refused with IllegalTransitionError, and every transition is appended to the order's log.
 */
export const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  created: ['pending-payment', 'cancelled'],
  'pending-payment': ['paid', 'cancelled', 'expired'],
  paid: ['licence-active', 'refunded', 'cancelled'],
  'licence-active': ['expired', 'cancelled', 'refunded'],
  cancelled: ['refunded', 'paid'],
  expired: ['paid'],
  refunded: [],
};

/** A move the state machine does not allow: `order_state_conflict` (a conflict: the order's state forbids it). */
export class IllegalTransitionError extends AppError {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super('order_state_conflict', { params: { status: from } });
    this.name = 'IllegalTransitionError';
    this.message = `An order cannot go from ${from} to ${to}`;
  }
}

export function canTransition(order: Pick<OrderDoc, 'status' | 'closure' | 'transitions'>, to: OrderStatus): boolean {
  if (!transitions[order.status].includes(to)) return false;
  // A closed order is reopened only by a real payment, and only if it was closed for want of one.
  if ((order.status === 'cancelled' || order.status === 'expired') && to === 'paid') return order.closure?.kind === 'unpaid';
  // Only money that was received can be refunded.
  if (to === 'refunded') return order.transitions.some((t) => t.to === 'paid');
  return true;
}

/** The order after the transition, with the transition logged; throws on an illegal one. */
export function transition<T extends OrderDoc>(
  order: T,
  to: OrderStatus,
  entry: { at: string; by: string; reason: string },
  changes: Partial<OrderDoc> = {},
): T {
  if (!canTransition(order, to)) throw new IllegalTransitionError(order.status, to);
  const logged: Transition = { from: order.status, to, at: entry.at, by: entry.by, reason: entry.reason };
  return { ...order, ...changes, status: to, updatedAt: entry.at, transitions: [...order.transitions, logged] };
}

/** Statuses in which the buyer has paid (and not been refunded in full). */
export const paidStatuses: ReadonlySet<OrderStatus> = new Set(['paid', 'licence-active']);
