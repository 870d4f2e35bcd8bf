import { z } from 'zod';

import { listActiveSessions } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'accounts-sessions-list',
  route: 'me/sessions',
  methods: ['GET'],
  summary:
    "The signed-in user's active sessions (ASVS V3.3.4): how each was started, the browser, when it was last used and when it ends; `current` marks this one.",
  tags: ['auth'],
  auth: 'session',
  capability: 'self.read',
  output: z.object({
    sessions: z.array(
      z.object({
        sessionId: z.string(),
        method: z.string(),
        createdAt: z.string(),
        lastRefreshedAt: z.string(),
        browser: z.string().optional(),
        idleExpiresAt: z.string(),
        absoluteExpiresAt: z.string(),
        current: z.boolean(),
      }),
    ),
  }),
  errors: [],
  handler: async ({ principal, access, services }) =>
    ok({ sessions: await listActiveSessions(services, principal.accountId, principal.sessionId, access.account) }),
});
