import { z } from 'zod';

import { personNameSchema } from '../shared/accounts/index.js';
import { requestClient, signUp } from '../shared/auth/index.js';
import { accepted, defineHttp } from '../shared/http/index.js';

export default defineHttp({
  name: 'auth-password-signup',
  route: 'auth/password/signup',
  methods: ['POST'],
  summary: 'Creates an account with e-mail and password (AUTH-2) and e-mails a verification link. The same 202 whether or not the address is taken.',
  tags: ['auth'],
  auth: 'public',
  body: z.strictObject({
    // Checked and put in canonical form by normaliseEmail (422 invalid_email), the same as on every other path.
    email: z.string().trim().min(3).max(254),
    password: z.string().max(1000),
    firstName: personNameSchema,
    lastName: personNameSchema,
    language: z.enum(['et', 'fi', 'en']).optional(),
  }),
  successStatus: 202,
  output: z.object({ status: z.literal('verification_sent') }),
  errors: ['invalid_email', 'password_common', 'password_too_short', 'too_many_attempts'],
  handler: async ({ body, services, language, request }) => {
    await signUp(services, { ...body, language: body.language ?? language }, requestClient(request, services.config));
    return accepted({ status: 'verification_sent' });
  },
});
