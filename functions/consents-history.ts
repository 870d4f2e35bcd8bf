import { z } from 'zod';

import { consentEventView, consentEventViewSchema, consentHistory } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';

export default defineHttp({
  name: 'consents-history',
  route: 'me/consents/history',
  methods: ['GET'],
  summary: 'Every consent the signed-in user gave or withdrew (PRIV-6), newest first, with text version, channel and time; paged.',
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.read',
  query: z.object(pagingQuery(100)),
  output: z.object({ events: z.array(consentEventViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ principal, query, services }) => {
    const page = await consentHistory(services, principal.accountId, query);
    return ok({ events: page.items.map(consentEventView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
