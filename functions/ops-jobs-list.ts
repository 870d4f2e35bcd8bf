import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { jobView, jobViewSchema, listJobs } from '../shared/platform/jobs.js';
import { pagingQuery } from '../shared/platform/paging.js';

export default defineHttp({
  name: 'ops-jobs-list',
  route: 'ops/jobs',
  methods: ['GET'],
  summary: 'Operators see the retention jobs (RET-9, issue 13): each job and period with its state, pages done and counts, newest first.',
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.jobs.read',
  query: z.object(pagingQuery(100)),
  output: z.object({ jobs: z.array(jobViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ query, services }) => {
    const page = await listJobs(services, query);
    return ok({ jobs: page.items.map(jobView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
