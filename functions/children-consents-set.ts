import { z } from 'zod';

import { consentPurposes, consentViews, consentViewSchema, setConsent } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'children-consents-set',
  route: 'children/{childId}/consents',
  methods: ['POST'],
  summary:
    "A confirmed parent gives or withdraws a consent for their child who cannot consent alone (MKT-1, PRIV-6; GDPR Article 8): under 13, or a student whose age is not known. Recorded in the child's history as given by the parent (who, when, text version); giving names the version shown (409 consent_version_outdated for an older one). 403 for a child of 13 or more, who decides alone.",
  tags: ['family'],
  auth: 'session',
  capability: 'child.consents.update',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  body: z.strictObject({ purpose: z.enum(consentPurposes), given: z.boolean(), version: z.string().min(1).max(40).optional() }),
  output: z.object({ consents: z.array(consentViewSchema) }),
  errors: ['account_not_found', 'consent_version_outdated', 'forbidden'],
  handler: async ({ params, body, principal, services, language }) => {
    const child = await setConsent(services, { accountId: params.childId, ...body, channel: 'settings', by: principal.accountId, asParent: true });
    return ok({ consents: consentViews(child, language, services.clock.now()) });
  },
});
