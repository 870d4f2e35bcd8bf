import { reconcileOrders } from '../shared/payments/index.js';
import { defineTimer } from '../shared/platform/definitions.js';

/** Every 10 minutes: asks Maksekeskus about payments still pending, resumes paid orders, closes abandoned ones (PAY-2). */
export default defineTimer({
  name: 'payments-reconcile',
  schedule: '0 */10 * * * *',
  handler: async ({ services, now }) => ({ counts: await reconcileOrders(services, now) }),
});
