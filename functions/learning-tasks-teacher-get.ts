import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { journalTarget, learningIdSchema, readJournalTask, taskViewSchema } from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-tasks-teacher-get',
  route: 'schools/{schoolId}/journals/{journalId}/tasks/{taskId}',
  methods: ['GET'],
  summary:
    "A journal's task for its teachers, with the exercises' keys and the guidance for open answers (LRN-3: grading); the class teacher of its class sees it without keys (ACL-3). Two point reads.",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.read',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema, taskId: learningIdSchema }),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  output: taskViewSchema.extend({ exercises: z.array(z.record(z.string(), z.unknown())) }),
  errors: ['journal_not_found', 'task_not_found'],
  handler: async ({ params, access, services }) =>
    ok(await readJournalTask(services, access.account, params.schoolId, params.journalId, params.taskId)),
});
