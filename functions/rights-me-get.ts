import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { readRequest, requestView, requestViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-me-get',
  route: 'me/privacy/requests/{requestId}',
  methods: ['GET'],
  summary: "One data-subject request about me, with its whole history (PRIV-7); anyone else's is 404.",
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.read',
  params: z.object({ requestId: z.string().min(1).max(200) }),
  errors: ['rights_request_not_found'],
  output: requestViewSchema,
  handler: async ({ params, principal, services }) => {
    const request = await readRequest(services, params.requestId);
    if (!request || request.accountId !== principal.accountId) throw new AppError('rights_request_not_found');
    return ok(requestView(request));
  },
});
