import { z } from 'zod';

import { requestClient } from '../shared/auth/client-info.js';
import { recordSecurityEvent } from '../shared/auth/security-log.js';
import { endOwnSession } from '../shared/auth/sessions.js';
import { defineHttp, noContent, responds } from '../shared/http/define-http.js';
import { HttpError } from '../shared/http/errors.js';

export default defineHttp({
  name: 'accounts-sessions-end',
  route: 'me/sessions/{sessionId}',
  methods: ['DELETE'],
  summary: 'Ends one of the signed-in user\'s sessions at once (sign out another device). 404 session_not_found for an id that is not one of their active sessions.',
  tags: ['auth'],
  auth: 'session',
  capability: 'self.update',
  params: z.object({ sessionId: z.uuid() }),
  output: responds.noContent,
  handler: async ({ params, principal, access, services, request }) => {
    if (!(await endOwnSession(services, principal.accountId, params.sessionId, 'ended-by-user', access.account))) throw new HttpError(404, 'session_not_found');
    await recordSecurityEvent(services, { name: 'session-ended', accountId: principal.accountId, reason: 'ended-by-user', client: requestClient(request, services.config) });
    return noContent();
  },
});
