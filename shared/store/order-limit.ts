import { ConcurrentUpdateError, type Doc, type Stored, StoreUnavailableError, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import type { OrderDoc } from './model.js';

/** New orders one account may place within any two consecutive quarter-hours (so within any 15 minutes). */
export const ORDERS_PER_WINDOW = 30;
const QUARTER_MS = 15 * 60_000;
/** The counter's id in the buyer's orders partition (one per account). */
export const ORDER_LIMIT_ID = 'order-limit';

/**
 * The per-person limit on new orders (each may open a payment provider transaction: issue 9, defect 8), kept in the
 * buyer's orders partition: `n_<quarter>` is the number of orders placed in that quarter-hour since the epoch.
 * Numbers and lower-case names only: the condition that compares them is text (see `patchIf`).
 */
interface OrderLimitDoc extends Doc {
  type: 'order-limit';
  accountId: string;
}

export type CountedCreate = { created: OrderDoc & Stored } | { exists: true };

const tooMany = (now: number) => {
  const seconds = Math.max(1, Math.ceil((QUARTER_MS - (now % QUARTER_MS)) / 1000));
  return new AppError('too_many_attempts', { params: { retryAfterMinutes: Math.ceil(seconds / 60) }, retryAfterSeconds: seconds });
};

/**
 * Creates the order and counts it against the limit in one transactional batch (issue 11: one write for both, where
 * a bucket of its own cost a create or a create and a patch before the order's own create). The count is a conditional
 * patch: `incr` of this quarter's number, only while it and the last quarter's are below the limit, so parallel
 * checkouts cannot all slip under it, and an order that is not created (its id taken) is not counted. A person's first
 * order (or the first after a year without one, when the counter has gone) creates the counter with it: one failed
 * batch more. Answers `exists` when the order's id is taken: a repeated request id, or this batch's own earlier success
 * whose answer was lost (the retry finds its order; the patch in it is undone with the refused create).
 */
export async function createCountedOrder(
  services: Pick<Services, 'db' | 'clock'>,
  order: OrderDoc,
  limit = ORDERS_PER_WINDOW,
): Promise<CountedCreate> {
  const orders = services.db.collection('orders');
  const now = services.clock.now().getTime();
  const quarter = Math.floor(now / QUARTER_MS);
  const field = `n_${quarter}`;
  const count = {
    patch: {
      id: ORDER_LIMIT_ID,
      operations: [{ op: 'incr' as const, path: `/${field}`, value: 1 }],
      condition: `FROM c WHERE (c.${field} ?? 0) + (c.n_${quarter - 1} ?? 0) < ${limit}`,
    },
  };
  const first: OrderLimitDoc = { id: ORDER_LIMIT_ID, type: 'order-limit', accountId: order.accountId, [field]: 1 };
  // Two rounds at most: a parallel first order may create the counter between the two batches of this one.
  for (let round = 0; round < 2; round++) {
    const counted = await orders.writeTogether(order.accountId, [count, { create: order }]);
    if (counted.ok) {
      await pruneOldQuarters(services, counted.docs[0] as OrderLimitDoc & Stored, quarter);
      return { created: counted.docs[1] as OrderDoc & Stored };
    }
    if (counted.failedIndex === 1 && counted.status === 409) return { exists: true };
    if (counted.failedIndex === 0 && counted.status === 412) throw tooMany(now);
    if (counted.failedIndex !== 0 || counted.status !== 404)
      throw new Error(`The order batch failed at ${counted.failedIndex} with ${counted.status}`);
    const opened = await orders.writeTogether(order.accountId, [{ create: first }, { create: order }]);
    if (opened.ok) return { created: opened.docs[1] as OrderDoc & Stored };
    if (opened.failedIndex === 1 && opened.status === 409) return { exists: true };
    if (opened.failedIndex !== 0 || opened.status !== 409) throw new Error(`The order batch failed at ${opened.failedIndex} with ${opened.status}`);
  }
  // Not seen: parallel first orders settle within two rounds. Answered 503: the client's retry counts again.
  throw new StoreUnavailableError(1);
}

/** Quarters the counter may hold before the ones the limit no longer looks at are dropped. */
const QUARTERS_KEPT = 8;

/**
 * The patch adds a field per quarter-hour with an order and cannot know which old ones exist: once the counter (as the
 * batch answered it) holds more than QUARTERS_KEPT of them, the ones before the last quarter are dropped by one write
 * under its ETag, so a frequent buyer's counter stays small. Best effort: a counter changed meanwhile is left to the
 * next order.
 */
async function pruneOldQuarters(services: Pick<Services, 'db'>, counter: OrderLimitDoc & Stored, quarter: number): Promise<void> {
  const quarters = Object.keys(counter).filter((k) => /^n_\d+$/.test(k));
  if (quarters.length <= QUARTERS_KEPT) return;
  const stale = new Set(quarters.filter((k) => Number(k.slice(2)) < quarter - 1));
  const pruned = (doc: OrderLimitDoc & Stored) => Object.fromEntries(Object.entries(doc).filter(([k]) => !stale.has(k))) as OrderLimitDoc;
  await updateWithEtag<OrderLimitDoc>(services.db.collection('orders'), counter.id, counter.accountId, pruned, {
    current: counter,
    attempts: 1,
  }).catch((error: unknown) => {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  });
}
