import { z } from 'zod';
import { requestClient } from '../shared/auth/client-info.js';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { HttpError } from '../shared/http/errors.js';
import { extractMessage, paymentMessageQuery, receivePaymentMessage, rejectionCodes } from '../shared/payments/inbound.js';

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
  handler: async ({ body, query, services, request }) => {
    const { json, mac } = extractMessage(body, query);
    const received = await receivePaymentMessage(services, {
      channel: 'notification',
      ...(json !== undefined ? { json } : {}),
      ...(mac !== undefined ? { mac } : {}),
      client: requestClient(request, services.config),
    });
    const headers: Record<string, string> = received.messageId ? { 'x-payment-message-id': received.messageId } : {};
    if (!received.accepted) {
      const [status, code] = rejectionCodes[received.reason];
      throw new HttpError(status, code, {}, undefined, headers);
    }
    return ok({ status: 'accepted', transaction: received.transactionId }, { headers });
  },
});
