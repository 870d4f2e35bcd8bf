import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { clientIdSchema, materialOutputSchema, readText } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-texts-get',
  route: 'accounts/{accountId}/texts/{materialId}',
  methods: ['GET'],
  summary: "One of the caller's own texts (LRN-4) as JSON: title, body and the ETag to send as If-Match when changing it.",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.annotate',
  params: z.object({ accountId: z.string().min(1).max(100), materialId: clientIdSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: materialOutputSchema.extend({ body: z.string() }),
  errors: ['material_not_found'],
  handler: async ({ params, services }) => {
    const text = await readText(services, params.accountId, params.materialId);
    return ok({ ...text.material, body: text.body }, { headers: { etag: text.material.etag! } });
  },
});
