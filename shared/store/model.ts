import { z } from 'zod';

import type { Doc } from '../platform/cosmos.js';
import type { Country, Pricing } from './money.js';

/** A catalogue work (container `catalog`, partition publisherId). */
export interface WorkDoc extends Doc {
  type: 'work';
  publisherId: string;
  title: string;
  subjects: string[];
  country: Country;
  language?: string;
  /** School grades the work is written for (catalogue search, issue 18). */
  grades?: number[];
  /** OPS-2: a publisher may stop distributing a work; then it is no longer sold and licences to it end. */
  status: 'distributed' | 'withdrawn';
  withdrawnAt?: string;
  withdrawalReason?: string;
  /**
   * The current (or last) withdrawal: who asked, why, and when its job ends the licences. Until the job starts it can be
   * cancelled, and the work returns to the shop (issue 17: a withdrawal ends every buyer's licence).
   */
  withdrawal?: {
    id: string;
    by: string;
    reason: string;
    requestedAt: string;
    effectiveAt: string;
    state: 'scheduled' | 'running' | 'cancelled';
    cancelledBy?: string;
    cancelledAt?: string;
  };
  /** Written by content (its ContentWorkDoc): here only the chapters of the current published version. */
  content?: { outline?: { id: string }[] };
}

export interface PackageDoc extends Doc {
  type: 'package';
  publisherId: string;
  title: string;
  workIds: string[];
  /** Price of one licence month, VAT included, in euro cents (STORE-2). */
  priceCentsPerMonth: number;
  country: Country;
  status?: 'on-sale' | 'withdrawn';
  /**
   * Copies of what checkout needs of the package's works (issue 11: the package alone is read). A copy may say
   * `distributed` only while its work is: a work that leaves distribution is written in one transactional batch with
   * the copies of the packages holding it (`changeWorkAndCopies`). A package without copies, or with one that says
   * anything else, has its works read (a work published later, or a package written before copies existed).
   */
  works?: PackageWorkCopy[];
}

export interface PackageWorkCopy {
  workId: string;
  title: string;
  /** The work's status as of its last change (`preparing` for a content work not published yet). */
  status: string;
}

export interface PublisherDoc extends Doc {
  type: 'publisher';
  publisherId: string;
  name: string;
  country: Country;
}

export const orderStatuses = ['created', 'pending-payment', 'paid', 'licence-active', 'cancelled', 'expired', 'refunded'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export type PaymentMethod = { type: 'banklink'; bank: string } | { type: 'card' } | { type: 'invoice' };

export interface Transition {
  from: OrderStatus | null;
  to: OrderStatus;
  at: string;
  /** 'buyer', 'maksekeskus', 'system', or the staff account id. */
  by: string;
  reason: string;
}

export interface OrderPayment {
  provider: 'maksekeskus' | 'invoice';
  transactionId?: string;
  /** Last status the provider's API confirmed (never a status only a message claimed). */
  providerStatus?: string;
  paymentUrl?: string;
  paidAt?: string;
  /** PAY-3: the payer's bank account number when the provider reports it (accounting data). */
  payerAccount?: string;
  payerName?: string;
}

interface InvoicePaymentRecord {
  /** The bank statement entry: recording the same entry twice changes nothing. */
  bankEntryId: string;
  amountCents: number;
  receivedOn: string;
  payerAccount?: string;
  recordedBy: string;
  recordedAt: string;
}

interface OrderInvoice {
  number: string;
  year: number;
  sequence: number;
  issuedAt: string;
  dueDate: string;
  /** Estonian/Finnish reference number (viitenumber, 7-3-1 check digit) the buyer quotes when paying. */
  referenceNumber: string;
  seller: string;
  iban: string;
  payments: InvoicePaymentRecord[];
  /** When the invoice e-mail was queued: a resumed checkout does not send it twice. */
  emailQueuedAt?: string;
}

export interface RefundRecord {
  /** Deterministic per cause (refund:<reason>:<works>), so a retried step finds its own refund. */
  id: string;
  reason: 'work-withdrawn' | 'cannot-fulfil' | 'terms-breach' | 'operator';
  workIds: string[];
  amountCents: number;
  /** 'maksekeskus': through its refunds API; 'offset': recorded for the operator to pay back or set off (invoices). */
  method: 'maksekeskus' | 'offset';
  status: 'requested' | 'completed' | 'recorded' | 'needs-operator';
  providerRefundId?: string;
  /** Set just before the refunds API is called: a run that finds it set does not call again (never refund twice). */
  attemptedAt?: string;
  note?: string;
  createdAt: string;
  completedAt?: string;
}

export interface OrderFlag {
  /** One flag per kind and key: processing a message again does not add it twice. */
  key: string;
  kind: 'payment-mismatch' | 'refund-outside-app' | 'refund-unknown' | 'invoice-overpaid' | 'payment-after-close';
  detail: string;
  at: string;
  resolvedAt?: string;
  resolvedBy?: string;
  /** What the operator did about it (refunded by hand, payment matched, …). */
  resolution?: string;
}

interface OrderLine {
  workId: string;
  title: string;
  /** Set when the licence to this work ended before its time (OPS-2, STORE-6). */
  endedAt?: string;
  endReason?: 'work-withdrawn' | 'terms-breach' | 'cannot-fulfil' | 'operator';
  /** When the buyer was e-mailed about the end (so a repeated job does not e-mail again). */
  endNoticeAt?: string;
}

/** An order (container `orders`, partition accountId): accounting data, kept 7 years + the running year (RET-3). */
export interface OrderDoc extends Doc {
  type: 'order';
  accountId: string;
  status: OrderStatus;
  createdAt: string;
  updatedAt: string;
  buyer: { firstName: string; lastName: string; email: string; country: Country; language: 'et' | 'fi' | 'en' };
  publisherId: string;
  packageId: string;
  packageTitle: string;
  lines: OrderLine[];
  /** All work ids of the order (for the operator's query when a work is withdrawn). */
  workIds: string[];
  /** The licence: from local midnight of the start date, for the months bought (STORE-2, STORE-4). */
  licence: { startDate: string; endDate: string; from: string; until: string; months: number };
  pricing: Pricing;
  paymentMethod: PaymentMethod;
  /** STORE-7: the buyer's acknowledgement that digital content has no withdrawal right, as shown to them. */
  acknowledgement: { noWithdrawalRight: true; text: string; language: 'et' | 'fi' | 'en'; at: string };
  payment?: OrderPayment;
  invoice?: OrderInvoice;
  refunds: RefundRecord[];
  flags: OrderFlag[];
  /** Why a cancelled or expired order was closed: 'unpaid' orders may still be paid (the money is real). */
  closure?: { kind: 'unpaid' | 'withdrawn' | 'terms-breach' | 'cannot-fulfil' | 'operator' | 'licence-ended'; at: string };
  transitions: Transition[];
}

/** Per account and work (container `accounts`, id entitlement:<workId>): what the entitlement check reads. */
export interface EntitlementPeriod {
  orderId: string;
  from: string;
  until: string;
  /** When the licence was ended early (OPS-2, STORE-6): access stops at this instant. */
  endedAt?: string;
  endReason?: string;
}

/**
 * A period the account holds through its school (a school licence), materialised into the account's entitlement so the
 * check stays one point read. `via` names the memberships that entitle the person (a student's class membership, a
 * teacher's role): ending one of them removes it at once, and the period goes when none is left.
 */
export interface SchoolPeriod {
  schoolLicenceId: string;
  schoolId: string;
  from: string;
  until: string;
  via: string[];
}

export interface EntitlementDoc extends Doc {
  type: 'entitlement';
  accountId: string;
  workId: string;
  publisherId: string;
  periods: EntitlementPeriod[];
  /** Periods from school licences (absent when the account has none for this work). */
  schoolPeriods?: SchoolPeriod[];
  updatedAt: string;
}

export const entitlementId = (workId: string) => `entitlement:${workId}`;

export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'must be an id');
export const orderIdSchema = z.string().regex(/^ord-[A-Z0-9]{8,32}$/, 'must be an order id');

export const paymentMethodSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('banklink'), bank: z.string().regex(/^[a-z0-9_-]{2,40}$/) }),
  z.strictObject({ type: z.literal('card') }),
  z.strictObject({ type: z.literal('invoice') }),
]);

export const pricingSchema = z.object({
  currency: z.literal('EUR'),
  unitPriceCents: z.number().int(),
  months: z.number().int(),
  vatRatePercent: z.number(),
  netCents: z.number().int(),
  vatCents: z.number().int(),
  grossCents: z.number().int(),
});

export const orderFlagSchema = z.object({
  key: z.string(),
  kind: z.enum(['payment-mismatch', 'refund-outside-app', 'refund-unknown', 'invoice-overpaid', 'payment-after-close']),
  detail: z.string(),
  at: z.string(),
  resolvedAt: z.string().optional(),
  resolvedBy: z.string().optional(),
  resolution: z.string().optional(),
});

export const orderViewSchema = z.object({
  id: z.string(),
  status: z.enum(orderStatuses),
  createdAt: z.string(),
  publisherId: z.string(),
  packageId: z.string(),
  packageTitle: z.string(),
  works: z.array(z.object({ workId: z.string(), title: z.string(), endedAt: z.string().optional(), endReason: z.string().optional() })),
  licence: z.object({
    startDate: z.string(),
    endDate: z.string(),
    from: z.string(),
    until: z.string(),
    months: z.number().int(),
    state: z.enum(['none', 'scheduled', 'active', 'ended']),
  }),
  pricing: pricingSchema,
  paymentMethod: paymentMethodSchema,
  acknowledgement: z.object({ noWithdrawalRight: z.literal(true), text: z.string(), at: z.string() }),
  payment: z
    .object({ provider: z.string(), status: z.string().optional(), paidAt: z.string().optional(), paymentUrl: z.string().optional() })
    .optional(),
  invoice: z
    .object({
      number: z.string(),
      issuedAt: z.string(),
      dueDate: z.string(),
      referenceNumber: z.string(),
      seller: z.string(),
      iban: z.string(),
      paidCents: z.number().int(),
    })
    .optional(),
  refunds: z.array(z.object({ amountCents: z.number().int(), reason: z.string(), method: z.string(), status: z.string(), createdAt: z.string() })),
  transitions: z.array(z.object({ from: z.string().nullable(), to: z.string(), at: z.string(), reason: z.string() })),
});

export type OrderView = z.infer<typeof orderViewSchema>;

function licenceState(order: OrderDoc, now: Date): OrderView['licence']['state'] {
  if (order.status !== 'licence-active' && order.status !== 'expired' && order.status !== 'cancelled' && order.status !== 'refunded') return 'none';
  if (!order.transitions.some((t) => t.to === 'licence-active')) return 'none';
  if (order.status !== 'licence-active') return 'ended';
  if (now.toISOString() < order.licence.from) return 'scheduled';
  return now.toISOString() < order.licence.until ? 'active' : 'ended';
}

/** What the buyer sees of their order (no internal flags, no payer account). */
export function orderView(order: OrderDoc, now: Date): OrderView {
  return {
    id: order.id,
    status: order.status,
    createdAt: order.createdAt,
    publisherId: order.publisherId,
    packageId: order.packageId,
    packageTitle: order.packageTitle,
    works: order.lines.map((l) => ({
      workId: l.workId,
      title: l.title,
      ...(l.endedAt ? { endedAt: l.endedAt } : {}),
      ...(l.endReason ? { endReason: l.endReason } : {}),
    })),
    licence: { ...order.licence, state: licenceState(order, now) },
    pricing: {
      currency: 'EUR',
      unitPriceCents: order.pricing.unitPriceCents,
      months: order.pricing.months,
      vatRatePercent: order.pricing.vatRatePercent,
      netCents: order.pricing.netCents,
      vatCents: order.pricing.vatCents,
      grossCents: order.pricing.grossCents,
    },
    paymentMethod: order.paymentMethod,
    acknowledgement: { noWithdrawalRight: true, text: order.acknowledgement.text, at: order.acknowledgement.at },
    ...(order.payment
      ? {
          payment: {
            provider: order.payment.provider,
            ...(order.payment.providerStatus ? { status: order.payment.providerStatus } : {}),
            ...(order.payment.paidAt ? { paidAt: order.payment.paidAt } : {}),
            ...(order.payment.paymentUrl && order.status === 'pending-payment' ? { paymentUrl: order.payment.paymentUrl } : {}),
          },
        }
      : {}),
    ...(order.invoice
      ? {
          invoice: {
            number: order.invoice.number,
            issuedAt: order.invoice.issuedAt,
            dueDate: order.invoice.dueDate,
            referenceNumber: order.invoice.referenceNumber,
            seller: order.invoice.seller,
            iban: order.invoice.iban,
            paidCents: order.invoice.payments.reduce((sum, p) => sum + p.amountCents, 0),
          },
        }
      : {}),
    refunds: order.refunds.map((r) => ({ amountCents: r.amountCents, reason: r.reason, method: r.method, status: r.status, createdAt: r.createdAt })),
    transitions: order.transitions.map((t) => ({ from: t.from, to: t.to, at: t.at, reason: t.reason })),
  };
}
