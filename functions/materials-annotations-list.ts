import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { ANNOTATION_PAGE_SIZE, annotationOutputSchema, annotationsQuery, annotationView, contentIdSchema } from '../shared/materials/index.js';
import { pageOf, pagingQuery } from '../shared/platform/paging.js';

export default defineHttp({
  name: 'materials-annotations-list',
  route: 'accounts/{accountId}/works/{workId}/annotations',
  methods: ['GET'],
  summary:
    "A user's notes, bookmarks and highlights in one work (LRN-4), oldest first, one page (one single-partition query); each with its ETag for changes. A parent reads their child's (ACL-5) while the child shares with parents.",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.read',
  params: z.object({ accountId: z.string().min(1).max(100), workId: contentIdSchema }),
  query: z.object(pagingQuery(ANNOTATION_PAGE_SIZE)),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: z.object({ annotations: z.array(annotationOutputSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, services }) => {
    const page = await pageOf(services, annotationsQuery(params.accountId, params.workId), query);
    return ok({ annotations: page.items.map(annotationView), ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
