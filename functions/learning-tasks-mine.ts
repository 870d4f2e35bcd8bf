import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { answerView, answerViewSchema, studentSchool, studentTaskPage, taskView, taskViewSchema } from '../shared/learning/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-tasks-mine',
  route: 'me/tasks',
  methods: ['GET'],
  summary:
    'The tasks sent to the signed-in student in a school (their only school unless schoolId names one) and their own answers, late ones marked (LRN-2, ACL-4): ONE single-partition query page. A task and its answer may fall on different pages; both carry taskId.',
  tags: ['learning'],
  auth: 'session',
  capability: 'task.read',
  query: z.object({ schoolId: idSchema.optional(), ...pagingQuery(100) }),
  output: z.object({ schoolId: z.string(), tasks: z.array(taskViewSchema), answers: z.array(answerViewSchema), continuation: z.string().optional() }),
  errors: ['task_not_found'],
  handler: async ({ query, access, services }) => {
    const schoolId = studentSchool(access.account, query.schoolId);
    const page = await studentTaskPage(services, access.account.accountId, schoolId, query);
    return ok({
      schoolId,
      tasks: page.tasks.map((t) => taskView(t, false)),
      answers: page.answers.map((a) => answerView(a, 'student')),
      ...(page.continuation ? { continuation: page.continuation } : {}),
    });
  },
});
