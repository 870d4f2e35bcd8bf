import { z } from 'zod';

import { requestClient, revokeAllSessions, securityEventEntry } from '../shared/auth/index.js';
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
    // The login-log entry goes in the batch that writes the account's list under the ETag of the authenticating read,
    // so a session signed in since that read refuses the batch and is ended too, instead of being left working.
    const logged = await securityEventEntry(services, {
      name: 'session-ended',
      accountId: principal.accountId,
      reason: 'ended-others',
      client: requestClient(request, services.config),
    });
    const ended = await revokeAllSessions(services, principal.accountId, 'ended-by-user', principal.sessionId, access.account, logged.entry);
    logged.report();
    return ok({ ended });
  },
});
