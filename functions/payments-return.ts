import { z } from 'zod';
import { requestClient } from '../shared/auth/client-info.js';
import { defineHttp, redirect } from '../shared/http/define-http.js';
import { extractMessage, paymentMessageQuery, receivePaymentMessage } from '../shared/payments/inbound.js';
import { orderIdSchema } from '../shared/store/model.js';

export default defineHttp({
  name: 'payments-return',
  route: 'payments/maksekeskus/return',
  methods: ['GET', 'POST'],
  summary:
    'Where the bank or card page sends the browser back ("Tagasi kaupmehe juurde", PAY-2): the message is stored and queued like a notification, and the browser lands on the shop\'s order page (303 to PUBLIC_WEB_URL/shop/orders/<order id>?payment=<status>), or on /shop/orders?payment=unverified when the message did not verify.',
  tags: ['payments'],
  auth: 'public',
  query: paymentMessageQuery,
  body: z.unknown(),
  bodyTypes: ['form', 'json'],
  handler: async ({ body, query, services, request }) => {
    const { json, mac } = extractMessage(body, query);
    const received = await receivePaymentMessage(services, {
      channel: 'return',
      ...(json !== undefined ? { json } : {}),
      ...(mac !== undefined ? { mac } : {}),
      client: requestClient(request, services.config),
    });
    const web = services.config.PUBLIC_WEB_URL.replace(/\/+$/, '');
    const headers: Record<string, string> = received.messageId ? { 'x-payment-message-id': received.messageId } : {};
    if (received.accepted && received.reference && orderIdSchema.safeParse(received.reference).success)
      return redirect(`${web}/shop/orders/${received.reference}?payment=${encodeURIComponent(received.status.toLowerCase())}`, { headers });
    return redirect(`${web}/shop/orders?payment=unverified`, { headers });
  },
});
