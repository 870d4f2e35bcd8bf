import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { extendRequest, MAX_EXTENSION_DAYS, officerView, officerViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-ops-extend',
  route: 'ops/privacy/requests/{accountId}/{requestId}/extension',
  methods: ['POST'],
  summary:
    'The privacy officer extends the due date of an open request with the reason (GDPR 12(3): at most 60 days in all, 422 beyond); the requester is told by e-mail.',
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.rights.manage',
  params: z.object({ accountId: z.string().min(1).max(100), requestId: z.string().min(1).max(200) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.strictObject({ days: z.number().int().min(1).max(MAX_EXTENSION_DAYS), reason: z.string().trim().min(1).max(1000) }),
  errors: ['rights_request_not_found', 'rights_request_transition', 'rights_extension_too_long'],
  output: officerViewSchema,
  handler: async ({ params, body, principal, services }) => {
    if (!params.requestId.startsWith(`rights-request:${params.accountId}:`)) throw new AppError('rights_request_not_found');
    const request = await extendRequest(services, { requestId: params.requestId, days: body.days, reason: body.reason, by: principal.accountId });
    return ok(officerView(request));
  },
});
