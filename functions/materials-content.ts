import { z } from 'zod';

import { defineHttp, ok, responds } from '../shared/http/index.js';
import { clientIdSchema, findMaterial, MATERIAL_MEDIA_TYPES, materialContent } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-content',
  route: 'accounts/{accountId}/materials/{materialId}/content',
  methods: ['GET'],
  summary:
    "Downloads one of a user's own materials (LRN-4; a parent, their child's, ACL-5): always as an attachment, with the type sniffed at upload, X-Content-Type-Options: nosniff and a sandboxing Content-Security-Policy, never rendered as a page.",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.read',
  params: z.object({ accountId: z.string().min(1).max(100), materialId: clientIdSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: responds.file(...MATERIAL_MEDIA_TYPES),
  errors: ['material_not_found'],
  handler: async ({ params, services }) => {
    const content = await materialContent(services, await findMaterial(services, params.accountId, params.materialId));
    return ok(content.bytes, { headers: content.headers });
  },
});
