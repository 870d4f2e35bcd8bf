import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { idSchema, orderFlagSchema, resolveFlag } from '../shared/store/index.js';

export default defineHttp({
  name: 'ops-orders-flag-resolve',
  route: 'ops/orders/{accountId}/{orderId}/flags/{flagKey}/resolve',
  methods: ['POST'],
  summary:
    'Operator staff close a flag of an order (a mismatched payment, a refund made by hand, …) with what they did; the order leaves GET /api/ops/orders/flagged once all its flags are closed. Repeating it is harmless.',
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.store.manage',
  params: z.object({ accountId: idSchema, orderId: idSchema, flagKey: z.string().min(1).max(300) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.strictObject({ resolution: z.string().trim().min(3).max(1000) }),
  output: orderFlagSchema,
  errors: ['order_flag_not_found', 'order_not_found'],
  handler: async ({ params, body, access, services }) =>
    ok(await resolveFlag(services, params, { flagKey: params.flagKey, by: access.account.accountId, resolution: body.resolution })),
});
