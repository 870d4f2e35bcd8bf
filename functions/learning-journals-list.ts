import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { accountIdSchema, journalViewSchema, listJournals, subjectSchema } from '../shared/learning/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-journals-list',
  route: 'schools/{schoolId}/journals',
  methods: ['GET'],
  summary:
    "Journals of a school, one single-partition query page (LRN-1): the administrator every journal with its students and works, so the works used in each student's journals (ACL-1; studentId narrows to one student); a teacher the journals they teach of the subject named (subject=, ACL-2); a class teacher every journal of the class named (classId=, ACL-3). archived=true|false filters.",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.read',
  params: z.object({ schoolId: idSchema }),
  query: z.object({
    subject: subjectSchema.optional(),
    classId: idSchema.optional(),
    studentId: accountIdSchema.optional(),
    archived: z.enum(['true', 'false']).optional(),
    ...pagingQuery(100),
  }),
  target: ({ params, query }) => ({
    schoolId: params.schoolId,
    ...(query.subject ? { subject: query.subject } : {}),
    ...(query.classId ? { classId: query.classId } : {}),
  }),
  output: z.object({ journals: z.array(journalViewSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, access, services }) => {
    const page = await listJournals(
      services,
      access.account,
      access.grants,
      params.schoolId,
      {
        subject: query.subject,
        classId: query.classId,
        studentId: query.studentId,
        archived: query.archived === undefined ? undefined : query.archived === 'true',
      },
      query,
    );
    return ok({ journals: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
