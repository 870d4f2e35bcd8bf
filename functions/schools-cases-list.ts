import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listCases, opsCaseViewSchema } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-cases-list',
  route: 'schools/{schoolId}/cases',
  methods: ['GET'],
  summary:
    "The operator's suspensions and read-only restrictions of the school's people (OPS-1), with the reason category and the comments, for the school's administrators; ?status=open for the current ones.",
  tags: ['schools', 'operations'],
  auth: 'session',
  capability: 'school.cases.review',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  query: z.object({ status: z.enum(['open', 'closed']).optional(), ...pagingQuery(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ cases: z.array(opsCaseViewSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, services }) => {
    const page = await listCases(services, params.schoolId, query.status, query);
    return ok({ cases: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
