import { parse as parseCookies } from 'cookie';
import { z } from 'zod';

import { requestClient } from '../shared/auth/client-info.js';
import { recordSecurityEvent } from '../shared/auth/security-log.js';
import { deliveredSessionSchema, deliverSession, REFRESH_TOKEN_COOKIE, refreshSession } from '../shared/auth/sessions.js';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { HttpError } from '../shared/http/errors.js';

export default defineHttp({
  name: 'auth-refresh',
  route: 'auth/refresh',
  methods: ['POST'],
  summary:
    'Rotates the refresh token (from the __Host-opiq_rt cookie or the body) and issues a new access token; the answer carries the csrfToken of the session. A refresh token used a second time ends the whole session (reuse detection).',
  tags: ['auth'],
  auth: 'public',
  body: z.strictObject({ refreshToken: z.string().min(10).max(1000).optional() }).optional(),
  output: deliveredSessionSchema,
  handler: async ({ body, services, request }) => {
    const fromCookie = parseCookies(request.headers.get('cookie') ?? '')[REFRESH_TOKEN_COOKIE];
    const token = body?.refreshToken ?? fromCookie;
    if (!token) throw new HttpError(401, 'refresh_invalid');
    const outcome = await refreshSession(services, token);
    if (outcome.kind === 'reused') {
      await recordSecurityEvent(services, {
        name: 'refresh-reuse-detected',
        accountId: outcome.accountId,
        reason: 'session-revoked',
        client: requestClient(request, services.config),
      });
      throw new HttpError(401, 'refresh_reused', {}, undefined, {});
    }
    const delivered = deliverSession(outcome.session, body?.refreshToken !== undefined || request.headers.get('x-session-delivery') === 'body');
    return ok(delivered.body, { cookies: delivered.cookies });
  },
});

