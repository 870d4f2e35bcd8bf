import { z } from 'zod';

import { requestClient } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { listOrders, queueOrderCancellation } from '../shared/store/index.js';
import { suspendAccount } from '../shared/suspension/index.js';

export default defineHttp({
  name: 'ops-accounts-suspend',
  route: 'ops/accounts/{accountId}/suspend',
  methods: ['POST'],
  summary:
    'Operator staff suspend an account at once (AUTH-5, OPS-1): every session ends immediately, new sign-ins are refused, the user is e-mailed with the reason category. mode read-only restricts instead (misuse: reading only, no answers, notes or chat). The schools where the person holds a role (or the one named) get a case their administrators are e-mailed about and can comment on. The third suspension for a breach cancels access and the licences. Nobody acts on themselves; only security staff act on security staff. Audited in the audit log of the person (ACL-7). Idempotent.',
  tags: ['operations'],
  auth: 'session',
  capability: 'ops.account.suspend',
  params: z.object({ accountId: z.string().min(3).max(100) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.strictObject({
    reason: z.enum(['password-leak', 'malicious-activity', 'unusual-usage', 'terms-breach']),
    mode: z.enum(['suspend', 'read-only']).optional(),
    schoolId: z.string().max(100).optional(),
    note: z.string().max(1000).optional(),
  }),
  output: z.object({
    status: z.enum(['suspended', 'read-only']),
    revokedSessions: z.number().int(),
    accessCancelledNow: z.boolean(),
    cases: z.array(z.string()),
    licencesCancelled: z.number().int(),
  }),
  errors: ['cannot_act_on_security_staff', 'cannot_act_on_self'],
  handler: async ({ params, body, principal, access, services, request, correlationId }) => {
    const result = await suspendAccount(
      services,
      { accountId: params.accountId, actor: access.account, correlationId, ...body },
      requestClient(request, services.config),
    );
    // OPS-1: on the breach that cancels access, the licences go too (STORE-6: terms breach, no refund by default).
    let licencesCancelled = 0;
    if (result.accessCancelledNow) {
      for (const order of await listOrders(services, params.accountId)) {
        if (order.status !== 'paid' && order.status !== 'licence-active') continue;
        await queueOrderCancellation(services, {
          accountId: params.accountId,
          orderId: order.id,
          reason: 'terms-breach',
          by: principal.accountId,
          note: 'access cancelled after repeated breaches (OPS-1)',
        });
        licencesCancelled += 1;
      }
    }
    return ok({ status: body.mode === 'read-only' ? 'read-only' : 'suspended', ...result, licencesCancelled });
  },
});
