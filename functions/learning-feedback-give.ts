import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import {
  accountIdSchema,
  answerView,
  answerViewSchema,
  giveFeedback,
  gradeSchema,
  journalTarget,
  learningIdSchema,
} from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-feedback-give',
  route: 'schools/{schoolId}/journals/{journalId}/tasks/{taskId}/answers/{studentId}/feedback',
  methods: ['PUT'],
  summary:
    "A journal's teacher gives feedback on a submitted answer (LRN-3): corrections, a comment, points, a grade on the journal's scale (Estonian 1-5, Finnish 4-10, pass/fail or a percentage), publish, and allowResubmit. Fields given replace the earlier ones. Publishing, and every change to published feedback, is written to the student's 30-day history (LRN-6). Repeating the call changes nothing more.",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.write',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema, taskId: learningIdSchema, studentId: accountIdSchema }),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  body: z.strictObject({
    comment: z.string().trim().max(5000).optional(),
    corrections: z
      .array(z.strictObject({ exerciseId: z.string().max(64).optional(), text: z.string().trim().min(1).max(2000) }))
      .max(100)
      .optional(),
    points: z.number().finite().optional(),
    grade: gradeSchema.optional(),
    publish: z.boolean().optional(),
    allowResubmit: z.boolean().optional(),
  }),
  output: answerViewSchema,
  errors: ['journal_not_found', 'answer_not_found', 'grade_not_on_scale', 'points_out_of_range', 'answer_not_submitted'],
  handler: async ({ params, body, access, services }) =>
    ok(answerView(await giveFeedback(services, access.account, params.schoolId, params.journalId, params.taskId, params.studentId, body), 'teacher')),
});
