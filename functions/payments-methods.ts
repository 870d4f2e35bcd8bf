import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { paymentMethods } from '../shared/payments/index.js';

const method = z.object({ name: z.string(), displayName: z.string(), logoUrl: z.string().optional() });

export default defineHttp({
  name: 'payments-methods',
  route: 'payments/methods',
  methods: ['GET'],
  summary:
    "The payment methods to show at checkout (STORE-3): Maksekeskus' bank links (Swedbank, SEB, LHV, Luminor, Coop, Pocopay) and cards for the country, cached and refreshed a few times a day, and whether prepayment invoices are offered.",
  tags: ['store'],
  auth: 'public',
  query: z.strictObject({ country: z.enum(['EE', 'FI']).default('EE') }),
  output: z.object({
    country: z.enum(['EE', 'FI']),
    fetchedAt: z.string().optional(),
    banklinks: z.array(method),
    cards: z.array(method),
    invoice: z.boolean(),
  }),
  errors: [],
  handler: async ({ query, services }) => ok(await paymentMethods(services, query.country), { headers: { 'cache-control': 'public, max-age=600' } }),
});
