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
  handler: async ({ services }) => {
    const catalog = await catalogSnapshot(services);
    const rates = services.config.VAT_RATES;
    return ok(
      {
        publishers: catalog.publishers,
        works: catalog.works,
        packages: catalog.packages,
        currency: 'EUR',
        pricesIncludeVat: true,
        vatRatePercent: { EE: rates.EE / 100, FI: rates.FI / 100 },
      },
      { headers: { 'cache-control': 'public, max-age=300' } },
    );
  },
});
