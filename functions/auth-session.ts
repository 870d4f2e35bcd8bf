import { z } from 'zod';

import { activeSession, csrfTokenFor } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

const sessionViewSchema = z.union([
  z.object({ signedIn: z.literal(false) }),
  z.object({
    signedIn: z.literal(true),
    accountId: z.string(),
    csrfToken: z.string(),
    method: z.string(),
    createdAt: z.string(),
    idleExpiresAt: z.string(),
    absoluteExpiresAt: z.string(),
  }),
]);

/**
 * How a front end on another host (www.opiq.ee calling api.opiq.ee) learns the CSRF token after a provider sign-in:
 * it cannot read the API host's cookies, so it asks here with credentials (CORS allows only PUBLIC_WEB_URL's origin).
 * Public: no session is an answer (signedIn false), never a 401, and a stale cookie is cleared on the way.
 */
export default defineHttp({
  name: 'auth-session',
  route: 'auth/session',
  methods: ['GET'],
  summary:
    "The current cookie or bearer session: signedIn, the account id, the CSRF token to send as x-csrf-token on writes, the sign-in method and the session's expiry times. signedIn false without a working session (then try POST /api/auth/refresh, or sign in).",
  tags: ['auth'],
  auth: 'public',
  usesSession: true,
  output: sessionViewSchema,
  errors: [],
  handler: async ({ principal, services }) => {
    const session = principal ? await activeSession(services.db, principal, services.clock.now()) : undefined;
    if (!principal || !session) return ok({ signedIn: false });
    return ok({
      signedIn: true,
      accountId: principal.accountId,
      csrfToken: csrfTokenFor(principal.sessionId, services.config.SESSION_SIGNING_KEYS),
      method: session.method,
      createdAt: session.createdAt,
      idleExpiresAt: session.idleExpiresAt,
      absoluteExpiresAt: session.absoluteExpiresAt,
    });
  },
});
