import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { journalPage, journalTarget, journalViewSchema, learningIdSchema, taskViewSchema } from '../shared/learning/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-journals-get',
  route: 'schools/{schoolId}/journals/{journalId}',
  methods: ['GET'],
  summary:
    "A journal with its tasks by due date (LRN-1), ONE single-partition query page: for its teachers (ACL-2) and the class teacher of its class (ACL-3); the school's administrator gets the journal's students, teachers and works only (ACL-1). Anyone else: 404. Later pages (continuation) carry tasks only.",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.read',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema }),
  query: z.object(pagingQuery(100)),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  output: z.object({
    journal: journalViewSchema.optional(),
    role: z.enum(['teacher', 'classTeacher', 'admin']).optional(),
    tasks: z.array(taskViewSchema),
    continuation: z.string().optional(),
  }),
  errors: ['journal_not_found'],
  handler: async ({ params, query, access, services }) =>
    ok(await journalPage(services, access.account, access.grants, params.schoolId, params.journalId, query)),
});
