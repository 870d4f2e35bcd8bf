import { z } from 'zod';

import { endOwnSession, recordSecurityEvent, requestClient } from '../shared/auth/index.js';
import { defineHttp, noContent, responds } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

export default defineHttp({
  name: 'accounts-sessions-end',
  route: 'me/sessions/{sessionId}',
  methods: ['DELETE'],
  summary:
    "Ends one of the signed-in user's sessions at once (sign out another device). 404 session_not_found for an id that is not one of their active sessions.",
  tags: ['auth'],
  auth: 'session',
  capability: 'self.update',
  params: z.object({ sessionId: z.uuid() }),
  output: responds.noContent,
  errors: ['session_not_found'],
  handler: async ({ params, principal, access, services, request }) => {
    if (!(await endOwnSession(services, principal.accountId, params.sessionId, 'ended-by-user', access.account)))
      throw new AppError('session_not_found');
    await recordSecurityEvent(services, {
      name: 'session-ended',
      accountId: principal.accountId,
      reason: 'ended-by-user',
      client: requestClient(request, services.config),
    });
    return noContent();
  },
});
