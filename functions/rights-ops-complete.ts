import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { moveRequest, officerView, officerViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-ops-complete',
  route: 'ops/privacy/requests/{accountId}/{requestId}/complete',
  methods: ['POST'],
  summary:
    'The privacy officer completes a request in processing with a note of what was done (PRIV-7), for request types no other part fulfils on its own; anything not in processing is 409.',
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.rights.manage',
  params: z.object({ accountId: z.string().min(1).max(100), requestId: z.string().min(1).max(200) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.strictObject({ note: z.string().trim().min(1).max(2000) }),
  errors: ['rights_request_not_found', 'rights_request_transition'],
  output: officerViewSchema,
  handler: async ({ params, body, principal, services }) => {
    const request = await moveRequest(services, {
      requestId: params.requestId,
      subjectAccountId: params.accountId,
      to: 'done',
      by: principal.accountId,
      capacity: 'operator',
      reason: body.note,
    });
    return ok(officerView(request));
  },
});
