import { z } from 'zod';

import { defineHttp, noContent, responds } from '../shared/http/index.js';
import { accountIdSchema, deleteAnswer, journalTarget, learningIdSchema } from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-answers-delete',
  route: 'schools/{schoolId}/journals/{journalId}/tasks/{taskId}/answers/{studentId}',
  methods: ['DELETE'],
  summary:
    "A journal's teacher deletes a student's answer (LRN-3); the student may answer again. The deletion is in the student's 30-day history for them and their parents (LRN-6). Deleting again finds nothing (404).",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.write',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema, taskId: learningIdSchema, studentId: accountIdSchema }),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  output: responds.noContent,
  errors: ['journal_not_found', 'answer_not_found'],
  handler: async ({ params, access, services }) => {
    await deleteAnswer(services, access.account, params.schoolId, params.journalId, params.taskId, params.studentId);
    return noContent();
  },
});
