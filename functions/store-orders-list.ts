import { defineHttp, ok } from '../shared/http/define-http.js';
import type { Stored } from '../shared/platform/cosmos.js';
import { orderView, type OrderDoc } from '../shared/store/model.js';

export default defineHttp({
  name: 'store-orders-list',
  route: 'store/orders',
  methods: ['GET'],
  summary: "The signed-in buyer's orders, newest first (STORE-5: the order details are kept).",
  tags: ['store'],
  auth: 'session',
  capability: 'self.read',
  handler: async ({ principal, services }) => {
    const orders = await services.db.collection('orders').queryAll<OrderDoc & Stored>(principal.accountId, {
      where: 'c.type = @type',
      parameters: [{ name: '@type', value: 'order' }],
      orderBy: 'c.createdAt DESC',
    });
    const now = services.clock.now();
    return ok({ orders: orders.map((o) => orderView(o, now)) });
  },
});
