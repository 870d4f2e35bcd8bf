import { z } from 'zod';

import { created, defineHttp, idempotencyKey, ok } from '../shared/http/index.js';
import {
  accountIdSchema,
  createTask,
  journalTarget,
  learningIdSchema,
  MAX_JOURNAL_STUDENTS,
  MAX_TASK_EXERCISES,
  taskView,
  taskViewSchema,
} from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

const contentId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a content id');
const instant = z.string().datetime({ offset: true });

export default defineHttp({
  name: 'learning-tasks-create',
  route: 'schools/{schoolId}/journals/{journalId}/tasks',
  methods: ['POST'],
  summary:
    "A journal's teacher assigns exercises or pages of one of the journal's works to its students, all or some, with a due date and an optional window (LRN-2). The task records the work's published version; answers are checked in it. An Idempotency-Key header makes a retry return the task the first attempt created (200).",
  tags: ['learning'],
  auth: 'session',
  idempotencyKey: true,
  capability: 'journal.write',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema }),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  body: z
    .strictObject({
      title: z.string().trim().min(1).max(200),
      instructions: z.string().trim().max(5000).optional(),
      workId: idSchema,
      exerciseIds: z.array(contentId).max(MAX_TASK_EXERCISES).default([]),
      pageIds: z.array(contentId).max(20).default([]),
      studentIds: z.array(accountIdSchema).min(1).max(MAX_JOURNAL_STUDENTS).optional(),
      dueAt: instant,
      opensAt: instant.optional(),
      closesAt: instant.optional(),
    })
    .refine((b) => b.exerciseIds.length + b.pageIds.length > 0, { message: 'name at least one exercise or page', path: ['exerciseIds'] }),
  successStatus: 201,
  otherStatuses: [200],
  output: taskViewSchema,
  errors: [
    'task_work_not_in_journal',
    'task_students_not_in_journal',
    'journal_archived',
    'task_content_unknown',
    'task_window_invalid',
    'journal_not_found',
  ],
  handler: async ({ params, body, access, services, request }) => {
    const { task, replayed } = await createTask(services, access.account, params.schoolId, params.journalId, body, idempotencyKey(request));
    const view = taskView(task, true);
    return replayed ? ok(view) : created(view);
  },
});
