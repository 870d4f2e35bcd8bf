import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { contentIdSchema, listJournalMaterials, sharedMaterialSchema } from '../shared/materials/index.js';

export default defineHttp({
  name: 'journals-materials-list',
  route: 'schools/{schoolId}/journals/{journalId}/materials',
  methods: ['GET'],
  summary: "The materials a journal's teachers shared with it (LRN-1, LRN-4), for the journal's teachers and students (one single-partition query).",
  tags: ['materials'],
  auth: 'session',
  capability: 'journal.materials.read',
  params: z.object({ schoolId: z.string().min(1).max(100), journalId: contentIdSchema }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ materials: z.array(sharedMaterialSchema) }),
  errors: ['journal_not_found'],
  handler: async ({ params, principal, services }) =>
    ok({ materials: await listJournalMaterials(services, principal.accountId, { schoolId: params.schoolId, journalId: params.journalId }) }),
});
