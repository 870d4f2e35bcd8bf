import { z } from 'zod';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { pagingQuery } from '../shared/http/paging.js';
import { listFlaggedOrders } from '../shared/store/orders.js';

export default defineHttp({
  name: 'ops-orders-flagged',
  route: 'ops/orders/flagged',
  methods: ['GET'],
  summary:
    'Orders waiting for an operator (PAY-2): payments that did not match their order, refunds whose outcome is unknown or made outside the app, payments for closed orders, overpaid invoices.',
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.store.manage',
  query: z.object(pagingQuery(500)),
  handler: async ({ query, services }) => {
    const page = await listFlaggedOrders(services, query);
    return ok({ orders: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
