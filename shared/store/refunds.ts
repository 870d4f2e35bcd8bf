import { addDays, daysBetween, localDate } from './dates.js';
import type { OrderDoc } from './model.js';

/**
 * The refund rule when a licence ends early (STORE-6, OPS-2), documented in README "Store and payments":
 *
 * - The package price is shared equally by its works (packages are not priced per work).
 * - 'pro-rata' (the publisher stops a work, the operator ends a licence): the buyer gets back the share of the ended
 *   works for the whole days still unused: from the day after the day the licence ends (a started day counts as
 *   used), or from the start date when the licence had not started yet, to the end date.
 *     refund = gross x ended works / works x unused days / licence days, rounded half up to the cent.
 * - 'full' (the order cannot be fulfilled): the ended works' whole share.
 * - 'none' (the buyer broke the terms; the operator may still choose pro-rata).
 * Together, refunds never exceed what was paid.
 */
export type RefundRule = 'pro-rata' | 'full' | 'none';

export function refundCents(
  order: Pick<OrderDoc, 'pricing' | 'lines' | 'licence' | 'refunds'>,
  endedWorkCount: number,
  effectiveAt: Date,
  rule: RefundRule,
): number {
  if (rule === 'none' || endedWorkCount <= 0) return 0;
  const gross = order.pricing.grossCents;
  const works = Math.max(order.lines.length, 1);
  const count = Math.min(endedWorkCount, works);
  let amount: number;
  if (rule === 'full') {
    amount = Math.floor((2 * gross * count + works) / (2 * works));
  } else {
    const total = daysBetween(order.licence.startDate, order.licence.endDate);
    const endedOn = localDate(effectiveAt);
    const firstUnused = endedOn < order.licence.startDate ? order.licence.startDate : addDays(endedOn, 1);
    const unused = Math.max(0, Math.min(total, daysBetween(firstUnused, order.licence.endDate)));
    const denominator = works * total;
    amount = total > 0 ? Math.floor((2 * gross * count * unused + denominator) / (2 * denominator)) : 0;
  }
  const alreadyRefunded = order.refunds.reduce((sum, r) => sum + r.amountCents, 0);
  return Math.max(0, Math.min(amount, gross - alreadyRefunded));
}
