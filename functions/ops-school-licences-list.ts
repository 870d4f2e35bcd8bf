import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listSchoolLicences, schoolLicenceViewSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'ops-school-licences-list',
  route: 'ops/schools/{schoolId}/licences',
  methods: ['GET'],
  summary: "Operator administrators list a school's licences, newest first (paged).",
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.schoolLicences.manage',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  query: z.object(pagingQuery(100)),
  output: z.object({ licences: z.array(schoolLicenceViewSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, services }) => {
    const page = await listSchoolLicences(services, params.schoolId, query);
    return ok({ licences: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
