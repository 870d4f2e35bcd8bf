import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { flagOrder, fulfilOrder, markPaid } from './fulfilment.js';
import { parseInvoiceNumber, readRegisterEntry } from './invoices.js';
import type { OrderDoc } from './model.js';
import { type OrderKey, updateOrder } from './orders.js';

export interface InvoicePaymentInput {
  invoiceNumber: string;
  /** The bank statement entry's id: recording it again changes nothing. */
  bankEntryId: string;
  amountCents: number;
  /** The day the money arrived on the account. */
  receivedOn: string;
  /** PAY-3: the payer's account from the bank statement. */
  payerAccount?: string;
}

/**
 * Operator staff record money that arrived for a prepayment invoice (STORE-3, STORE-4). Once the invoice is paid in
 * full the order is paid and its licence granted, active from the start date the buyer chose (not from the day the
 * money came). Overpayment is flagged for the operator to refund or set off.
 */
export async function recordInvoicePayment(
  services: Services,
  input: InvoicePaymentInput,
  staffAccountId: string,
): Promise<{ order: OrderDoc; paidCents: number; outstandingCents: number }> {
  const parsed = parseInvoiceNumber(input.invoiceNumber);
  const entry = parsed ? await readRegisterEntry(services, parsed.year, parsed.sequence) : undefined;
  if (!entry) throw new AppError('invoice_not_found');
  const key: OrderKey = { accountId: entry.buyerAccountId, orderId: entry.orderId };
  const now = services.clock.now().toISOString();

  const recorded = await updateOrder(services, key, (order) => {
    if (!order.invoice) return undefined;
    if (order.invoice.payments.some((p) => p.bankEntryId === input.bankEntryId)) return undefined;
    return {
      ...order,
      invoice: {
        ...order.invoice,
        payments: [
          ...order.invoice.payments,
          {
            bankEntryId: input.bankEntryId,
            amountCents: input.amountCents,
            receivedOn: input.receivedOn,
            ...(input.payerAccount ? { payerAccount: input.payerAccount } : {}),
            recordedBy: staffAccountId,
            recordedAt: now,
          },
        ],
      },
      updatedAt: now,
    };
  });
  let order: OrderDoc = recorded.order;
  if (!order.invoice) throw new AppError('invoice_not_found');
  if (recorded.changed) services.telemetry.event('store.invoice-payment', { orderId: order.id }, { amountCents: input.amountCents });

  const paidCents = order.invoice.payments.reduce((sum, p) => sum + p.amountCents, 0);
  const gross = order.pricing.grossCents;
  if (paidCents >= gross) {
    const payer = order.invoice.payments.find((p) => p.payerAccount)?.payerAccount;
    order = (
      await markPaid(services, key, {
        by: staffAccountId,
        reason: `invoice ${order.invoice.number} paid`,
        payment: { provider: 'invoice', paidAt: now, ...(payer ? { payerAccount: payer } : {}) },
      })
    ).order;
    if (paidCents > gross)
      await flagOrder(services, key, {
        key: `invoice-overpaid:${order.invoice!.number}`,
        kind: 'invoice-overpaid',
        detail: `Paid ${paidCents} cents for ${gross}.`,
        at: now,
      });
    order = (await fulfilOrder(services, key)) ?? order;
  }
  return { order, paidCents, outstandingCents: Math.max(0, gross - paidCents) };
}
