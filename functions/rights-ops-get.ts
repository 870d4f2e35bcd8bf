import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { officerView, officerViewSchema, readRequest } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-ops-get',
  route: 'ops/privacy/requests/{accountId}/{requestId}',
  methods: ['GET'],
  summary: 'One data-subject request as the privacy officer sees it: who asked, the reply address, every step with who took it (PRIV-7).',
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.rights.manage',
  params: z.object({ accountId: z.string().min(1).max(100), requestId: z.string().min(1).max(200) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  errors: ['rights_request_not_found'],
  output: officerViewSchema,
  handler: async ({ params, services }) => {
    const request = await readRequest(services, params.requestId);
    if (!request || request.accountId !== params.accountId) throw new AppError('rights_request_not_found');
    return ok(officerView(request));
  },
});
