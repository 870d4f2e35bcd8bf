import { defineTimer } from '../shared/platform/definitions.js';
import { runJob } from '../shared/platform/jobs.js';
import { followUpRequests } from '../shared/rights/index.js';

/**
 * Hourly (PRIV-7): tells schools of forwarded requests, reminds 7 days before the due date, escalates when it passes.
 * On the job runner for its record in ops/jobs; one page (the open requests, one partition), each step marked on its
 * request, so a run that died is simply done again.
 */
export default defineTimer({
  name: 'rights-followup',
  schedule: '0 23 * * * *',
  handler: async ({ services, now }) => {
    const { job } = await runJob(
      services,
      { name: 'rights-followup', period: 'sweep' },
      async () => ({ counts: await followUpRequests(services, now), next: undefined }),
      { again: true },
    );
    return { counts: job.counts };
  },
});
