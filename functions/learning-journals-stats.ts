import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { journalStatsSchema, journalTarget, learningIdSchema, readJournalStats } from '../shared/learning/index.js';
import { idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'learning-journals-stats',
  route: 'schools/{schoolId}/journals/{journalId}/stats',
  methods: ['GET'],
  summary:
    "A journal's statistics (LRN-5) for its teachers (ACL-2) and the class teacher of its class (ACL-3): each task's completion and average, the score distribution and exercise difficulty over all tasks, with the caveat that they do not show overall success (et, fi, en). The journal, then one single-partition query of its tasks and answers.",
  tags: ['learning'],
  auth: 'session',
  capability: 'journal.read',
  params: z.object({ schoolId: idSchema, journalId: learningIdSchema }),
  target: ({ params }) => journalTarget(params.schoolId, params.journalId),
  output: journalStatsSchema,
  errors: ['journal_not_found'],
  handler: async ({ params, access, services }) => ok(await readJournalStats(services, access.account, params.schoolId, params.journalId)),
});
