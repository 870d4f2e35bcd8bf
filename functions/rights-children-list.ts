import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listRequestsAbout, requestView, requestViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-children-list',
  route: 'children/{childId}/privacy/requests',
  methods: ['GET'],
  summary: "The data-subject requests about my child under 18, with where each stands (PRIV-7): the school's decision included.",
  tags: ['privacy', 'family'],
  auth: 'session',
  capability: 'child.rights.read',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  query: z.object(pagingQuery(50)),
  output: z.object({ requests: z.array(requestViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ params, query, services }) => {
    const page = await listRequestsAbout(services, params.childId, query);
    return ok({ requests: page.items.map(requestView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
