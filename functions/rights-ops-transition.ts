import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { moveRequest, officerView, officerViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-ops-transition',
  route: 'ops/privacy/requests/{accountId}/{requestId}/transitions',
  methods: ['POST'],
  summary:
    'The privacy officer moves a request one step (PRIV-7): received -> verifying -> waiting-for-school (the school controls the data) or processing, or rejected / cancelled, with the reason. A step the state machine does not allow is 409 rights_request_transition; completing is /complete.',
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.rights.manage',
  params: z.object({ accountId: z.string().min(1).max(100), requestId: z.string().min(1).max(200) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.strictObject({
    to: z.enum(['verifying', 'waiting-for-school', 'processing', 'rejected', 'cancelled']),
    reason: z.string().trim().min(1).max(1000),
  }),
  errors: ['rights_request_not_found', 'rights_request_transition'],
  output: officerViewSchema,
  handler: async ({ params, body, principal, services }) => {
    const request = await moveRequest(services, {
      requestId: params.requestId,
      subjectAccountId: params.accountId,
      to: body.to,
      by: principal.accountId,
      capacity: 'operator',
      reason: body.reason,
    });
    return ok(officerView(request));
  },
});
