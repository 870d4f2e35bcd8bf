import { defineHttp, ok } from '../shared/http/define-http.js';
import { listFlaggedOrders } from '../shared/store/orders.js';

export default defineHttp({
  name: 'ops-orders-flagged',
  route: 'ops/orders/flagged',
  methods: ['GET'],
  summary:
    'Orders waiting for an operator (PAY-2): payments that did not match their order, refunds whose outcome is unknown or made outside the app, payments for closed orders, overpaid invoices.',
  tags: ['operations', 'store'],
  auth: 'session',
  // TODO(ACL): a shop-operations capability ('ops.store.manage': support staff) belongs in shared/acl/capabilities.ts.
  capability: 'ops.store.manage',
  handler: async ({ access, services }) => {
    access.account.accountId;
    return ok({ orders: await listFlaggedOrders(services) });
  },
});
