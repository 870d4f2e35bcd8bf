import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { catalogSnapshot } from '../shared/store/index.js';

export default defineHttp({
  name: 'catalog-list',
  route: 'catalog',
  methods: ['GET'],
  summary:
    'The shop catalogue (STORE-1, STORE-2): publishers, distributed works (subjects, country) and the packages on sale with their VAT-inclusive price per licence month in euro cents, and the VAT rates by buyer country.',
  tags: ['store'],
  auth: 'public',
  output: z.object({
    publishers: z.array(z.object({ id: z.string(), name: z.string(), country: z.string() })),
    works: z.array(
      z.object({
        id: z.string(),
        publisherId: z.string(),
        title: z.string(),
        subjects: z.array(z.string()),
        country: z.string(),
        language: z.string().optional(),
        grades: z.array(z.number()).optional(),
      }),
    ),
    packages: z.array(
      z.object({
        id: z.string(),
        publisherId: z.string(),
        title: z.string(),
        workIds: z.array(z.string()),
        priceCentsPerMonth: z.number().int(),
        country: z.string(),
      }),
    ),
    currency: z.literal('EUR'),
    pricesIncludeVat: z.literal(true),
    vatRatePercent: z.object({ EE: z.number(), FI: z.number() }),
  }),
  errors: [],
  handler: async ({ services }) => {
    const catalog = await catalogSnapshot(services);
    const rates = services.config.VAT_RATES;
    return ok(
      {
        publishers: catalog.publishers,
        // Chapter ids are for counting usage (events/plausible.ts), not part of the shop's answer.
        works: catalog.works.map(({ chapterIds: _chapterIds, ...work }) => work),
        packages: catalog.packages,
        currency: 'EUR',
        pricesIncludeVat: true,
        vatRatePercent: { EE: rates.EE / 100, FI: rates.FI / 100 },
      },
      { headers: { 'cache-control': 'public, max-age=300' } },
    );
  },
});
