import { z } from 'zod';

import { readAccount } from '../shared/accounts/index.js';
import { consentViews, consentViewSchema } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

export default defineHttp({
  name: 'children-consents-list',
  route: 'children/{childId}/consents',
  methods: ['GET'],
  summary:
    'A confirmed parent reads the consents of their child who cannot consent alone (MKT-1, PRIV-6; GDPR Article 8): for each purpose the text shown now (in the request language) with its version, and whether it stands, given by whom (the child or the parent).',
  tags: ['family'],
  auth: 'session',
  capability: 'child.consents.update',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  output: z.object({ consents: z.array(consentViewSchema) }),
  errors: ['account_not_found'],
  handler: async ({ params, services, language }) => {
    const child = await readAccount(services, params.childId);
    if (!child) throw new AppError('account_not_found');
    return ok({ consents: consentViews(child, language, services.clock.now()) });
  },
});
