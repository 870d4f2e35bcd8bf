import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import {
  answerView,
  answerViewSchema,
  learningIdSchema,
  readOwnAnswer,
  readStudentTask,
  studentTaskView,
  taskViewSchema,
} from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-tasks-get',
  route: 'schools/{schoolId}/tasks/{taskId}',
  methods: ['GET'],
  summary:
    "A task sent to the signed-in student, its exercises without their keys, and the student's own answer with the automatic results and the teacher's feedback once published (LRN-2, LRN-3, ACL-4): two point reads.",
  tags: ['learning'],
  auth: 'session',
  capability: 'task.read',
  params: z.object({ schoolId: idSchema, taskId: learningIdSchema }),
  output: z.object({ task: taskViewSchema.extend({ exercises: z.array(z.record(z.string(), z.unknown())) }), answer: answerViewSchema.optional() }),
  errors: ['task_not_found'],
  handler: async ({ params, access, principal, services }) => {
    const task = await readStudentTask(services, access.account, params.schoolId, params.taskId);
    const answer = await readOwnAnswer(services, principal.accountId, params.schoolId, params.taskId);
    return ok({ task: studentTaskView(task), ...(answer ? { answer: answerView(answer, 'student') } : {}) });
  },
});
