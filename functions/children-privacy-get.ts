import { z } from 'zod';

import { readAccount } from '../shared/accounts/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { privacyView, privacyViewSchema } from '../shared/schools/index.js';

export default defineHttp({
  name: 'children-privacy-get',
  route: 'children/{childId}/privacy',
  methods: ['GET'],
  summary: 'A parent reads the privacy settings of their child under 18, which they manage (ACC-3, ACC-4).',
  tags: ['family'],
  auth: 'session',
  capability: 'child.privacy.update',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  output: privacyViewSchema,
  errors: ['account_not_found'],
  handler: async ({ params, services }) => {
    const child = await readAccount(services, params.childId);
    if (!child) throw new AppError('account_not_found');
    return ok(privacyView(child, services.clock.now()));
  },
});
