import { z } from 'zod';

import { requestClient } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { liftSuspension } from '../shared/suspension/index.js';

export default defineHttp({
  name: 'ops-accounts-reinstate',
  route: 'ops/accounts/{accountId}/reinstate',
  methods: ['POST'],
  summary:
    "Operator staff lift a suspension or read-only restriction once it is cleared; the user signs in again and the schools' cases are closed. Audited in the person's audit log (ACL-7).",
  tags: ['operations'],
  auth: 'session',
  capability: 'ops.account.suspend',
  params: z.object({ accountId: z.string().min(3).max(100) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: z.object({ status: z.literal('active') }),
  errors: ['account_not_found', 'cannot_act_on_self', 'access_cancelled'],
  handler: async ({ params, access, services, request, correlationId }) => {
    await liftSuspension(services, { accountId: params.accountId, actor: access.account, correlationId }, requestClient(request, services.config));
    return ok({ status: 'active' });
  },
});
