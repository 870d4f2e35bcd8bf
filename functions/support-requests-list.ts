import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listRequests, supportRequestView, supportRequestViewSchema } from '../shared/support/index.js';

export default defineHttp({
  name: 'support-requests-list',
  route: 'me/support-requests',
  methods: ['GET'],
  summary: "The signed-in user's support requests with their whole history (ACC-6).",
  tags: ['support'],
  auth: 'session',
  capability: 'self.read',
  query: z.object(pagingQuery(20)),
  output: z.object({ requests: z.array(supportRequestViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ principal, query, services }) => {
    const page = await listRequests(services, principal.accountId, query);
    return ok({ requests: page.items.map(supportRequestView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
