import { sweepUnfinishedClosures } from '../shared/consents/index.js';
import { defineTimer } from '../shared/platform/definitions.js';

/**
 * Hourly, PRIV-8: closed accounts whose queued closure work was lost (the send failed after the account was marked
 * closed) are queued again; a resumable job per hour (ops/jobs shows them).
 */
export default defineTimer({
  name: 'accounts-closure-sweep',
  schedule: '0 17 * * * *',
  handler: async ({ services, now }) => ({ counts: await sweepUnfinishedClosures(services, now) }),
});
