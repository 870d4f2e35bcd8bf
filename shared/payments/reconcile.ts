import type { Services } from '../platform/services.js';
import { addDays, closeUnpaid, finishInvoiceCheckout, fulfilOrder, localDate, readOrder } from '../store/index.js';
import { processTransaction } from './process.js';

interface Row {
  id: string;
  accountId: string;
  status: string;
  transactionId?: string;
  provider?: string;
  method?: string;
  createdAt: string;
  updatedAt: string;
  dueDate?: string;
}

/** Orders this old without a word from Maksekeskus are asked about (a lost notification must not lose a payment). */
const RECONCILE_AFTER_MS = 5 * 60_000;
/** A bank-link or card payment not completed within a day is given up (Maksekeskus expires them after 30 minutes). */
const ABANDON_AFTER_MS = 24 * 3600_000;
/** Invoices unpaid this many days after their due date are closed (money arriving later still reopens them). */
const INVOICE_GRACE_DAYS = 30;

/**
 * The safety net of PAY-2 (timer, operators' cross-partition query): asks Maksekeskus about every payment still
 * pending after a few minutes and applies what it says, resumes fulfilment of paid orders, and closes orders whose
 * payment was abandoned or whose invoice went unpaid. Every step is the same idempotent one messages use.
 */
export async function reconcileOrders(services: Services, now: Date, maxOrders = 500): Promise<Record<string, number>> {
  const counts: Record<string, number> = { checked: 0, paid: 0, fulfilled: 0, closed: 0, failed: 0 };
  const staleBefore = new Date(now.getTime() - RECONCILE_AFTER_MS).toISOString();
  const orders = services.db.collection('orders');
  let continuation: string | undefined;
  do {
    const page = await orders.crossPartitionQuery<Row>(
      "SELECT c.id, c.accountId, c.status, c.payment.transactionId AS transactionId, c.payment.provider AS provider, c.paymentMethod.type AS method, c.createdAt, c.updatedAt, c.invoice.dueDate AS dueDate FROM c WHERE c.type = 'order' AND (c.status = 'created' OR c.status = 'pending-payment' OR c.status = 'paid') AND c.updatedAt < @stale",
      [{ name: '@stale', value: staleBefore }],
      continuation,
      100,
    );
    continuation = page.continuation;
    for (const row of page.items) {
      if (counts.checked! >= maxOrders) return counts;
      counts.checked! += 1;
      const key = { accountId: row.accountId, orderId: row.id };
      try {
        if (row.status === 'paid') {
          await fulfilOrder(services, key);
          counts.fulfilled! += 1;
        } else if (row.status === 'created' && row.method === 'invoice') {
          // A number may already be registered for it: the invoice is issued rather than the number left unused.
          await finishInvoiceCheckout(services, key);
          counts.resumed = (counts.resumed ?? 0) + 1;
        } else if (row.status === 'created') {
          if (now.getTime() - Date.parse(row.createdAt) > 3600_000) {
            await closeUnpaid(services, key, 'cancelled', { by: 'system', reason: 'checkout was not completed' });
            counts.closed! += 1;
          }
        } else if (row.provider === 'maksekeskus' && row.transactionId) {
          const outcome = await processTransaction(services, { transactionId: row.transactionId, source: 'reconcile' });
          if (outcome === 'paid') counts.paid! += 1;
          const order = await readOrder(services, key);
          if (order?.status === 'pending-payment' && now.getTime() - Date.parse(row.createdAt) > ABANDON_AFTER_MS) {
            await closeUnpaid(services, key, 'expired', { by: 'system', reason: 'the payment was not completed within a day' });
            counts.closed! += 1;
          }
        } else if (row.provider === 'invoice' && row.dueDate && addDays(row.dueDate, INVOICE_GRACE_DAYS) < localDate(now)) {
          await closeUnpaid(services, key, 'expired', { by: 'system', reason: 'the invoice was not paid' });
          counts.closed! += 1;
        }
      } catch (error) {
        counts.failed! += 1;
        services.telemetry.exception(error, { component: 'payments-reconcile', orderId: row.id });
      }
    }
  } while (continuation);
  return counts;
}
