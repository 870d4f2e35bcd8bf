import { z } from 'zod';

import { processingEventView, processingEventViewSchema, processingHistory } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';

export default defineHttp({
  name: 'children-processing-history',
  route: 'children/{childId}/privacy/processing/history',
  methods: ['GET'],
  summary:
    'A parent reads the history of the restriction and objections of their child under 18 (PRIV-4, ACC-3), whose privacy they manage: every change, newest first, with time, who (the child or a parent) and channel; paged.',
  tags: ['family'],
  auth: 'session',
  capability: 'child.privacy.update',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  query: z.object(pagingQuery(100)),
  output: z.object({ events: z.array(processingEventViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ params, query, services }) => {
    const page = await processingHistory(services, params.childId, query);
    return ok({ events: page.items.map(processingEventView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
