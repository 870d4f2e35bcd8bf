import { z } from 'zod';
import { requestClient } from '../shared/auth/client-info.js';
import { liftSuspension } from '../shared/auth/suspension.js';
import { defineHttp, ok } from '../shared/http/define-http.js';

export default defineHttp({
  name: 'ops-accounts-reinstate',
  route: 'ops/accounts/{accountId}/reinstate',
  methods: ['POST'],
  summary: 'Operator staff lift a suspension once it is cleared; the user signs in again.',
  tags: ['operations'],
  auth: 'session',
  capability: 'ops.account.suspend',
  params: z.object({ accountId: z.string().min(3).max(100) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  handler: async ({ params, principal, services, request }) => {
    await liftSuspension(services, { accountId: params.accountId, by: principal.accountId }, requestClient(request, services.config));
    return ok({ status: 'active' });
  },
});
