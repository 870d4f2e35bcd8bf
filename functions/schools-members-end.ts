import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { endRole } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-members-end',
  route: 'schools/{schoolId}/members/{accountId}/end-role',
  methods: ['POST'],
  summary: "Ends a person's role in the school; the school's access to them through that role ends at once (ACC-4).",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.members.manage',
  params: z.object({ schoolId: z.string().min(1).max(100), accountId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.strictObject({ role: z.enum(['student', 'teacher', 'classTeacher', 'schoolAdmin']), classId: z.string().max(100).optional() }),
  output: z.object({ status: z.literal('ended') }),
  errors: ['member_not_found'],
  handler: async ({ params, body, principal, services }) => {
    const ended = await endRole(services, { ...params, ...body, by: principal.accountId });
    if (!ended) throw new AppError('member_not_found');
    return ok({ status: 'ended' });
  },
});
