import { defineTimer } from '../shared/platform/definitions.js';
import { expireLicences } from '../shared/store/index.js';

/** Hourly: orders whose licence period has ended become expired (access already stops at the period's end); ops/jobs shows the run. */
export default defineTimer({
  name: 'licences-expire',
  schedule: '0 7 * * * *',
  handler: async ({ services, now }) => ({ counts: await expireLicences(services, now) }),
});
