import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { clientIdSchema, contentIdSchema, sharedMaterialSchema, shareMaterial } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-share',
  route: 'schools/{schoolId}/journals/{journalId}/materials/{materialId}',
  methods: ['PUT'],
  summary:
    "A teacher of the journal shares one of their own materials with it (LRN-4, LRN-1): the journal's students may then open it. Sharing again changes nothing. 404 journal_not_found when the caller does not teach the journal.",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.share',
  params: z.object({ schoolId: z.string().min(1).max(100), journalId: contentIdSchema, materialId: clientIdSchema }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: sharedMaterialSchema,
  errors: ['journal_not_found', 'material_not_found'],
  handler: async ({ params, principal, services }) =>
    ok(await shareMaterial(services, principal.accountId, params.materialId, { schoolId: params.schoolId, journalId: params.journalId })),
});
