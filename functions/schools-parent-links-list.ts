import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listLinks, parentLinkStatuses, parentLinkViewSchema } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-parent-links-list',
  route: 'schools/{schoolId}/parent-links',
  methods: ['GET'],
  summary: "The school's parent links for its administrator to review (ACC-3), newest request first; ?status=requested for the ones waiting.",
  tags: ['schools', 'family'],
  auth: 'session',
  capability: 'school.parentLinks.review',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  query: z.object({ status: z.enum(parentLinkStatuses).optional(), ...pagingQuery(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ parentLinks: z.array(parentLinkViewSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, services }) => {
    const page = await listLinks(services, params.schoolId, query.status, query);
    return ok({ parentLinks: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
