import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { contentIdSchema, progressEventsSchema, progressOutputSchema, recordProgress } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-progress-record',
  route: 'accounts/{accountId}/works/{workId}/progress',
  methods: ['POST'],
  summary:
    "Records a batch of up to 100 progress events (a page or exercise visited or completed) in one write (LRN-4); completed stays completed, and a repeated batch changes nothing. The caller's own only (ACL-5).",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.annotate',
  params: z.object({ accountId: z.string().min(1).max(100), workId: contentIdSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: progressEventsSchema,
  output: progressOutputSchema,
  errors: [],
  handler: async ({ params, body, services }) => ok(await recordProgress(services, params.accountId, params.workId, body.events)),
});
