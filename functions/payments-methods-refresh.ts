import { refreshPaymentMethods } from '../shared/payments/index.js';
import { defineTimer } from '../shared/platform/definitions.js';

/** Three times a day: the cached list of Maksekeskus payment methods per country (STORE-3). */
export default defineTimer({
  name: 'payments-methods-refresh',
  schedule: '0 20 2,10,18 * * *',
  handler: async ({ services }) => {
    const refreshed = await Promise.all((['EE', 'FI'] as const).map((country) => refreshPaymentMethods(services, country)));
    return { counts: { countries: refreshed.filter(Boolean).length } };
  },
});
