import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { contentIdSchema, progressOutputSchema, readProgress } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-progress-get',
  route: 'accounts/{accountId}/works/{workId}/progress',
  methods: ['GET'],
  summary:
    "What a user has worked through in one work (LRN-4): pages and exercises visited or completed (one point read). A parent reads their child's (ACL-5).",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.read',
  params: z.object({ accountId: z.string().min(1).max(100), workId: contentIdSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: progressOutputSchema,
  errors: [],
  handler: async ({ params, services }) => ok(await readProgress(services, params.accountId, params.workId)),
});
