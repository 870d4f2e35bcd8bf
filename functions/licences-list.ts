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
  handler: async ({ principal, query, services }) => {
    const page = await listLicences(services, principal.accountId, services.clock.now(), query);
    return ok({ licences: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
