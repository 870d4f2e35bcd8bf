import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listRequestsAbout, requestView, requestViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-me-list',
  route: 'me/privacy/requests',
  methods: ['GET'],
  summary: 'The data-subject requests about me, newest first, with where each stands (PRIV-7); one query per page.',
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.read',
  query: z.object(pagingQuery(50)),
  output: z.object({ requests: z.array(requestViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ principal, query, services }) => {
    const page = await listRequestsAbout(services, principal.accountId, query);
    return ok({ requests: page.items.map(requestView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
