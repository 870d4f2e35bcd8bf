import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { idSchema, orderView, orderViewSchema, readOrder } from '../shared/store/index.js';

export default defineHttp({
  name: 'store-orders-get',
  route: 'store/orders/{orderId}',
  methods: ['GET'],
  summary:
    "One of the signed-in buyer's orders: status and its log, works, licence period, price and VAT, payment, invoice, refunds. The page the payment return lands on polls this.",
  tags: ['store'],
  auth: 'session',
  capability: 'self.read',
  params: z.object({ orderId: idSchema }),
  output: orderViewSchema,
  errors: ['order_not_found'],
  handler: async ({ params, principal, services }) => {
    const order = await readOrder(services, { accountId: principal.accountId, orderId: params.orderId });
    if (!order) throw new AppError('order_not_found');
    return ok(orderView(order, services.clock.now()));
  },
});
