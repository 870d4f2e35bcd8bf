import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import {
  accountIdSchema,
  changeTask,
  journalTarget,
  learningIdSchema,
  MAX_JOURNAL_STUDENTS,
  taskView,
  taskViewSchema,
} from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

const instant = z.string().datetime({ offset: true });

export default defineHttp({
  name: 'learning-tasks-update',
  route: 'schools/{schoolId}/journals/{journalId}/tasks/{taskId}',
  methods: ['PATCH'],
  summary:
    "A journal's teacher changes a task (LRN-2): title, due date, window (null removes its start or end), which of the journal's students it is sent to (given whole). Answers already made stay; the exercises and the work version do not change. Repeating a change changes nothing.",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.write',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema, taskId: learningIdSchema }),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  body: z
    .strictObject({
      title: z.string().trim().min(1).max(200).optional(),
      dueAt: instant.optional(),
      opensAt: instant.nullable().optional(),
      closesAt: instant.nullable().optional(),
      studentIds: z.array(accountIdSchema).min(1).max(MAX_JOURNAL_STUDENTS).optional(),
    })
    .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' }),
  output: taskViewSchema,
  errors: ['journal_not_found', 'journal_archived', 'task_not_found', 'task_window_invalid', 'task_students_not_in_journal'],
  handler: async ({ params, body, access, services }) =>
    ok(taskView(await changeTask(services, access.account, params.schoolId, params.journalId, params.taskId, body), true)),
});
