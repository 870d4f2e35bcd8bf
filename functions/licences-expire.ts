import { defineTimer } from '../shared/platform/definitions.js';
import { expireLicences } from '../shared/store/index.js';

/** Hourly: orders whose licence period has ended become expired (access already stops at the period's end). */
export default defineTimer({
  name: 'licences-expire',
  schedule: '0 7 * * * *',
  handler: async ({ services, now }) => ({ counts: { expired: await expireLicences(services, now) } }),
});
