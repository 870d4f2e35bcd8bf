import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { journalTarget, learningIdSchema, readTaskStats, taskStatsSchema } from '../shared/learning/index.js';
import { AppError } from '../shared/platform/errors.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-tasks-stats',
  route: 'schools/{schoolId}/journals/{journalId}/tasks/{taskId}/stats',
  methods: ['GET'],
  summary:
    "A task's statistics (LRN-5) for the journal's teachers (ACL-2) and the class teacher of its class (ACL-3): completion, late submissions, the score distribution and each exercise's difficulty, with the caveat that they do not show overall success (et, fi, en). The journal, then one single-partition query of the task and its answers.",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.read',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema, taskId: learningIdSchema }),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  output: taskStatsSchema,
  errors: ['task_not_found', 'journal_not_found'],
  handler: async ({ params, access, services }) => {
    const stats = await readTaskStats(services, access.account, params.schoolId, params.journalId, params.taskId);
    if (!stats) throw new AppError('task_not_found');
    return ok(stats);
  },
});
