import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { moveRequest, requestView, requestViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-school-decide',
  route: 'schools/{schoolId}/privacy/requests/{requestId}/decision',
  methods: ['POST'],
  summary:
    "The school's administrator decides a request forwarded to the school (PRIV-7): approve sends it to processing, refuse rejects it with the reason; the requester sees the decision. Another school's request is 404; one not waiting for the school is 409.",
  tags: ['privacy', 'schools'],
  auth: 'session',
  capability: 'school.rights.review',
  params: z.object({ schoolId: z.string().min(1).max(100), requestId: z.string().min(1).max(200) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.discriminatedUnion('outcome', [
    z.strictObject({ outcome: z.literal('approve'), reason: z.string().trim().min(1).max(1000).optional() }),
    z.strictObject({ outcome: z.literal('refuse'), reason: z.string().trim().min(1).max(1000) }),
  ]),
  errors: ['rights_request_not_found', 'rights_request_transition'],
  output: requestViewSchema,
  handler: async ({ params, body, principal, services }) => {
    const request = await moveRequest(services, {
      requestId: params.requestId,
      schoolId: params.schoolId,
      to: body.outcome === 'approve' ? 'processing' : 'rejected',
      by: principal.accountId,
      capacity: 'school',
      reason: body.reason ?? 'approved by the school',
    });
    return ok(requestView(request));
  },
});
