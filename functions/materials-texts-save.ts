import { z } from 'zod';

import { created, defineHttp, ok } from '../shared/http/index.js';
import { clientIdSchema, materialOutputSchema, MAX_TEXT_CHARACTERS, MAX_TEXT_TITLE, saveSharedText } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-texts-save',
  route: 'accounts/{accountId}/texts/{materialId}',
  methods: ['PUT'],
  summary: `Writes one of the caller's own texts (LRN-4) as JSON: a title (at most ${MAX_TEXT_TITLE} characters) and a body (plain text, at most ${MAX_TEXT_CHARACTERS} characters), under an id the client chooses: 201 when new (the same title and body again answer 200). Changing it needs If-Match with its ETag (a change made elsewhere meanwhile: 409 material_changed, nothing stored). Kept as an own material: the same list, download, quota (100 files, 200 MiB per account: 409 material_quota), export and erasure. A text shared with journals is changed for them too: their students open the new version. Never in a child's name (ACL-5).`,
  tags: ['materials'],
  auth: 'session',
  capability: 'material.annotate',
  params: z.object({ accountId: z.string().min(1).max(100), materialId: clientIdSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.strictObject({ title: z.string().trim().min(1).max(MAX_TEXT_TITLE), body: z.string().min(1).max(MAX_TEXT_CHARACTERS) }),
  successStatus: 201,
  otherStatuses: [200],
  output: materialOutputSchema.extend({ body: z.string() }),
  errors: [
    'material_not_found',
    'material_id_taken',
    'if_match_required',
    'material_changed',
    'material_quota',
    'material_empty',
    'material_type_refused',
  ],
  handler: async ({ params, body, services, request }) => {
    const { text, created: isNew } = await saveSharedText(
      services,
      params.accountId,
      params.materialId,
      body,
      request.headers.get('if-match') ?? undefined,
    );
    return (isNew ? created : ok)({ ...text.material, body: text.body }, { headers: { etag: text.material.etag! } });
  },
});
