import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { memberViewSchema, pageMemberships, visibleMembers } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-members-list',
  route: 'schools/{schoolId}/members',
  methods: ['GET'],
  summary:
    "The school's people: administrators see everyone with roles, classes and e-mails (ACL-1); teachers see the students with their classes and e-mails (ACL-2). One single-partition query per page (a page holds up to pageSize roles; a person's roles are adjacent).",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.members.read',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  query: z.object({ classId: z.string().max(100).optional(), ...pagingQuery(200) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ members: z.array(memberViewSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, access, services }) => {
    const page = await pageMemberships(services, params.schoolId, access.grants, { classId: query.classId }, query);
    return ok({ members: visibleMembers(page.items, access.grants), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
