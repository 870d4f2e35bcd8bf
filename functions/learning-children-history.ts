import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { accountIdSchema, historyPage, historyViewSchema } from '../shared/learning/index.js';
import { pagingQuery } from '../shared/platform/paging.js';

export default defineHttp({
  name: 'learning-children-history',
  route: 'children/{childId}/study-history',
  methods: ['GET'],
  summary:
    "A confirmed parent reads their child's 30-day history of changes to study information (LRN-6, ACL-5); hidden when the adult child stops sharing with parents (ACC-4, at once).",
  tags: ['learning', 'family'],
  auth: 'session',
  capability: 'child.read',
  params: z.object({ childId: accountIdSchema }),
  query: z.object(pagingQuery(100)),
  target: ({ params }) => ({ accountId: params.childId }),
  output: z.object({ history: z.array(historyViewSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, services }) => {
    const page = await historyPage(services, params.childId, query);
    return ok({ history: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
