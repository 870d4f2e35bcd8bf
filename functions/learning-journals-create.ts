import { z } from 'zod';

import { created, defineHttp, idempotencyKey, ok } from '../shared/http/index.js';
import {
  accountIdSchema,
  createJournal,
  gradingScales,
  journalView,
  journalViewSchema,
  MAX_CO_TEACHERS,
  MAX_JOURNAL_STUDENTS,
  MAX_JOURNAL_WORKS,
  subjectSchema,
} from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

const consecutiveYears = (y: string) => Number(y.slice(5)) === Number(y.slice(0, 4)) + 1;

export default defineHttp({
  name: 'learning-journals-create',
  route: 'schools/{schoolId}/subjects/{subject}/journals',
  methods: ['POST'],
  summary:
    'A teacher creates a study journal (LRN-1) for a class (classId; its students unless studentIds names some) or a study group (groupName) and a subject they teach (ACL-2; co-teachers teach it too), with the works used and co-teachers. An Idempotency-Key header makes a retry return the journal the first attempt created (200).',
  tags: ['learning'],
  auth: 'session',
  idempotencyKey: true,
  capability: 'journal.write',
  params: z.object({ schoolId: idSchema, subject: subjectSchema }),
  target: ({ params }) => ({ schoolId: params.schoolId, subject: params.subject }),
  body: z
    .strictObject({
      name: z.string().trim().min(1).max(200),
      classId: idSchema.optional(),
      groupName: z.string().trim().min(1).max(100).optional(),
      schoolYear: z
        .string()
        .regex(/^\d{4}\/\d{4}$/)
        .refine(consecutiveYears, 'must be two consecutive years, e.g. 2026/2027')
        .optional(),
      gradingScale: z.enum(gradingScales).optional(),
      studentIds: z.array(accountIdSchema).max(MAX_JOURNAL_STUDENTS).optional(),
      workIds: z.array(idSchema).max(MAX_JOURNAL_WORKS),
      coTeacherIds: z.array(accountIdSchema).max(MAX_CO_TEACHERS).optional(),
    })
    .refine((b) => Boolean(b.classId) !== Boolean(b.groupName), { message: 'give either classId or groupName', path: ['classId'] }),
  successStatus: 201,
  otherStatuses: [200],
  output: journalViewSchema,
  errors: ['journal_people_invalid', 'journal_class_not_found', 'grading_scale_not_allowed'],
  handler: async ({ params, body, access, services, request }) => {
    const { journal, replayed } = await createJournal(
      services,
      access.account,
      params.schoolId,
      { ...body, subject: params.subject },
      idempotencyKey(request),
    );
    const view = journalView(journal, services.clock.now());
    return replayed ? ok(view) : created(view);
  },
});
