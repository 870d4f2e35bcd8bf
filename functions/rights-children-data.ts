import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { holdingsView, holdingsViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-children-data',
  route: 'children/{childId}/privacy/data',
  methods: ['GET'],
  summary:
    "What the platform holds about my child under 18 (PRIV-1), as the child's own view, its counts queued as there (the access check already read the child's account).",
  tags: ['privacy', 'family'],
  auth: 'session',
  capability: 'child.rights.read',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  errors: ['account_not_found'],
  output: holdingsViewSchema,
  handler: async ({ access, language, services }) => {
    if (!access.targetAccount) throw new AppError('account_not_found');
    return ok(await holdingsView(services, access.targetAccount, language));
  },
});
