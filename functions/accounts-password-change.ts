import { z } from 'zod';

import { changePassword, requestClient } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'accounts-password-change',
  route: 'me/password',
  methods: ['POST'],
  summary: "Changes the signed-in user's password; their other sessions end and they are told by e-mail.",
  tags: ['auth'],
  auth: 'session',
  capability: 'self.update',
  body: z.strictObject({ currentPassword: z.string().min(1).max(1000), newPassword: z.string().max(1000) }),
  output: z.object({ status: z.literal('password_changed') }),
  errors: ['wrong_password', 'password_common'],
  handler: async ({ body, services, principal, account, request }) => {
    await changePassword(services, principal, account, body, requestClient(request, services.config));
    return ok({ status: 'password_changed' });
  },
});
