import { parse as parseCookies } from 'cookie';

import {
  clearedSessionCookies,
  recordSecurityEvent,
  REFRESH_TOKEN_COOKIE,
  requestClient,
  revokeSession,
  revokeSessionByRefreshToken,
} from '../shared/auth/index.js';
import { defineHttp, noContent, responds } from '../shared/http/index.js';

/**
 * Public so that signing out always works, also with a stale cookie (issue 17): the session named by the access token
 * (with its CSRF token) or else by the refresh-token cookie is revoked; the cookies are cleared either way.
 */
export default defineHttp({
  name: 'auth-logout',
  route: 'auth/logout',
  methods: ['POST'],
  summary:
    'Signs out: the session (from the access token with its x-csrf-token, or the refresh-token cookie) is revoked at once and the cookies are cleared. Always 204, also without a working session.',
  tags: ['auth'],
  auth: 'public',
  usesSession: true,
  output: responds.noContent,
  errors: [],
  handler: async ({ principal, account, services, request }) => {
    let accountId: string | undefined;
    if (principal) {
      await revokeSession(services, principal.accountId, principal.sessionId, 'sign-out', account);
      accountId = principal.accountId;
    } else {
      const refreshToken = parseCookies(request.headers.get('cookie') ?? '')[REFRESH_TOKEN_COOKIE];
      if (refreshToken) accountId = await revokeSessionByRefreshToken(services, refreshToken, 'sign-out');
    }
    if (accountId) await recordSecurityEvent(services, { name: 'sign-out', accountId, client: requestClient(request, services.config) });
    return noContent({ cookies: clearedSessionCookies() });
  },
});
