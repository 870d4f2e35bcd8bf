import { z } from 'zod';

import { consentPurposes, consentViews, consentViewSchema, setConsent } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'consents-set',
  route: 'me/consents',
  methods: ['POST'],
  summary:
    'Gives or withdraws one consent in settings (PRIV-6), effective at once; withdrawing is the same one call as giving. Giving names the text version shown (409 consent_version_outdated for an older one). Repeating the current choice records nothing. A child under 13 (or a student of unknown age) cannot give a consent alone: 403 consent_needs_parent (GDPR Article 8; withdrawing is always allowed).',
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.update',
  body: z.strictObject({ purpose: z.enum(consentPurposes), given: z.boolean(), version: z.string().min(1).max(40).optional() }),
  output: z.object({ consents: z.array(consentViewSchema) }),
  errors: ['consent_needs_parent', 'consent_version_outdated'],
  handler: async ({ body, principal, services, language }) => {
    const account = await setConsent(services, { accountId: principal.accountId, ...body, channel: 'settings', by: principal.accountId });
    return ok({ consents: consentViews(account, language, services.clock.now()) });
  },
});
