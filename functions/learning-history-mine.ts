import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { historyPage, historyViewSchema } from '../shared/learning/index.js';
import { pagingQuery } from '../shared/platform/paging.js';

export default defineHttp({
  name: 'learning-history-mine',
  route: 'me/study-history',
  methods: ['GET'],
  summary:
    "The changes to the signed-in student's study information (grades, feedback, corrections, deleted answers) of the last 30 days, newest first (LRN-6): one single-partition query page of their own history.",
  tags: ['learning'],
  auth: 'session',
  capability: 'self.read',
  query: z.object(pagingQuery(100)),
  output: z.object({ history: z.array(historyViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ query, principal, services }) => {
    const page = await historyPage(services, principal.accountId, query);
    return ok({ history: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
