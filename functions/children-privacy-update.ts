import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { privacyView, privacyViewSchema, setPrivacy } from '../shared/schools/index.js';

export default defineHttp({
  name: 'children-privacy-update',
  route: 'children/{childId}/privacy',
  methods: ['PUT'],
  summary:
    'A parent sets the privacy settings of their child under 18 (ACC-3, ACC-4); 403 for an adult child, who manages their own. Takes effect at once; who changed them and when is recorded.',
  tags: ['family'],
  auth: 'session',
  capability: 'child.privacy.update',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  body: z.strictObject({ shareWithParents: z.boolean(), shareWithPublishers: z.boolean() }),
  output: privacyViewSchema,
  errors: [],
  handler: async ({ params, body, principal, services }) => {
    const child = await setPrivacy(services, params.childId, body, { parent: principal.accountId });
    return ok(privacyView(child, services.clock.now()));
  },
});
