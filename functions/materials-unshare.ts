import { z } from 'zod';

import { defineHttp, noContent, responds } from '../shared/http/index.js';
import { clientIdSchema, contentIdSchema, unshareMaterial } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-unshare',
  route: 'schools/{schoolId}/journals/{journalId}/materials/{materialId}',
  methods: ['DELETE'],
  summary:
    'The owner stops sharing one of their own materials with a journal (LRN-4), also after their teacher role there ended (the file is theirs; otherwise it could never be deleted). Stopping a share that is not there is 204.',
  tags: ['materials'],
  auth: 'session',
  // The caller's own material only (the share's id names the caller as owner): no school role needed to take it back.
  capability: 'material.annotate',
  params: z.object({ schoolId: z.string().min(1).max(100), journalId: contentIdSchema, materialId: clientIdSchema }),
  output: responds.noContent,
  errors: ['material_not_found'],
  handler: async ({ params, principal, services }) => {
    await unshareMaterial(services, principal.accountId, params.materialId, { schoolId: params.schoolId, journalId: params.journalId });
    return noContent();
  },
});
