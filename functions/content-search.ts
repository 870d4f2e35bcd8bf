import { z } from 'zod';

import { searchWork, versionNoSchema, workIdSchema, workSearchSchema } from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-search',
  route: 'works/{workId}/versions/{versionNo}/search',
  methods: ['GET'],
  summary:
    "Full-text search inside a published version the reader may open (issue 18 item 6b): texts, titles and exercises' prompts and options, never answer keys; Finnish and English stemmed (Snowball), Estonian by word beginnings. At most 20 hits in reading order. Recorded as a usage event without its text (LOG-1). Three Cosmos operations.",
  tags: ['content'],
  auth: 'session',
  capability: 'work.open',
  params: z.object({ workId: workIdSchema, versionNo: versionNoSchema }),
  query: z.object({ q: z.string().trim().min(1).max(200) }),
  output: workSearchSchema,
  errors: ['work_not_licensed'],
  handler: async ({ params, query, principal, services }) =>
    ok({ hits: await searchWork(services, principal.accountId, params.workId, params.versionNo, query.q) }),
});
