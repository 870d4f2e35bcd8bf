import { z } from 'zod';

import { requestClient, requestPasswordReset } from '../shared/auth/index.js';
import { accepted, defineHttp } from '../shared/http/index.js';

export default defineHttp({
  name: 'auth-password-reset-request',
  route: 'auth/password/reset-request',
  methods: ['POST'],
  summary:
    'E-mails a single-use password reset link (valid one hour) if the address has a password login. Always 202 for a usable address (422 invalid_email otherwise); 429 past 30 requests from one IP in 15 minutes.',
  tags: ['auth'],
  auth: 'public',
  body: z.strictObject({ email: z.string().trim().min(3).max(254) }),
  successStatus: 202,
  output: z.object({ status: z.literal('sent_if_known') }),
  errors: ['invalid_email', 'too_many_attempts'],
  handler: async ({ body, services, request }) => {
    await requestPasswordReset(services, body, requestClient(request, services.config));
    return accepted({ status: 'sent_if_known' });
  },
});
