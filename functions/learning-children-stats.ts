import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { accountIdSchema, readStudentStats, studentSchool, studentStatsSchema } from '../shared/learning/index.js';
import { AppError } from '../shared/platform/errors.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-children-stats',
  route: 'children/{childId}/stats',
  methods: ['GET'],
  summary:
    "A parent reads their child's statistics per work and task (LRN-5, ACL-5), read-only, while the child shares with parents (ACC-4), with the caveat that they do not show overall success.",
  tags: ['learning', 'family'],
  auth: 'session',
  capability: 'task.read',
  params: z.object({ childId: accountIdSchema }),
  query: z.object({ schoolId: idSchema.optional() }),
  target: ({ params }) => ({ accountId: params.childId }),
  output: studentStatsSchema,
  errors: ['task_not_found'],
  handler: async ({ params, query, access, services }) => {
    const child = access.targetAccount;
    if (!child) throw new AppError('task_not_found');
    return ok(await readStudentStats(services, params.childId, studentSchool(child, query.schoolId)));
  },
});
