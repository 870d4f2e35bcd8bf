import type { Services } from '../platform/services.js';
import { transitionOrder } from './orders.js';

/**
 * Licence expiry (STORE-4): access already stops at the period's end (the entitlement check compares dates); this
 * timer job moves orders whose licence ended to `expired`, so the order page and reports say so.
 */
export async function expireLicences(services: Services, now: Date, maxOrders = 1000): Promise<number> {
  let expired = 0;
  let continuation: string | undefined;
  do {
    const page = await services.db.collection('orders').crossPartitionQuery<{
      id: string;
      accountId: string;
    }>("SELECT c.id, c.accountId FROM c WHERE c.type = 'order' AND c.status = 'licence-active' AND c.licence.until <= @now", [{ name: '@now', value: now.toISOString() }], continuation, 100);
    continuation = page.continuation;
    for (const row of page.items) {
      const result = await transitionOrder(
        services,
        { accountId: row.accountId, orderId: row.id },
        'expired',
        { by: 'system', reason: 'licence period ended' },
        {
          from: ['licence-active'],
          changes: () => ({ closure: { kind: 'licence-ended', at: now.toISOString() } }),
        },
      );
      if (result.changed) expired += 1;
      if (expired >= maxOrders) return expired;
    }
  } while (continuation);
  return expired;
}
