import { parse as parseCookies } from 'cookie';
import { z } from 'zod';

import {
  deliveredSessionSchema,
  deliverSession,
  recordSecurityEvent,
  REFRESH_TOKEN_COOKIE,
  refreshSession,
  requestClient,
} from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

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
  errors: ['refresh_invalid', 'refresh_reused'],
  handler: async ({ body, services, request }) => {
    const fromCookie = parseCookies(request.headers.get('cookie') ?? '')[REFRESH_TOKEN_COOKIE];
    const token = body?.refreshToken ?? fromCookie;
    if (!token) throw new AppError('refresh_invalid');
    const outcome = await refreshSession(services, token);
    if (outcome.kind === 'reused') {
      await recordSecurityEvent(services, {
        name: 'refresh-reuse-detected',
        accountId: outcome.accountId,
        reason: 'session-revoked',
        client: requestClient(request, services.config),
      });
      throw new AppError('refresh_reused');
    }
    const delivered = deliverSession(outcome.session, body?.refreshToken !== undefined || request.headers.get('x-session-delivery') === 'body');
    return ok(delivered.body, { cookies: delivered.cookies });
  },
});
