import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { orderView, orderViewSchema, pageOrders } from '../shared/store/index.js';

export default defineHttp({
  name: 'store-orders-list',
  route: 'store/orders',
  methods: ['GET'],
  summary: "The signed-in buyer's orders, newest first (STORE-5: the order details are kept).",
  tags: ['store'],
  auth: 'session',
  capability: 'self.read',
  query: z.object(pagingQuery(50)),
  output: z.object({ orders: z.array(orderViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ principal, query, services }) => {
    const now = services.clock.now();
    const page = await pageOrders(services, principal.accountId, query);
    return ok({ orders: page.items.map((o) => orderView(o, now)), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
