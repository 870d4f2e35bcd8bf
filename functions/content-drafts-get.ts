import { z } from 'zod';

import { draftSchema, publisherIdSchema, readDraft, workIdSchema } from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-drafts-get',
  route: 'cms/publishers/{publisherId}/works/{workId}/draft',
  methods: ['GET'],
  summary: "The draft of a publisher's own work, answer keys included (CMS users of that publisher only), with its revision for the next save.",
  tags: ['content'],
  auth: 'session',
  capability: 'material.edit',
  params: z.object({ publisherId: publisherIdSchema, workId: workIdSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  output: draftSchema,
  errors: ['work_draft_not_found'],
  handler: async ({ params, services }) => ok(await readDraft(services, params.publisherId, params.workId)),
});
