import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { MAX_MONTHS, pricingSchema, quote } from '../shared/store/index.js';

export default defineHttp({
  name: 'store-quote',
  route: 'store/quote',
  methods: ['GET'],
  summary:
    "The price (VAT at the signed-in buyer's country rate), licence period and the no-withdrawal text (STORE-7) for a package, months and start date, before ordering.",
  tags: ['store'],
  auth: 'session',
  capability: 'self.read',
  query: z.strictObject({
    publisherId: z.string().min(1).max(100),
    packageId: z.string().min(1).max(100),
    months: z.coerce.number().int().min(1).max(MAX_MONTHS),
    startDate: z.iso.date().optional(),
  }),
  output: z.object({
    publisherId: z.string(),
    packageId: z.string(),
    packageTitle: z.string(),
    works: z.array(z.object({ workId: z.string(), title: z.string() })),
    // The quote carries the rate in basis points as well (the order view leaves it out).
    pricing: pricingSchema.extend({ vatRateBasisPoints: z.number().int() }),
    licence: z.object({ startDate: z.string(), endDate: z.string(), months: z.number().int() }),
    acknowledgementText: z.string(),
  }),
  errors: [],
  handler: async ({ query, access, services, language }) => ok(await quote(services, access.account, query, language)),
});
