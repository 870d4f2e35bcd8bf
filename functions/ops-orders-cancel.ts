import { z } from 'zod';
import { defineHttp } from '../shared/http/define-http.js';
import { HttpError } from '../shared/http/errors.js';
import { idSchema } from '../shared/store/model.js';
import { readOrder } from '../shared/store/orders.js';
import { assertStoreStaff } from '../shared/store/staff.js';
import type { FulfilmentMessage } from '../shared/store/withdrawal.js';

const defaultRefund = { 'terms-breach': 'none', 'cannot-fulfil': 'full', operator: 'pro-rata' } as const;

export default defineHttp({
  name: 'ops-orders-cancel',
  route: 'ops/orders/{accountId}/{orderId}/cancel',
  methods: ['POST'],
  summary:
    "Operator staff end an order's licence early (STORE-6, OPS-1): the buyer broke the terms (no refund by default), the order cannot be fulfilled (full refund), or another reason (pro-rata). Queued; the buyer is e-mailed. 202.",
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.account.suspend',
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
  handler: async ({ params, body, access, services }) => {
    const staff = assertStoreStaff(access);
    const order = await readOrder(services, params);
    if (!order) throw new HttpError(404, 'order_not_found');
    const effectiveAt = services.clock.now().toISOString();
    const message: FulfilmentMessage = {
      kind: 'end-order-works',
      accountId: params.accountId,
      orderId: params.orderId,
      ...(body.workIds ? { workIds: body.workIds } : {}),
      reason: body.reason,
      refund: body.refund ?? defaultRefund[body.reason],
      effectiveAt,
      by: staff,
      ...(body.note ? { note: body.note } : {}),
    };
    await services.bus.send('store-fulfilment', { body: message, messageId: `cancel:${order.id}:${(body.workIds ?? ['all']).join(',')}` });
    return { status: 202, body: { orderId: order.id, queued: true } };
  },
});
