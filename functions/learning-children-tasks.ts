import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { accountIdSchema, answerView, answerViewSchema, studentSchool, studentTaskPage, taskView, taskViewSchema } from '../shared/learning/index.js';
import { AppError } from '../shared/platform/errors.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-children-tasks',
  route: 'children/{childId}/tasks',
  methods: ['GET'],
  summary:
    "A parent reads their child's tasks and results (ACL-5), read-only, through a link the school confirmed and while the child shares with parents (ACC-4): ONE single-partition query page of the child's school, as the child sees it.",
  tags: ['learning', 'family'],
  auth: 'session',
  capability: 'task.read',
  params: z.object({ childId: accountIdSchema }),
  query: z.object({ schoolId: idSchema.optional(), ...pagingQuery(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  output: z.object({ schoolId: z.string(), tasks: z.array(taskViewSchema), answers: z.array(answerViewSchema), continuation: z.string().optional() }),
  errors: ['task_not_found'],
  handler: async ({ params, query, access, services }) => {
    // The access check read the child's account (ownChild): its school roles say where the child studies.
    const child = access.targetAccount;
    if (!child) throw new AppError('task_not_found');
    const schoolId = studentSchool(child, query.schoolId);
    const page = await studentTaskPage(services, params.childId, schoolId, query);
    return ok({
      schoolId,
      tasks: page.tasks.map((t) => taskView(t, false)),
      answers: page.answers.map((a) => answerView(a, 'student')),
      ...(page.continuation ? { continuation: page.continuation } : {}),
    });
  },
});
