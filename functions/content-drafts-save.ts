import { z } from 'zod';

import { actorOf, draftBodySchema, draftSchema, publisherIdSchema, saveDraft, workIdSchema } from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-drafts-save',
  route: 'cms/publishers/{publisherId}/works/{workId}/draft',
  methods: ['PUT'],
  summary:
    "Replaces the draft's content (authors, editors, designers and technical editors of the publisher): chapters -> pages -> blocks, exercises with points and an answer key valid for their kind, ids unique in the work (422 otherwise). `baseRevision` guards against overwriting another editor's save (409 work_draft_changed). The same content again changes nothing. Larger works are saved a chapter at a time (PUT …/draft/chapters/{chapterId}).",
  tags: ['content'],
  auth: 'session',
  capability: 'material.edit',
  params: z.object({ publisherId: publisherIdSchema, workId: workIdSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  body: draftBodySchema,
  output: draftSchema,
  errors: ['work_draft_changed', 'work_not_found'],
  handler: async ({ params, body, access, services }) =>
    ok(
      await saveDraft(
        services,
        params.publisherId,
        params.workId,
        () => body.content,
        actorOf(access.account, params.publisherId),
        body.baseRevision,
      ),
    ),
});
