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
  // The current password is throttled like a sign-in (429 too_many_attempts); an account that signs in only through
  // providers has no password to change (login_not_found); the new one must be good enough (password_*).
  errors: [
    'wrong_password',
    'too_many_attempts',
    'login_not_found',
    'password_too_short',
    'password_too_long',
    'password_too_simple',
    'password_common',
  ],
  handler: async ({ body, services, principal, account, request }) => {
    await changePassword(services, principal, account, body, requestClient(request, services.config));
    return ok({ status: 'password_changed' });
  },
});
