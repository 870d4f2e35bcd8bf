import { z } from 'zod';

import { verifyEmail } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { liftErasedSuppression } from '../shared/marketing/index.js';

export default defineHttp({
  name: 'auth-password-verify',
  route: 'auth/password/verify',
  methods: ['POST'],
  summary: 'Confirms an e-mail address with the single-use token from the verification e-mail.',
  tags: ['auth'],
  auth: 'public',
  body: z.strictObject({ token: z.string().min(20).max(200) }),
  output: z.object({ status: z.literal('verified') }),
  errors: ['token_invalid'],
  handler: async ({ body, services }) => {
    const { email } = await verifyEmail(services, body.token);
    // PRIV-3: the address's new owner proved it is theirs; an earlier owner's erasure no longer keeps mail from it.
    if (email) await liftErasedSuppression(services, email);
    return ok({ status: 'verified' });
  },
});
