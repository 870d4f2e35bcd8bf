import { z } from 'zod';

import { readAccount } from '../shared/accounts/index.js';
import { processingView, processingViewSchema } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

export default defineHttp({
  name: 'children-processing-get',
  route: 'children/{childId}/privacy/processing',
  methods: ['GET'],
  summary: 'A parent reads the restriction and objections of their child under 18 (PRIV-4, ACC-3), which they manage.',
  tags: ['family'],
  auth: 'session',
  capability: 'child.privacy.update',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  output: processingViewSchema,
  errors: ['account_not_found'],
  handler: async ({ params, access, services }) => {
    const child = access.targetAccount ?? (await readAccount(services, params.childId));
    if (!child) throw new AppError('account_not_found');
    return ok(processingView(child, services.clock.now()));
  },
});
