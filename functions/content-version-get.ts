import { z } from 'zod';

import { contentIdSchema, openVersion, studentVersionSchema, versionNoSchema, workIdSchema } from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-version-get',
  route: 'works/{workId}/versions/{versionNo}',
  methods: ['GET'],
  summary:
    'A published version of a work as students and teachers read it (issue 18): chapters, pages, blocks and exercises without answer keys (orderings and matchings shuffled); `chapter` for one chapter. Licence checked (403 work_not_licensed). Three Cosmos operations.',
  tags: ['content'],
  auth: 'session',
  capability: 'work.open',
  params: z.object({ workId: workIdSchema, versionNo: versionNoSchema }),
  query: z.object({ chapter: contentIdSchema.optional() }),
  output: studentVersionSchema,
  errors: ['work_not_licensed', 'work_chapter_not_found', 'work_version_not_found'],
  handler: async ({ params, query, principal, services }) =>
    ok(await openVersion(services, principal.accountId, params.workId, params.versionNo, query.chapter)),
});
