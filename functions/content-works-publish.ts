import { z } from 'zod';

import { actorOf, publishDraft, publishedSchema, publisherIdSchema, workIdSchema } from '../shared/content/index.js';
import { created, defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-works-publish',
  route: 'cms/publishers/{publisherId}/works/{workId}/publish',
  methods: ['POST'],
  summary:
    'An editor of the publisher publishes the draft as the next version (issue 18; authors and designers edit drafts, only editors publish). The version is immutable, carries who published it and when, and its search index; the work points to it. 201; publishing the same draft revision again is 200 with the same version.',
  tags: ['content'],
  auth: 'session',
  capability: 'material.publish',
  params: z.object({ publisherId: publisherIdSchema, workId: workIdSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  body: z.strictObject({}),
  output: publishedSchema,
  successStatus: 201,
  otherStatuses: [200],
  errors: ['work_not_found', 'work_version_immutable'],
  handler: async ({ params, access, services }) => {
    const { version, created: isNew } = await publishDraft(services, params.publisherId, params.workId, actorOf(access.account, params.publisherId));
    const view = { workId: params.workId, ...version, created: isNew };
    return isNew ? created(view) : ok(view);
  },
});
