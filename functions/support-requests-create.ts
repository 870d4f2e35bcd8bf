import { z } from 'zod';

import { created, defineHttp, idempotencyKey, ok } from '../shared/http/index.js';
import { openRequest, supportRequestView } from '../shared/support/index.js';

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
  handler: async ({ body, principal, services, request }) => {
    const opened = await openRequest(services, principal.accountId, body, idempotencyKey(request));
    return opened.replayed ? ok(supportRequestView(opened.request)) : created(supportRequestView(opened.request));
  },
});
