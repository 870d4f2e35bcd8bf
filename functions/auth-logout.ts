import { requestClient } from '../shared/auth/client-info.js';
import { recordSecurityEvent } from '../shared/auth/security-log.js';
import { clearedSessionCookies, revokeSession } from '../shared/auth/sessions.js';
import { defineHttp, noContent } from '../shared/http/define-http.js';

export default defineHttp({
  name: 'auth-logout',
  route: 'auth/logout',
  methods: ['POST'],
  summary: 'Signs out: the session is revoked at once (its access and refresh tokens stop working) and the cookies are cleared.',
  tags: ['auth'],
  auth: 'session',
  capability: 'self.update',
  handler: async ({ principal, services, request }) => {
    await revokeSession(services, principal.accountId, principal.sessionId, 'sign-out');
    await recordSecurityEvent(services, { name: 'sign-out', accountId: principal.accountId, client: requestClient(request, services.config) });
    return noContent({ cookies: clearedSessionCookies() });
  },
});
