import { z } from 'zod';

import { defineHttp, idempotencyKey, ok } from '../shared/http/index.js';
import { addMessage, notifyAnswered } from '../shared/support/index.js';

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
  handler: async ({ params, body, principal, services, request: http }) => {
    const request = await addMessage(services, {
      key: idempotencyKey(http),
      accountId: params.accountId,
      requestId: params.requestId,
      from: 'support',
      by: principal.accountId,
      text: body.message,
      ...(body.close ? { close: true } : {}),
    });
    await notifyAnswered(services, request);
    return ok(request);
  },
});
