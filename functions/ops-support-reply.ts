import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { addMessage, notifyAnswered, supportRequestStaffView, supportRequestStaffViewSchema } from '../shared/support/index.js';

export default defineHttp({
  name: 'ops-support-reply',
  route: 'ops/accounts/{accountId}/support-requests/{requestId}/replies',
  methods: ['POST'],
  summary: 'User support answers (and may close) a support request; the user is told by e-mail that an answer is waiting.',
  tags: ['operations', 'support'],
  auth: 'session',
  idempotencyKey: true,
  capability: 'ops.support.reply',
  params: z.object({ accountId: z.string().min(1).max(100), requestId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.strictObject({ message: z.string().trim().min(1).max(10_000), close: z.boolean().optional() }),
  errors: ['support_request_not_found', 'support_request_full'],
  output: supportRequestStaffViewSchema,
  handler: async ({ params, body, principal, services, idempotencyKey }) => {
    const request = await addMessage(services, {
      key: idempotencyKey,
      accountId: params.accountId,
      requestId: params.requestId,
      from: 'support',
      by: principal.accountId,
      text: body.message,
      ...(body.close ? { close: true } : {}),
    });
    await notifyAnswered(services, request);
    return ok(supportRequestStaffView(request));
  },
});
