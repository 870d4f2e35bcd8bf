import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { moveRequest, requestView, requestViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-me-cancel',
  route: 'me/privacy/requests/{requestId}/cancel',
  methods: ['POST'],
  summary: 'Withdraws my open data-subject request (PRIV-7); a closed one is 409 rights_request_transition.',
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.update',
  params: z.object({ requestId: z.string().min(1).max(200) }),
  body: z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() }),
  errors: ['rights_request_not_found', 'rights_request_transition'],
  output: requestViewSchema,
  handler: async ({ params, body, principal, services }) => {
    const request = await moveRequest(services, {
      requestId: params.requestId,
      subjectAccountId: principal.accountId,
      to: 'cancelled',
      by: principal.accountId,
      capacity: 'self',
      reason: body.reason ?? 'withdrawn by the person',
    });
    return ok(requestView(request));
  },
});
