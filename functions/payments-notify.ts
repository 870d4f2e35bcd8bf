import { z } from 'zod';

import { defineHttp, ok, withHeaders } from '../shared/http/index.js';
import { paymentMessageQuery, receiveFromRequest, rejectionCodes } from '../shared/payments/index.js';
import { AppError } from '../shared/platform/errors.js';

export default defineHttp({
  name: 'payments-notify',
  route: 'payments/maksekeskus/notification',
  methods: ['POST', 'GET'],
  summary:
    "Maksekeskus' server-to-server payment notification (PAY-2): json + mac (form fields, JSON body or query). The MAC is checked on the exact json string; every message is stored, then processed through the queue, and answered at once: 200 when accepted, 400 when the MAC or the message is bad (stored too).",
  tags: ['payments'],
  auth: 'public',
  query: paymentMessageQuery,
  body: z.unknown(),
  bodyTypes: ['form', 'json'],
  output: z.object({ status: z.literal('accepted'), transaction: z.string() }),
  errors: ['payment_mac_invalid', 'payment_message_invalid', 'payment_json_invalid', 'payments_unavailable'],
  handler: async ({ body, query, services, request }) => {
    const { received, headers } = await receiveFromRequest(services, 'notification', { body, query, request });
    if (!received.accepted) throw withHeaders(new AppError(rejectionCodes[received.reason]), headers);
    return ok({ status: 'accepted', transaction: received.transactionId }, { headers });
  },
});
