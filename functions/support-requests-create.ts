import { z } from 'zod';

import { created, defineHttp, ok } from '../shared/http/index.js';
import { openRequest, supportRequestView, supportRequestViewSchema } from '../shared/support/index.js';

export default defineHttp({
  name: 'support-requests-create',
  route: 'me/support-requests',
  methods: ['POST'],
  summary:
    'Sends an inquiry to user support (ACC-6); it is kept with the account, with its history. An Idempotency-Key header makes a retry return the request the first attempt opened (200). At most 20 open requests per person.',
  tags: ['support'],
  auth: 'session',
  idempotencyKey: true,
  capability: 'self.update',
  body: z.strictObject({ subject: z.string().trim().min(3).max(200), message: z.string().trim().min(1).max(10_000) }),
  successStatus: 201,
  // A retry with the same Idempotency-Key answers the request the first attempt opened.
  otherStatuses: [200],
  errors: ['support_request_limit', 'idempotency_key_reused'],
  output: supportRequestViewSchema,
  handler: async ({ body, principal, services, idempotencyKey }) => {
    const opened = await openRequest(services, principal.accountId, body, idempotencyKey);
    return opened.replayed ? ok(supportRequestView(opened.request)) : created(supportRequestView(opened.request));
  },
});
