import { z } from 'zod';

import { answerSchema } from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { answerView, answerViewSchema, learningIdSchema, MAX_TASK_EXERCISES, saveAnswer } from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-answers-save',
  route: 'schools/{schoolId}/tasks/{taskId}/answer',
  methods: ['PUT'],
  summary:
    "A student saves a draft (submit: false) or submits (submit: true) their own answer to a task sent to them (LRN-3, ACL-4); a submission is checked automatically, with what was wrong per exercise, and marked late after the due date. Needs a licence for the work. Never in another's name: the student is the session's (ACL-5: parents are refused). Repeating the same submission changes nothing; a different one waits until the teacher allows it (409).",
  tags: ['learning'],
  auth: 'session',
  capability: 'task.submit',
  params: z.object({ schoolId: idSchema, taskId: learningIdSchema }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.strictObject({
    responses: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/), answerSchema)
      .refine((r) => Object.keys(r).length <= MAX_TASK_EXERCISES, 'too many answers'),
    submit: z.boolean().default(false),
  }),
  output: answerViewSchema,
  errors: [
    'answer_already_submitted',
    'answer_exercise_unknown',
    'task_not_found',
    'task_not_open',
    'work_not_licensed',
    'answer_invalid',
    'task_closed',
  ],
  handler: async ({ params, body, access, services }) =>
    ok(answerView(await saveAnswer(services, access.account, params.schoolId, params.taskId, body), 'student')),
});
