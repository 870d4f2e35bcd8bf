import { z } from 'zod';

import { clearedSessionCookies, requestClient } from '../shared/auth/index.js';
import { closeOwnAccount, closureViewSchema } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'accounts-close',
  route: 'me/account/close',
  methods: ['POST'],
  summary:
    'A private user closes their own account (PRIV-8) after re-authenticating: the password for an account with one, otherwise a sign-in in the last 10 minutes (403 reauthentication_required). Every session ends and every way to sign in is removed at once (RET-1), so the same e-mail can register again; the rest follows the erasure rules. A school user gets 403 account_closed_by_school: their school closes it.',
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.update',
  body: z.strictObject({ confirm: z.literal(true), password: z.string().min(1).max(1000).optional() }),
  output: closureViewSchema,
  errors: ['account_closed_by_school', 'reauthentication_required', 'wrong_password', 'too_many_attempts', 'login_not_found'],
  handler: async ({ body, principal, access, services, request }) => {
    const closed = await closeOwnAccount(services, principal, access.account, body.password, requestClient(request, services.config));
    return ok(closed, { cookies: clearedSessionCookies() });
  },
});
