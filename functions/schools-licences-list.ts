import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listSchoolLicences, schoolLicenceViewSchema } from '../shared/store/index.js';

/** ACL-1: a school's administrators see which works their school licenses, for whom and until when; their school only. */
export default defineHttp({
  name: 'schools-licences-list',
  route: 'schools/{schoolId}/licences',
  methods: ['GET'],
  summary: "The school's licences (works, period, audience, seats, the invoice or contract), for its administrators (ACL-1), newest first (paged).",
  tags: ['schools', 'store'],
  auth: 'session',
  capability: 'school.licences.read',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  query: z.object(pagingQuery(100)),
  output: z.object({ licences: z.array(schoolLicenceViewSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, services }) => {
    const page = await listSchoolLicences(services, params.schoolId, query);
    return ok({ licences: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
