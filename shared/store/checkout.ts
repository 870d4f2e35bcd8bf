import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { queueEmail } from '../messaging/index.js';
import { StoreUnavailableError } from '../platform/cosmos.js';
import { countryProfile } from '../platform/countries.js';
import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import { maksekeskusClient, MaksekeskusError, type MaksekeskusTransaction } from '../platform/maksekeskus.js';
import type { Services } from '../platform/services.js';
import { distributedCopies, readPackage, readWorks } from './catalog.js';
import { addDays, licencePeriod, localDate } from './dates.js';
import { invoiceEmail, noWithdrawalText } from './emails.js';
import { closeUnpaid } from './fulfilment.js';
import { allocateInvoiceNumber } from './invoices.js';
import { type OrderDoc, type PackageDoc, type PaymentMethod, paymentMethodSchema, type WorkDoc } from './model.js';
import { centsToAmount, priceOrder, type Pricing, vatRateFor } from './money.js';
import { createCountedOrder } from './order-limit.js';
import { logTransition, newOrderId, type OrderKey, readOrder, transitionOrder, updateOrder } from './orders.js';

export const MAX_MONTHS = 36;

export const checkoutSchema = z.strictObject({
  publisherId: z.string().min(1).max(100),
  packageId: z.string().min(1).max(100),
  months: z.number().int().min(1).max(MAX_MONTHS),
  startDate: z.iso.date(),
  paymentMethod: paymentMethodSchema,
  /** STORE-7: must be true; the text the buyer saw is stored with the order. */
  acknowledgeNoWithdrawal: z.boolean(),
  /** Makes checkout idempotent: repeating a request id returns the order it created. */
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional(),
});
export type CheckoutInput = z.infer<typeof checkoutSchema>;

export interface Quote {
  publisherId: string;
  packageId: string;
  packageTitle: string;
  works: { workId: string; title: string }[];
  pricing: Pricing;
  licence: { startDate: string; endDate: string; months: number };
  acknowledgementText: string;
}

async function sellable(
  services: Services,
  publisherId: string,
  packageId: string,
): Promise<{ pkg: PackageDoc; works: { id: string; title: string }[] }> {
  const pkg = await readPackage(services, publisherId, packageId);
  if (!pkg) throw new AppError('package_not_found');
  if ((pkg.status ?? 'on-sale') !== 'on-sale') throw new AppError('package_not_on_sale');
  // The package's copies when they say every work is distributed (issue 11: no read of the works); else the works.
  const copied = distributedCopies(pkg);
  if (copied) return { pkg, works: copied };
  const found = await readWorks(services, publisherId, pkg.workIds);
  const works = pkg.workIds.map((id) => found.get(id));
  // STORE-1: only licences to works in the repository, and distributed (OPS-2), are sold.
  if (works.some((w) => !w || w.status !== 'distributed')) throw new AppError('work_not_distributed');
  return { pkg, works: works as WorkDoc[] };
}

function checkStartDate(services: Services, startDate: string): void {
  const today = localDate(services.clock.now());
  if (startDate < today || startDate > addDays(today, 365)) throw new AppError('start_date_invalid');
}

/** The price and period the buyer would get, in their country, before ordering. */
export async function quote(
  services: Services,
  account: AccountDoc,
  input: { publisherId: string; packageId: string; months: number; startDate?: string },
  language: Language,
): Promise<Quote> {
  const startDate = input.startDate ?? localDate(services.clock.now());
  checkStartDate(services, startDate);
  const { pkg, works } = await sellable(services, input.publisherId, input.packageId);
  const period = licencePeriod(startDate, input.months);
  return {
    publisherId: pkg.publisherId,
    packageId: pkg.id,
    packageTitle: pkg.title,
    works: works.map((w) => ({ workId: w.id, title: w.title })),
    pricing: priceOrder(pkg.priceCentsPerMonth, input.months, vatRateFor(services.config.VAT_RATES, account.country)),
    licence: { startDate: period.startDate, endDate: period.endDate, months: input.months },
    acknowledgementText: noWithdrawalText[language],
  };
}

export interface CheckoutResult {
  order: OrderDoc;
  /** Where to send the browser to pay (bank links and cards). */
  paymentUrl?: string;
  replayed: boolean;
}

/**
 * Checkout (STORE-1, 2, 3, 7): a registered user orders a package for some months from a start date, with a payment
 * method, acknowledging that digital content has no withdrawal right. The price, VAT and acknowledgement of this
 * moment are stored on the order and stand whatever the catalogue says later.
 */
export async function placeOrder(
  services: Services,
  account: AccountDoc,
  input: CheckoutInput,
  context: { language: Language; clientIp?: string },
): Promise<CheckoutResult> {
  if (!input.acknowledgeNoWithdrawal) throw new AppError('withdrawal_acknowledgement_required');
  if (!account.email) throw new AppError('email_required');
  checkStartDate(services, input.startDate);
  const provider = input.paymentMethod.type === 'invoice' ? undefined : maksekeskusClient(services.config);
  if (input.paymentMethod.type !== 'invoice' && !provider) throw new AppError('payments_unavailable');
  if (input.paymentMethod.type === 'invoice' && !services.config.INVOICE_IBAN) throw new AppError('invoices_unavailable');

  const orderId = newOrderId(account.accountId, input.requestId);
  const key: OrderKey = { accountId: account.accountId, orderId };
  if (input.requestId) {
    const existing = await readOrder(services, key);
    if (existing) return resume(services, existing, input, provider, context);
  }

  const { pkg, works } = await sellable(services, input.publisherId, input.packageId);
  const now = services.clock.now().toISOString();
  const period = licencePeriod(input.startDate, input.months);
  const order: OrderDoc = {
    id: orderId,
    type: 'order',
    accountId: account.accountId,
    status: 'created',
    createdAt: now,
    updatedAt: now,
    buyer: { firstName: account.firstName, lastName: account.lastName, email: account.email, country: account.country, language: account.language },
    publisherId: pkg.publisherId,
    packageId: pkg.id,
    packageTitle: pkg.title,
    lines: works.map((w) => ({ workId: w.id, title: w.title })),
    workIds: works.map((w) => w.id),
    licence: { startDate: period.startDate, endDate: period.endDate, from: period.from, until: period.until, months: input.months },
    pricing: priceOrder(pkg.priceCentsPerMonth, input.months, vatRateFor(services.config.VAT_RATES, account.country)),
    paymentMethod: input.paymentMethod,
    acknowledgement: { noWithdrawalRight: true, text: noWithdrawalText[context.language], language: context.language, at: now },
    refunds: [],
    flags: [],
    transitions: [{ from: null, to: 'created', at: now, by: 'buyer', reason: 'checkout' }],
  };
  // Counted against the per-person limit on new orders (each may open a provider transaction: issue 9, defect 8) in
  // the batch that creates it.
  const placed = await createCountedOrder(services, order);
  if ('exists' in placed) {
    // Two identical requests at once: the second answers with (and finishes) the first one's order. Without a request
    // id the order's random id can only be taken by this request's own batch, applied before its answer was lost.
    const existing = await readOrder(services, key);
    // Taken a moment ago and gone now (not seen: orders are never deleted): 503, the client's retry decides again.
    if (!existing) throw new StoreUnavailableError(1);
    if (input.requestId) return resume(services, existing, input, provider, context);
    // Nothing after that batch was done yet: no number to look for.
    return { ...(await completeCheckout(services, existing, provider, context, { fresh: true })), replayed: false };
  }
  const stored = placed.created;
  logTransition(services, order, 'checkout');
  // The stored order (with its ETag): the next step writes it without reading it again (issue 11).
  return { ...(await completeCheckout(services, stored, provider, context, { fresh: true })), replayed: false };
}

type Provider = ReturnType<typeof maksekeskusClient>;

/**
 * The reconcile timer's part: an invoice checkout whose answer was lost (a 503 after the number was registered) and
 * that the buyer never repeated gets its invoice, so no number stays counted against an order without one (STORE-3).
 */
export async function finishInvoiceCheckout(services: Services, key: OrderKey): Promise<OrderDoc | undefined> {
  const order = await readOrder(services, key);
  if (!order || order.status !== 'created' || order.paymentMethod.type !== 'invoice' || !services.config.INVOICE_IBAN) return order;
  return issueInvoice(services, order);
}

/**
 * A repeated request id answers the order it created, unless the request now asks for something else, and finishes
 * whatever the first attempt left undone (its answer may have been a 503 after some of the steps were applied), so
 * the buyer gets a payable order: with its payment URL, or its invoice.
 */
async function resume(
  services: Services,
  existing: OrderDoc,
  input: CheckoutInput,
  provider: Provider,
  context: { clientIp?: string },
): Promise<CheckoutResult> {
  const same =
    existing.packageId === input.packageId &&
    existing.publisherId === input.publisherId &&
    existing.licence.months === input.months &&
    existing.licence.startDate === input.startDate &&
    existing.paymentMethod.type === input.paymentMethod.type;
  if (!same) throw new AppError('conflict');
  return { ...(await completeCheckout(services, existing, provider, context)), replayed: true };
}

/** The steps after the order exists; each finds its own earlier success, so running them again is harmless. */
async function completeCheckout(
  services: Services,
  order: OrderDoc,
  provider: Provider,
  context: { clientIp?: string },
  /** The order was created by this very request: nothing of it was done before. */
  options: { fresh?: boolean } = {},
): Promise<Omit<CheckoutResult, 'replayed'>> {
  if (order.paymentMethod.type === 'invoice') {
    if (order.status !== 'created' && order.status !== 'pending-payment') return { order };
    return { order: await issueInvoice(services, order, options) };
  }
  if (order.status === 'pending-payment' && order.payment?.transactionId) {
    // The transaction exists (the order names it): make sure a payment message can find the order, then pay.
    await indexTransaction(services, order, order.payment.transactionId);
    return { order, ...(order.payment.paymentUrl ? { paymentUrl: order.payment.paymentUrl } : {}) };
  }
  if (order.status !== 'created') return { order };
  if (!provider) throw new AppError('payments_unavailable');
  return startProviderPayment(services, order, order.paymentMethod, provider, context);
}

/**
 * Takes the order's invoice number (the same one again on a repeat: the register entry names the order), e-mails the
 * invoice and moves the order on with it: a number is never left counted but unused. The e-mail is queued first, built
 * from the order as it is then written in one write (issue 11: no read, no separate marker), keyed by the number: a
 * repeat after a failed write gets the same number and Service Bus drops the copy inside its duplicate window.
 */
async function issueInvoice(services: Services, order: OrderDoc, options: { fresh?: boolean } = {}): Promise<OrderDoc> {
  if (order.invoice) return order.invoice.emailQueuedAt ? order : emailInvoice(services, order);
  const number = await allocateInvoiceNumber(
    services,
    { orderId: order.id, buyerAccountId: order.accountId, grossCents: order.pricing.grossCents },
    options,
  );
  const changes: Partial<OrderDoc> = {
    payment: { provider: 'invoice' },
    invoice: {
      number: number.number,
      year: number.year,
      sequence: number.sequence,
      issuedAt: number.issuedAt,
      dueDate: addDays(localDate(new Date(number.issuedAt)), services.config.INVOICE_DUE_DAYS),
      referenceNumber: number.referenceNumber,
      seller: countryProfile(services.config, order.buyer.country).invoiceSeller,
      iban: services.config.INVOICE_IBAN!,
      payments: [],
      emailQueuedAt: services.clock.now().toISOString(),
    },
  };
  await queueEmail(services, invoiceEmail({ ...order, ...changes }), `invoice:${number.number}`);
  const result = await transitionOrder(
    services,
    { accountId: order.accountId, orderId: order.id },
    'pending-payment',
    { by: 'system', reason: `invoice ${number.number} issued` },
    { from: ['created'], current: order, changes: () => changes },
  );
  return result.order;
}

/** An invoice the former checkout wrote before queueing its e-mail, never marked as queued: queued and marked now. */
async function emailInvoice(services: Services, order: OrderDoc): Promise<OrderDoc> {
  await queueEmail(services, invoiceEmail(order), `invoice:${order.invoice!.number}`);
  const at = services.clock.now().toISOString();
  const marked = await updateOrder(services, { accountId: order.accountId, orderId: order.id }, (o) =>
    o.invoice && !o.invoice.emailQueuedAt ? { ...o, invoice: { ...o.invoice, emailQueuedAt: at } } : undefined,
  );
  return marked.order;
}

function paymentUrlFor(transaction: MaksekeskusTransaction, method: PaymentMethod): string | undefined {
  const methods = transaction.payment_methods ?? {};
  if (method.type === 'banklink') {
    const bank = methods.banklinks?.find((b) => b.name === method.bank);
    if (bank?.url) return bank.url;
  }
  if (method.type === 'card') {
    const card = methods.cards?.find((c) => c.url);
    if (card?.url) return card.url;
  }
  // Maksekeskus' own payment page lets the buyer choose.
  return methods.other?.find((o) => o.name === 'redirect')?.url;
}

async function startProviderPayment(
  services: Services,
  order: OrderDoc,
  method: PaymentMethod,
  provider: NonNullable<ReturnType<typeof maksekeskusClient>>,
  context: { clientIp?: string },
): Promise<Omit<CheckoutResult, 'replayed'>> {
  const key: OrderKey = { accountId: order.accountId, orderId: order.id };
  const base = services.config.API_PUBLIC_URL.replace(/\/+$/, '');
  const back = { url: `${base}/api/payments/maksekeskus/return`, method: 'POST' as const };
  let transaction: MaksekeskusTransaction;
  try {
    // PAY-1: the amount, our reference and the customer's e-mail, IP, country and locale; nothing else about them.
    transaction = await provider.createTransaction({
      transaction: {
        amount: centsToAmount(order.pricing.grossCents),
        currency: 'EUR',
        reference: order.id,
        transaction_url: {
          return_url: back,
          cancel_url: back,
          notification_url: { url: `${base}/api/payments/maksekeskus/notification`, method: 'POST' },
        },
      },
      customer: {
        ip: context.clientIp ?? '0.0.0.0',
        email: order.buyer.email,
        country: order.buyer.country.toLowerCase(),
        locale: order.buyer.language,
      },
      app_info: { platform: 'opiq', module: 'store' },
    });
  } catch (error) {
    services.telemetry.event('store.payment-start-failed', { orderId: order.id, errorType: error instanceof Error ? error.name : 'error' });
    // Maksekeskus refused the request: trying again will not help. Otherwise the order waits in `created` for a retry
    // with the same request id (the reconcile timer cancels it after an hour).
    if (error instanceof MaksekeskusError && error.kind === 'rejected') {
      await closeUnpaid(services, key, 'cancelled', { by: 'system', reason: 'the payment could not be started' });
      throw new AppError('payment_provider_refused');
    }
    throw new AppError('payment_provider_unavailable', { retryAfterSeconds: 5 });
  }
  const paymentUrl = paymentUrlFor(transaction, method);
  // The order names its transaction first: a retry then finds it (instead of opening another), and the buyer only
  // ever sees the payment URL of the transaction the order names.
  const result = await transitionOrder(
    services,
    key,
    'pending-payment',
    { by: 'system', reason: 'Maksekeskus transaction created' },
    {
      from: ['created'],
      current: order,
      changes: () => ({
        payment: {
          provider: 'maksekeskus',
          transactionId: transaction.id,
          providerStatus: transaction.status,
          ...(paymentUrl ? { paymentUrl } : {}),
        },
      }),
    },
  );
  if (result.order.payment?.transactionId !== transaction.id) {
    // A concurrent retry of this checkout got there first with its own transaction: answer with the order's one.
    return completeCheckout(services, result.order, provider, context);
  }
  await indexTransaction(services, result.order, transaction.id, { fresh: true });
  return { order: result.order, ...(paymentUrl ? { paymentUrl } : {}) };
}

/** The index from the transaction id to the order: how a payment message finds its order with one point read. */
async function indexTransaction(
  services: Services,
  order: OrderDoc,
  transactionId: string,
  /** A transaction the provider has just opened has no index yet: no read (the upsert is the same either way). */
  options: { fresh?: boolean } = {},
): Promise<void> {
  const payments = services.db.collection('payments');
  if (!options.fresh && (await payments.read(`trx:${transactionId}`, transactionId))) return;
  await payments.upsert({
    id: `trx:${transactionId}`,
    type: 'payment-transaction',
    transactionId,
    accountId: order.accountId,
    orderId: order.id,
    amountCents: order.pricing.grossCents,
    currency: 'EUR',
    method: order.paymentMethod.type === 'banklink' ? `banklink:${order.paymentMethod.bank}` : order.paymentMethod.type,
    createdAt: services.clock.now().toISOString(),
  });
}
