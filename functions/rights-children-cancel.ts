import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { moveRequest, requestView, requestViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-children-cancel',
  route: 'children/{childId}/privacy/requests/{requestId}/cancel',
  methods: ['POST'],
  summary:
    'A parent withdraws the open request they made for their child under 18 (PRIV-7); one they did not make, or one already in processing, is 409 rights_request_transition.',
  tags: ['privacy', 'family'],
  auth: 'session',
  capability: 'child.rights.request',
  params: z.object({ childId: z.string().min(1).max(100), requestId: z.string().min(1).max(200) }),
  target: ({ params }) => ({ accountId: params.childId }),
  body: z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() }),
  errors: ['rights_request_not_found', 'rights_request_transition'],
  output: requestViewSchema,
  handler: async ({ params, body, principal, services }) => {
    const request = await moveRequest(services, {
      requestId: params.requestId,
      subjectAccountId: params.childId,
      to: 'cancelled',
      by: principal.accountId,
      capacity: 'parent',
      reason: body.reason ?? 'withdrawn by the parent',
    });
    return ok(requestView(request));
  },
});
