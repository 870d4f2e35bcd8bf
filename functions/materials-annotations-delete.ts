import { z } from 'zod';

import { defineHttp, noContent, responds } from '../shared/http/index.js';
import { clientIdSchema, deleteAnnotation } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-annotations-delete',
  route: 'accounts/{accountId}/annotations/{annotationId}',
  methods: ['DELETE'],
  summary:
    "Deletes one of the caller's notes, bookmarks or highlights (LRN-4); with If-Match only that version (else 409). Deleting one already gone is 204.",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.annotate',
  params: z.object({ accountId: z.string().min(1).max(100), annotationId: clientIdSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: responds.noContent,
  errors: ['annotation_changed'],
  handler: async ({ params, services, request }) => {
    await deleteAnnotation(services, params.accountId, params.annotationId, request.headers.get('if-match') ?? undefined);
    return noContent();
  },
});
