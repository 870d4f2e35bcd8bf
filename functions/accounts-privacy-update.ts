import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { privacyView, privacyViewSchema, setPrivacy } from '../shared/schools/index.js';

export default defineHttp({
  name: 'accounts-privacy-update',
  route: 'me/privacy',
  methods: ['PUT'],
  summary:
    "Sets the signed-in user's privacy settings (ACC-4); they take effect at once. A student under 18 whose parent link is confirmed gets 403 privacy_managed_by_parent: the parent manages them (ACC-3).",
  tags: ['accounts'],
  auth: 'session',
  capability: 'self.update',
  body: z.strictObject({ shareWithParents: z.boolean(), shareWithPublishers: z.boolean() }),
  output: privacyViewSchema,
  errors: ['privacy_managed_by_parent'],
  handler: async ({ body, principal, services }) => {
    const account = await setPrivacy(services, principal.accountId, body, 'self');
    return ok(privacyView(account, services.clock.now()));
  },
});
