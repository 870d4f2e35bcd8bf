import { z } from 'zod';

import { defineHttp, noContent, responds } from '../shared/http/index.js';
import { clientIdSchema, deleteMaterial } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-delete',
  route: 'accounts/{accountId}/materials/{materialId}',
  methods: ['DELETE'],
  summary:
    "Deletes one of the caller's own materials and its file (LRN-4); one still shared with a journal is 409 material_shared. Never in a child's name (ACL-5).",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.annotate',
  params: z.object({ accountId: z.string().min(1).max(100), materialId: clientIdSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: responds.noContent,
  errors: ['material_not_found', 'material_shared'],
  handler: async ({ params, services }) => {
    await deleteMaterial(services, params.accountId, params.materialId);
    return noContent();
  },
});
