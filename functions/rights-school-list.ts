import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { requestStates, schoolEntryView, schoolEntryViewSchema, schoolRequests } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-school-list',
  route: 'schools/{schoolId}/privacy/requests',
  methods: ['GET'],
  summary:
    "The data-subject requests forwarded to the school as controller of its students' school data (PRIV-7), newest first; ?state=waiting-for-school for the ones to decide.",
  tags: ['privacy', 'schools'],
  auth: 'session',
  capability: 'school.rights.review',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  query: z.object({ state: z.enum(requestStates).optional(), ...pagingQuery(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ requests: z.array(schoolEntryViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ params, query, services }) => {
    const page = await schoolRequests(services, params.schoolId, query.state, query);
    return ok({ requests: page.items.map(schoolEntryView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
