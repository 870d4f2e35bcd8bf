import { z } from 'zod';

import { consentViews, consentViewSchema } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'consents-list',
  route: 'me/consents',
  methods: ['GET'],
  summary:
    "The signed-in user's consents (PRIV-6): for each purpose the text shown now (in the request's language) with its version, and whether the person gave it, with the version, time and channel of their last choice.",
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.read',
  output: z.object({ consents: z.array(consentViewSchema) }),
  errors: [],
  handler: async ({ access, language, services }) => ok({ consents: consentViews(access.account, language, services.clock.now()) }),
});
