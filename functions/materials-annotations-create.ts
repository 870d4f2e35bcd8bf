import { z } from 'zod';

import { created, defineHttp, ok } from '../shared/http/index.js';
import { annotationInputSchema, annotationOutputSchema, contentIdSchema, createAnnotation } from '../shared/materials/index.js';

export default defineHttp({
  name: 'materials-annotations-create',
  route: 'accounts/{accountId}/works/{workId}/annotations',
  methods: ['POST'],
  summary:
    "Adds a note, bookmark or highlight at a position in a work (LRN-4): the caller's own only (a parent never marks the child's material, ACL-5). With a client-chosen `id` a retry returns the stored one (200).",
  tags: ['materials'],
  auth: 'session',
  capability: 'material.annotate',
  params: z.object({ accountId: z.string().min(1).max(100), workId: contentIdSchema }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: annotationInputSchema,
  successStatus: 201,
  otherStatuses: [200],
  output: annotationOutputSchema,
  errors: [],
  handler: async ({ params, body, services }) => {
    const result = await createAnnotation(services, params.accountId, params.workId, body);
    return (result.created ? created : ok)(result.annotation, { headers: { etag: result.annotation.etag } });
  },
});
