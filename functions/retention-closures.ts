import { defineTimer } from '../shared/platform/definitions.js';
import { closureRetention } from '../shared/retention/index.js';

/**
 * Daily at 01:30 UTC (RET-2, RET-4, RET-7): closed accounts whose 5 years from closure have passed are erased by the
 * erasure pipeline; one resumable job per local day (ops/jobs shows it), a missed day caught up by the next.
 */
export default defineTimer({
  name: 'retention-closures',
  schedule: '0 30 1 * * *',
  handler: async ({ services, now }) => ({ counts: await closureRetention(services, now) }),
});
