import { defineTimer } from '../shared/platform/definitions.js';
import { followUpRequests } from '../shared/rights/index.js';

/** Hourly (PRIV-7): tells schools of forwarded requests, reminds 7 days before the due date, escalates when it passes. */
export default defineTimer({
  name: 'rights-followup',
  schedule: '0 23 * * * *',
  handler: async ({ services, now }) => ({ counts: await followUpRequests(services, now) }),
});
