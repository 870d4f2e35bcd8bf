import { defineHttp, ok } from '../shared/http/define-http.js';
import { orderView } from '../shared/store/model.js';
import { listOrders } from '../shared/store/orders.js';

export default defineHttp({
  name: 'store-orders-list',
  route: 'store/orders',
  methods: ['GET'],
  summary: "The signed-in buyer's orders, newest first (STORE-5: the order details are kept).",
  tags: ['store'],
  auth: 'session',
  capability: 'self.read',
  handler: async ({ principal, services }) => {
    const now = services.clock.now();
    return ok({ orders: (await listOrders(services, principal.accountId)).map((o) => orderView(o, now)) });
  },
});
