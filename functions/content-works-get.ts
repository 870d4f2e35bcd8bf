import { z } from 'zod';

import { cmsWork, cmsWorkSchema, publisherIdSchema, workIdSchema } from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-works-get',
  route: 'cms/publishers/{publisherId}/works/{workId}',
  methods: ['GET'],
  summary:
    "A publisher's own work in the CMS: status, current version and the versions published (newest first, with when and the publishing CMS role). Another publisher's work is 404.",
  tags: ['content'],
  auth: 'session',
  capability: 'material.edit',
  params: z.object({ publisherId: publisherIdSchema, workId: workIdSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  output: cmsWorkSchema,
  errors: ['work_not_found'],
  handler: async ({ params, services }) => ok(await cmsWork(services, params.publisherId, params.workId)),
});
