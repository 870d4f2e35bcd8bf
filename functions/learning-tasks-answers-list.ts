import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { answerViewSchema, journalTarget, learningIdSchema, taskAnswersPage } from '../shared/learning/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-tasks-answers-list',
  route: 'schools/{schoolId}/journals/{journalId}/tasks/{taskId}/answers',
  methods: ['GET'],
  summary:
    "The students' answers to a task with their automatic results and the feedback (published or not), for the journal's teachers only (LRN-3, ACL-2): the journal, then one single-partition query page.",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.read',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema, taskId: learningIdSchema }),
  query: z.object(pagingQuery(200)),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  output: z.object({ answers: z.array(answerViewSchema), continuation: z.string().optional() }),
  errors: ['journal_not_found'],
  handler: async ({ params, query, access, services }) => {
    const page = await taskAnswersPage(services, access.account, params.schoolId, params.journalId, params.taskId, query);
    return ok({ answers: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
