import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { addMessage, supportRequestView, supportRequestViewSchema } from '../shared/support/index.js';

export default defineHttp({
  name: 'support-requests-message',
  route: 'me/support-requests/{requestId}/messages',
  methods: ['POST'],
  summary: 'Adds the user’s message to their support request (and reopens it).',
  tags: ['support'],
  auth: 'session',
  idempotencyKey: true,
  capability: 'self.update',
  params: z.object({ requestId: z.string().min(1).max(100) }),
  body: z.strictObject({ message: z.string().trim().min(1).max(10_000) }),
  errors: ['support_request_not_found', 'support_request_full'],
  output: supportRequestViewSchema,
  handler: async ({ params, body, principal, services, idempotencyKey }) =>
    ok(
      supportRequestView(
        await addMessage(services, {
          accountId: principal.accountId,
          requestId: params.requestId,
          from: 'user',
          by: principal.accountId,
          text: body.message,
          key: idempotencyKey,
        }),
      ),
    ),
});
