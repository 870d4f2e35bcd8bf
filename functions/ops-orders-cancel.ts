import { z } from 'zod';

import { accepted, defineHttp } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { idSchema, queueOrderCancellation, readOrder } from '../shared/store/index.js';

export default defineHttp({
  name: 'ops-orders-cancel',
  route: 'ops/orders/{accountId}/{orderId}/cancel',
  methods: ['POST'],
  summary:
    "Operator staff end an order's licence early (STORE-6, OPS-1): the buyer broke the terms (no refund by default), the order cannot be fulfilled (full refund), or another reason (pro-rata). Queued; the buyer is e-mailed. 202.",
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.store.manage',
  // Lenient ids: a malformed one is simply not found (404), after access control has spoken.
  params: z.object({ accountId: idSchema, orderId: idSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.strictObject({
    reason: z.enum(['terms-breach', 'cannot-fulfil', 'operator']),
    refund: z.enum(['none', 'pro-rata', 'full']).optional(),
    workIds: z.array(idSchema).min(1).max(50).optional(),
    note: z.string().max(1000).optional(),
  }),
  successStatus: 202,
  output: z.object({ orderId: z.string(), queued: z.literal(true) }),
  errors: ['order_not_found'],
  handler: async ({ params, body, access, services }) => {
    const staff = access.account.accountId;
    const order = await readOrder(services, params);
    if (!order) throw new AppError('order_not_found');
    await queueOrderCancellation(services, { ...params, ...body, by: staff });
    return accepted({ orderId: order.id, queued: true });
  },
});
