import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listLicences } from '../shared/store/index.js';

export default defineHttp({
  name: 'licences-list',
  route: 'licences',
  methods: ['GET'],
  summary: "The signed-in user's licences per work: whether they may open it now, until when, and the periods from their orders (STORE-4, STORE-6).",
  tags: ['store'],
  auth: 'session',
  capability: 'self.read',
  query: z.object(pagingQuery(100)),
  output: z.object({
    licences: z.array(
      z.object({
        workId: z.string(),
        publisherId: z.string(),
        allowed: z.boolean(),
        until: z.string().optional(),
        periods: z.array(
          z.object({ orderId: z.string(), from: z.string(), until: z.string(), endedAt: z.string().optional(), endReason: z.string().optional() }),
        ),
        schoolPeriods: z.array(z.object({ schoolId: z.string(), from: z.string(), until: z.string() })).optional(),
      }),
    ),
    continuation: z.string().optional(),
  }),
  errors: ['invalid_continuation'],
  handler: async ({ principal, query, services }) => {
    const page = await listLicences(services, principal.accountId, services.clock.now(), query);
    return ok({ licences: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
