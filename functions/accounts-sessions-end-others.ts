import { z } from 'zod';

import { recordSecurityEvent, requestClient, revokeAllSessions } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'accounts-sessions-end-others',
  route: 'me/sessions/end-others',
  methods: ['POST'],
  summary: 'Ends every session of the signed-in user except this one ("sign out everywhere else"); answers how many ended.',
  tags: ['auth'],
  auth: 'session',
  capability: 'self.update',
  output: z.object({ ended: z.number().int() }),
  errors: [],
  handler: async ({ principal, access, services, request }) => {
    const ended = await revokeAllSessions(services, principal.accountId, 'ended-by-user', principal.sessionId, access.account);
    if (ended > 0)
      await recordSecurityEvent(services, {
        name: 'session-ended',
        accountId: principal.accountId,
        reason: 'ended-others',
        client: requestClient(request, services.config),
      });
    return ok({ ended });
  },
});
