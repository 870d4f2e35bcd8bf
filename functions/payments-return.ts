import { z } from 'zod';

import { defineHttp, redirect, responds } from '../shared/http/index.js';
import { paymentMessageQuery, receiveFromRequest } from '../shared/payments/index.js';
import { orderIdSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'payments-return',
  route: 'payments/maksekeskus/return',
  methods: ['GET', 'POST'],
  summary:
    'Where the bank or card page sends the browser back ("Tagasi kaupmehe juurde", PAY-2): the message is stored and queued like a notification, and the browser lands on the shop\'s order page (303 to PUBLIC_WEB_URL/shop/orders/<order id>?payment=<status>), or on /shop/orders?payment=unverified when the message did not verify or anything else went wrong.',
  tags: ['payments'],
  auth: 'public',
  query: paymentMessageQuery,
  body: z.unknown(),
  bodyTypes: ['form', 'json'],
  // PAY-2: the buyer always lands on the shop, signed in or not, never on a JSON error page (issue 17).
  errorRedirect: (config) => `${config.PUBLIC_WEB_URL.replace(/\/+$/, '')}/shop/orders?payment=unverified`,
  output: responds.redirect("the shop's order page: PUBLIC_WEB_URL/shop/orders/<order id>?payment=<status>, or /shop/orders?payment=unverified"),
  errors: [],
  handler: async ({ body, query, services, request }) => {
    const { received, headers } = await receiveFromRequest(services, 'return', { body, query, request });
    const web = services.config.PUBLIC_WEB_URL.replace(/\/+$/, '');
    if (received.accepted && received.reference && orderIdSchema.safeParse(received.reference).success)
      return redirect(`${web}/shop/orders/${received.reference}?payment=${encodeURIComponent(received.status.toLowerCase())}`, { headers });
    return redirect(`${web}/shop/orders?payment=unverified`, { headers });
  },
});
