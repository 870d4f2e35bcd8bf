import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { readStudentStats, studentSchool, studentStatsSchema } from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-stats-mine',
  route: 'me/stats',
  methods: ['GET'],
  summary:
    "The signed-in student's statistics per work and task in a school (LRN-5, ACL-4), with the caveat that they do not show overall success (et, fi, en): one single-partition query of their own answers.",
  tags: ['learning'],
  auth: 'session',
  capability: 'task.read',
  query: z.object({ schoolId: idSchema.optional() }),
  output: studentStatsSchema,
  errors: [],
  handler: async ({ query, access, services }) =>
    ok(await readStudentStats(services, access.account.accountId, studentSchool(access.account, query.schoolId))),
});
