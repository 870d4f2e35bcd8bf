import { defineTimer } from '../shared/platform/definitions.js';
import { inactiveAccountsRetention } from '../shared/retention/index.js';

/**
 * Daily at 01:00 UTC (03:00 or 04:00 in Estonia and Finland, after local midnight in both seasons), RET-9: the year's
 * notices from 1 July, the closures from 1 August; each a resumable job done once a year (ops/jobs shows them).
 */
export default defineTimer({
  name: 'retention-inactive-accounts',
  schedule: '0 0 1 * * *',
  handler: async ({ services, now }) => ({ counts: await inactiveAccountsRetention(services, now) }),
});
