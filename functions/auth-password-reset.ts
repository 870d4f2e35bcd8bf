import { z } from 'zod';

import { requestClient, resetPassword } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'auth-password-reset',
  route: 'auth/password/reset',
  methods: ['POST'],
  summary: 'Sets a new password with the reset token; every session of the account ends.',
  tags: ['auth'],
  auth: 'public',
  body: z.strictObject({ token: z.string().min(20).max(200), password: z.string().max(1000) }),
  output: z.object({ status: z.literal('password_set') }),
  errors: ['token_invalid', 'password_too_short', 'password_too_long', 'password_too_simple', 'password_common'],
  handler: async ({ body, services, request }) => {
    await resetPassword(services, body, requestClient(request, services.config));
    return ok({ status: 'password_set' });
  },
});
