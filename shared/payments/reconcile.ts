import { runJob, sweepPage } from '../platform/jobs.js';
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

const PAGE_SIZE = 100;
/** Pages a run works through at most (500 orders); the next run goes on from the job's checkpoint. */
const MAX_PAGES_PER_RUN = 5;

/** One order's step: the same idempotent one messages use. */
async function reconcileOrder(services: Services, now: Date, row: Row, counts: Record<string, number>): Promise<void> {
  const key = { accountId: row.accountId, orderId: row.id };
  const add = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
  if (row.status === 'paid') {
    await fulfilOrder(services, key);
    add('fulfilled');
  } else if (row.status === 'created' && row.method === 'invoice') {
    // A number may already be registered for it: the invoice is issued rather than the number left unused.
    await finishInvoiceCheckout(services, key);
    add('resumed');
  } else if (row.status === 'created') {
    if (now.getTime() - Date.parse(row.createdAt) > 3600_000) {
      await closeUnpaid(services, key, 'cancelled', { by: 'system', reason: 'checkout was not completed' });
      add('closed');
    }
  } else if (row.provider === 'maksekeskus' && row.transactionId) {
    const outcome = await processTransaction(services, { transactionId: row.transactionId, source: 'reconcile' });
    if (outcome === 'paid') add('paid');
    const order = await readOrder(services, key);
    if (order?.status === 'pending-payment' && now.getTime() - Date.parse(row.createdAt) > ABANDON_AFTER_MS) {
      await closeUnpaid(services, key, 'expired', { by: 'system', reason: 'the payment was not completed within a day' });
      add('closed');
    }
  } else if (row.provider === 'invoice' && row.dueDate && addDays(row.dueDate, INVOICE_GRACE_DAYS) < localDate(now)) {
    await closeUnpaid(services, key, 'expired', { by: 'system', reason: 'the invoice was not paid' });
    add('closed');
  }
}

/**
 * The safety net of PAY-2 (timer, operators' cross-partition query): asks Maksekeskus about every payment still
 * pending after a few minutes and applies what it says, resumes fulfilment of paid orders, and closes orders whose
 * payment was abandoned or whose invoice went unpaid. Every step is the same idempotent one messages use. A resumable
 * job (`payments-reconcile`, ops/jobs) of at most 500 orders a run, started afresh once a sweep is through.
 */
export async function reconcileOrders(services: Services, now: Date): Promise<Record<string, number>> {
  const staleBefore = new Date(now.getTime() - RECONCILE_AFTER_MS).toISOString();
  const orders = services.db.collection('orders');
  const { job } = await runJob(
    services,
    { name: 'payments-reconcile', period: 'sweep' },
    async (after) => {
      const page = await sweepPage<Row>(
        orders,
        {
          select:
            'c.id, c.accountId, c.status, c.payment.transactionId AS transactionId, c.payment.provider AS provider, c.paymentMethod.type AS method, c.createdAt, c.updatedAt, c.invoice.dueDate AS dueDate',
          where: "c.type = 'order' AND (c.status = 'created' OR c.status = 'pending-payment' OR c.status = 'paid') AND c.updatedAt < @stale",
          parameters: [{ name: '@stale', value: staleBefore }],
        },
        after,
        PAGE_SIZE,
      );
      const counts: Record<string, number> = { checked: 0 };
      for (const row of page.items) {
        counts.checked! += 1;
        try {
          await reconcileOrder(services, now, row, counts);
        } catch (error) {
          counts.failed = (counts.failed ?? 0) + 1;
          services.telemetry.exception(error, { component: 'payments-reconcile', orderId: row.id });
        }
      }
      return { counts, next: page.next };
    },
    { again: true, maxPages: MAX_PAGES_PER_RUN },
  );
  return job.counts;
}
