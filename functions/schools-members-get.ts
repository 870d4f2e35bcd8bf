import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { memberOrThrow, memberViewSchema } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-members-get',
  route: 'schools/{schoolId}/members/{accountId}',
  methods: ['GET'],
  summary: 'One person of the school, as the caller may see them; 404 once their role has ended.',
  tags: ['schools'],
  auth: 'session',
  capability: 'school.members.read',
  params: z.object({ schoolId: z.string().min(1).max(100), accountId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: memberViewSchema,
  errors: ['member_not_found'],
  handler: async ({ params, access, services }) => ok(await memberOrThrow(services, params.schoolId, params.accountId, access.grants)),
});
