import { z } from 'zod';

import { processingEventView, processingEventViewSchema, processingHistory } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';

export default defineHttp({
  name: 'privacy-processing-history',
  route: 'me/privacy/processing/history',
  methods: ['GET'],
  summary:
    "Every change of the signed-in user's restriction and objections (PRIV-4), newest first: what began or was lifted, when, by whom (the person or their parent) and through which channel; paged.",
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.read',
  query: z.object(pagingQuery(100)),
  output: z.object({ events: z.array(processingEventViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ principal, query, services }) => {
    const page = await processingHistory(services, principal.accountId, query);
    return ok({ events: page.items.map(processingEventView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
