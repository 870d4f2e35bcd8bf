import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { annotationChangeSchema, annotationOutputSchema, clientIdSchema, updateAnnotation } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-annotations-update',
  route: 'accounts/{accountId}/annotations/{annotationId}',
  methods: ['PATCH'],
  summary:
    "Changes one of the caller's notes, bookmarks or highlights (LRN-4). If-Match with its current ETag is required: a change made meanwhile elsewhere answers 409 annotation_changed, never a silent overwrite.",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.annotate',
  params: z.object({ accountId: z.string().min(1).max(100), annotationId: clientIdSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: annotationChangeSchema,
  output: annotationOutputSchema,
  errors: ['annotation_changed', 'if_match_required', 'annotation_change_invalid', 'conflict', 'annotation_not_found'],
  handler: async ({ params, body, services, request }) => {
    const annotation = await updateAnnotation(services, params.accountId, params.annotationId, request.headers.get('if-match') ?? undefined, body);
    return ok(annotation, { headers: { etag: annotation.etag } });
  },
});
