import { z } from 'zod';

import { created, defineHttp, ok } from '../shared/http/index.js';
import { addMaterial, clientIdSchema, materialOutputSchema, MAX_MATERIAL_BYTES } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-upload',
  route: 'accounts/{accountId}/materials/{materialId}',
  methods: ['PUT'],
  summary:
    "Adds a file or text of the caller's own (LRN-4): the raw bytes as the body (at most 10 MiB), the name in `?name=`, under an id the client chooses (a retry of the same bytes answers 200 with the stored one). The type is decided by the content, never by the name or Content-Type: PDF, PNG, JPEG, GIF, WebP, plain UTF-8 text, DOCX, ODT; anything else (HTML, SVG, scripts, executables) is 415. At most 100 files and 200 MiB per account (409 material_quota). Never in a child's name (ACL-5).",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.annotate',
  params: z.object({ accountId: z.string().min(1).max(100), materialId: clientIdSchema }),
  // Checked in the handler, after access control, so a caller without the right learns nothing from a 4xx on it.
  query: z.object({ name: z.string().max(400).optional() }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.instanceof(Uint8Array),
  bodyTypes: ['bytes'],
  maxBodyBytes: MAX_MATERIAL_BYTES,
  successStatus: 201,
  otherStatuses: [200],
  output: materialOutputSchema,
  errors: ['material_name_invalid', 'material_empty', 'material_id_taken', 'material_quota', 'material_type_refused'],
  handler: async ({ params, query, body, services }) => {
    const result = await addMaterial(services, params.accountId, { materialId: params.materialId, name: query.name, bytes: body });
    return (result.created ? created : ok)(result.material);
  },
});
