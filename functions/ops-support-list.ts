import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listRequests, supportRequestStaffView, supportRequestStaffViewSchema } from '../shared/support/index.js';

export default defineHttp({
  name: 'ops-support-list',
  route: 'ops/accounts/{accountId}/support-requests',
  methods: ['GET'],
  summary: "User support reads a person's support requests (ACC-6, ACL-7); every look is in the person's audit log.",
  tags: ['operations', 'support'],
  auth: 'session',
  capability: 'ops.support.read',
  params: z.object({ accountId: z.string().min(1).max(100) }),
  query: z.object(pagingQuery(20)),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: z.object({ requests: z.array(supportRequestStaffViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ params, query, services }) => {
    const page = await listRequests(services, params.accountId, query);
    return ok({ requests: page.items.map(supportRequestStaffView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
