import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import {
  accountIdSchema,
  changeJournal,
  journalTarget,
  journalView,
  journalViewSchema,
  learningIdSchema,
  MAX_CO_TEACHERS,
  MAX_JOURNAL_STUDENTS,
  MAX_JOURNAL_WORKS,
} from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-journals-update',
  route: 'schools/{schoolId}/journals/{journalId}',
  methods: ['PATCH'],
  summary:
    "A journal's teacher changes it (LRN-1): name, the whole student list, the works used, co-teachers (the owner only), archived. Lists are given whole, so a retry changes nothing more. Once its school year has ended a journal is archived and read-only (409 journal_archived).",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.write',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema }),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  body: z.strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    studentIds: z.array(accountIdSchema).max(MAX_JOURNAL_STUDENTS).optional(),
    workIds: z.array(idSchema).max(MAX_JOURNAL_WORKS).optional(),
    coTeacherIds: z.array(accountIdSchema).max(MAX_CO_TEACHERS).optional(),
    archived: z.boolean().optional(),
  }),
  output: journalViewSchema,
  errors: ['journal_not_found', 'journal_archived', 'journal_people_invalid', 'journal_owner_only'],
  handler: async ({ params, body, access, services }) =>
    ok(journalView(await changeJournal(services, access.account, params.schoolId, params.journalId, body), services.clock.now())),
});
