import { z } from 'zod';

import { deliveredSessionSchema, deliverSession, passwordSignIn, requestClient } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

/** The session as deliverSession hands it over (bearer tokens or cookies with the CSRF token), with the account id. */
const passwordSessionSchema = z.intersection(z.object({ accountId: z.string() }), deliveredSessionSchema);

export default defineHttp({
  name: 'auth-password-login',
  route: 'auth/password/login',
  methods: ['POST'],
  summary:
    'Signs in with e-mail and password (AUTH-2). Sets the session cookies, or with `x-session-delivery: body` returns bearer tokens. 401 for any wrong e-mail or password; 429 with Retry-After when throttled.',
  tags: ['auth'],
  auth: 'public',
  body: z.strictObject({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1000) }),
  output: passwordSessionSchema,
  errors: ['email_not_verified', 'invalid_credentials', 'too_many_attempts'],
  handler: async ({ body, services, request }) => {
    const session = await passwordSignIn(services, body, requestClient(request, services.config));
    const delivered = deliverSession(session, request.headers.get('x-session-delivery') === 'body');
    return ok({ accountId: session.accountId, ...delivered.body }, { cookies: delivered.cookies });
  },
});
