import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { officerQueue, queueEntryView, queueEntryViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-ops-queue',
  route: 'ops/privacy/requests',
  methods: ['GET'],
  summary:
    "The privacy officer's queue (PRIV-7): every open data-subject request, the one due first on top (overdue ones escalated); one query per page.",
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.rights.manage',
  query: z.object(pagingQuery(100)),
  output: z.object({ requests: z.array(queueEntryViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ query, services }) => {
    const page = await officerQueue(services, query);
    return ok({ requests: page.items.map(queueEntryView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
