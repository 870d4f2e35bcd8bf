import { z } from 'zod';

import { cmsWorkSchema, createWork, newWorkSchema, publisherIdSchema, workSummary } from '../shared/content/index.js';
import { created, defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-works-create',
  route: 'cms/publishers/{publisherId}/works',
  methods: ['POST'],
  summary:
    "A publisher's CMS user creates a work (issue 18): its id is `<publisherId>.<slug>`. It stays out of the shop until its first version is published. 201; the same request again is 200 with the same work; another work under the id is 409 work_id_taken.",
  tags: ['content'],
  auth: 'session',
  capability: 'material.edit',
  params: z.object({ publisherId: publisherIdSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  body: newWorkSchema,
  output: cmsWorkSchema,
  successStatus: 201,
  otherStatuses: [200],
  errors: ['work_id_taken'],
  handler: async ({ params, body, services }) => {
    const { work, created: isNew } = await createWork(services, params.publisherId, body);
    const view = workSummary(work);
    return isNew ? created(view) : ok(view);
  },
});
