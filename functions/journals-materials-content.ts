import { z } from 'zod';

import { defineHttp, ok, responds } from '../shared/http/index.js';
import { clientIdSchema, contentIdSchema, journalMaterialContent, MATERIAL_MEDIA_TYPES } from '../shared/materials/index.js';

export default defineHttp({
  name: 'journals-materials-content',
  route: 'schools/{schoolId}/journals/{journalId}/materials/{ownerId}/{materialId}/content',
  methods: ['GET'],
  summary: 'A journal member downloads a material shared with the journal (LRN-4): as an attachment, nosniff, never rendered (as materials-content).',
  tags: ['materials'],
  auth: 'session',
  capability: 'journal.materials.read',
  params: z.object({
    schoolId: z.string().min(1).max(100),
    journalId: contentIdSchema,
    ownerId: z.string().min(1).max(100),
    materialId: clientIdSchema,
  }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: responds.file(...MATERIAL_MEDIA_TYPES),
  errors: ['journal_not_found', 'material_not_found'],
  handler: async ({ params, principal, services }) => {
    const content = await journalMaterialContent(
      services,
      principal.accountId,
      { schoolId: params.schoolId, journalId: params.journalId },
      params.ownerId,
      params.materialId,
    );
    return ok(content.bytes, { headers: content.headers });
  },
});
