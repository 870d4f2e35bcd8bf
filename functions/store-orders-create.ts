import { z } from 'zod';

import { requestClient } from '../shared/auth/index.js';
import { created, defineHttp, idempotencyKey, ok } from '../shared/http/index.js';
import { checkoutSchema, orderView, orderViewSchema, placeOrder } from '../shared/store/index.js';

export default defineHttp({
  name: 'store-orders-create',
  route: 'store/orders',
  methods: ['POST'],
  summary:
    'Checkout (STORE-1, 2, 3, 7): orders a package for some months from a start date with a payment method (bank link, card, prepayment invoice); acknowledgeNoWithdrawal must be true. Answers the order and, for bank links and cards, the Maksekeskus paymentUrl to send the browser to. requestId (or an Idempotency-Key header) makes a retry return the same order and finish its checkout (200).',
  tags: ['store'],
  auth: 'session',
  idempotencyKey: true,
  capability: 'self.update',
  body: checkoutSchema,
  successStatus: 201,
  // A retry with the same request id answers the order the first attempt made.
  otherStatuses: [200],
  output: z.object({ order: orderViewSchema, paymentUrl: z.string().optional() }),
  errors: ['work_not_distributed', 'withdrawal_acknowledgement_required', 'start_date_invalid', 'package_not_found', 'too_many_attempts'],
  handler: async ({ body, access, services, language, request }) => {
    const client = requestClient(request, services.config);
    // The header is checked by the wrapper; here it must also agree with the body's requestId (the older form).
    const requestId = idempotencyKey(request, body.requestId);
    const result = await placeOrder(
      services,
      access.account,
      { ...body, ...(requestId ? { requestId } : {}) },
      { language, ...(client.ip ? { clientIp: client.ip } : {}) },
    );
    const payload = { order: orderView(result.order, services.clock.now()), ...(result.paymentUrl ? { paymentUrl: result.paymentUrl } : {}) };
    return result.replayed ? ok(payload) : created(payload, { headers: { location: `/api/store/orders/${result.order.id}` } });
  },
});
