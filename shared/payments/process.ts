import { type Doc, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { maksekeskusClient, type MaksekeskusTransaction } from '../platform/maksekeskus.js';
import type { Services } from '../platform/services.js';
import { amountToCents, closeUnpaid, flagOrder, fulfilOrder, markPaid, type OrderDoc, type OrderKey, readOrder } from '../store/index.js';
import { type ProcessQueueMessage, reportedPayerAccount } from './inbound.js';

interface TransactionIndex extends Doc {
  id: string;
  type: 'payment-transaction';
  transactionId: string;
  accountId: string;
  orderId: string;
  /** Moved on by every processing run, so messages after it are not dropped as duplicates of it (see inbound.ts). */
  keyGeneration?: number;
}

export type ProcessOutcome =
  | 'unknown-transaction'
  | 'paid'
  | 'already-paid'
  | 'mismatch'
  | 'closed'
  | 'late-status-ignored'
  | 'refund-outside-app'
  | 'no-change'
  | 'flagged';

/** Differences between what Maksekeskus' API reports and the order (amount, currency, reference, transaction). */
function mismatches(order: OrderDoc, transaction: MaksekeskusTransaction, transactionId: string): string[] {
  const problems: string[] = [];
  if (transaction.id !== transactionId) problems.push('transaction id');
  if (order.payment?.transactionId !== transactionId) problems.push('order transaction');
  if (transaction.reference !== order.id) problems.push('reference');
  if ((transaction.currency ?? '').toUpperCase() !== order.pricing.currency) problems.push('currency');
  if (amountToCents(transaction.amount) !== order.pricing.grossCents) problems.push('amount');
  return problems;
}

class OrderNotReadyError extends Error {
  constructor() {
    super('The order of this transaction is not pending payment yet');
    this.name = 'OrderNotReadyError';
  }
}

/**
 * This run answers every message queued so far under the current duplicate key; a message received from now on gets
 * the next key. Whatever this run finds (the API may not confirm the claimed status yet), a later message is then
 * processed rather than dropped (issue 9, defect 2). A racing run that moved it first is just as good.
 */
async function consumeDuplicateKey(services: Services, index: TransactionIndex & Stored): Promise<void> {
  const seen = index.keyGeneration ?? 0;
  await updateWithEtag<TransactionIndex>(
    services.db.collection('payments'),
    index.id,
    index.transactionId,
    (current) => ((current.keyGeneration ?? 0) === seen ? { ...current, keyGeneration: seen + 1 } : undefined),
    { current: index, type: 'payment-transaction' },
  );
}

/**
 * Processes what Maksekeskus says about one transaction (PAY-2). The message is only a trigger: the status, amount,
 * currency and reference come from GET /v1/transactions/{id}, and are checked against the order before anything is
 * granted. Every step is idempotent and ETag-guarded, so duplicates, racing copies and out-of-order messages end the
 * same way: a COMPLETED payment is applied once, and a later CANCELLED or EXPIRED never undoes it.
 */
export async function processTransaction(services: Services, input: ProcessQueueMessage): Promise<ProcessOutcome> {
  const { transactionId } = input;
  const event = (outcome: ProcessOutcome, extra: Record<string, string> = {}) => {
    services.telemetry.event('payment.processed', { transactionId, source: input.source, claimed: input.status, outcome, ...extra });
    return outcome;
  };

  const index = await services.db.collection('payments').read<TransactionIndex>(`trx:${transactionId}`, transactionId);
  if (!index || index.type !== 'payment-transaction') return event('unknown-transaction');
  await consumeDuplicateKey(services, index);
  const client = maksekeskusClient(services.config);
  if (!client) throw new Error('Maksekeskus is not configured');
  // Transient failures throw: the queue delivers the message again later.
  const transaction = await client.getTransaction(transactionId);
  if (!transaction) return event('unknown-transaction', { detail: 'not known to Maksekeskus' });

  const key: OrderKey = { accountId: index.accountId, orderId: index.orderId };
  const order = await readOrder(services, key);
  if (!order) return event('unknown-transaction', { detail: 'order missing' });
  const status = transaction.status.toUpperCase();
  const now = services.clock.now().toISOString();

  switch (status) {
    case 'COMPLETED': {
      const problems = mismatches(order, transaction, transactionId);
      if (problems.length > 0) {
        // Never grant on a payment that does not match the order: an operator looks at it.
        await flagOrder(services, key, {
          key: `payment-mismatch:${transactionId}`,
          kind: 'payment-mismatch',
          detail: `Maksekeskus reports a COMPLETED payment that differs in: ${problems.join(', ')}.`,
          at: now,
        });
        return event('mismatch', { fields: problems.join(',') });
      }
      if (order.status === 'created') throw new OrderNotReadyError();
      const payerAccount = input.payerAccount ?? reportedPayerAccount(transaction);
      const payerName = input.payerName ?? (typeof transaction.customer_name === 'string' ? transaction.customer_name : undefined);
      const paid = await markPaid(services, key, {
        by: 'maksekeskus',
        reason: 'Maksekeskus confirmed COMPLETED',
        payment: {
          provider: 'maksekeskus',
          transactionId,
          providerStatus: 'COMPLETED',
          paidAt: now,
          ...(payerAccount ? { payerAccount } : {}),
          ...(payerName ? { payerName } : {}),
        },
      });
      if (!paid.changed && paid.order.status !== 'paid' && paid.order.status !== 'licence-active') {
        return event(paid.order.flags.some((f) => f.kind === 'payment-after-close') ? 'flagged' : 'already-paid');
      }
      await fulfilOrder(services, key);
      return event(paid.changed ? 'paid' : 'already-paid');
    }
    case 'CANCELLED':
    case 'EXPIRED': {
      if (order.status === 'pending-payment' || order.status === 'created') {
        await closeUnpaid(services, key, status === 'CANCELLED' || order.status === 'created' ? 'cancelled' : 'expired', {
          by: 'maksekeskus',
          reason: `Maksekeskus confirmed ${status}`,
        });
        return event('closed');
      }
      // A late CANCELLED or EXPIRED never undoes a payment (the API would not report it for a paid transaction anyway).
      return event(order.status === 'paid' || order.status === 'licence-active' ? 'late-status-ignored' : 'no-change', { orderStatus: order.status });
    }
    case 'REFUNDED':
    case 'PART_REFUNDED': {
      if (order.refunds.some((r) => r.method === 'maksekeskus')) return event('no-change');
      await flagOrder(services, key, {
        key: `refund-outside-app:${transactionId}:${status}`,
        kind: 'refund-outside-app',
        detail: `Maksekeskus reports ${status} but no refund was made from here.`,
        at: now,
      });
      return event('refund-outside-app');
    }
    default:
      return event('no-change', { apiStatus: status });
  }
}
