import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { listMaterials, materialOutputSchema } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-list',
  route: 'accounts/{accountId}/materials',
  methods: ['GET'],
  summary:
    "A user's own materials (files and texts they added, LRN-4), with the journals each is shared with (one point read). A parent reads their child's (ACL-5).",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.read',
  params: z.object({ accountId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: z.object({ materials: z.array(materialOutputSchema) }),
  errors: [],
  handler: async ({ params, services }) => ok({ materials: await listMaterials(services, params.accountId) }),
});
