import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { contentIdSchema, JOURNAL_MATERIALS_PAGE, listJournalMaterials, sharedMaterialSchema } from '../shared/materials/index.js';
import { pagingQuery } from '../shared/platform/paging.js';

export default defineHttp({
  name: 'journals-materials-list',
  route: 'schools/{schoolId}/journals/{journalId}/materials',
  methods: ['GET'],
  summary: `The materials a journal's teachers shared with it (LRN-1, LRN-4), for the journal's teachers and students: one single-partition query per page (${JOURNAL_MATERIALS_PAGE} by default; \`continuation\` gives the next).`,
  tags: ['materials'],
  auth: 'session',
  capability: 'journal.materials.read',
  params: z.object({ schoolId: z.string().min(1).max(100), journalId: contentIdSchema }),
  query: z.object(pagingQuery(JOURNAL_MATERIALS_PAGE)),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ materials: z.array(sharedMaterialSchema), continuation: z.string().optional() }),
  errors: ['journal_not_found', 'invalid_continuation'],
  handler: async ({ params, query, principal, services }) =>
    ok(await listJournalMaterials(services, principal.accountId, { schoolId: params.schoolId, journalId: params.journalId }, query)),
});
