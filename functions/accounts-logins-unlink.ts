import { z } from 'zod';

import { recordSecurityEvent, requestClient, tellOwner, unlinkLogin } from '../shared/auth/index.js';
import { defineHttp, noContent, responds } from '../shared/http/index.js';

export default defineHttp({
  name: 'accounts-logins-unlink',
  route: 'me/logins/{loginId}',
  methods: ['DELETE'],
  summary: 'Removes a way to sign in; the last one is refused with 409 last_login.',
  tags: ['auth'],
  auth: 'session',
  capability: 'self.update',
  params: z.object({ loginId: z.string().min(3).max(300) }),
  output: responds.noContent,
  errors: ['login_not_found', 'last_login'],
  handler: async ({ params, principal, services, request }) => {
    await unlinkLogin(services, principal.accountId, params.loginId);
    await recordSecurityEvent(services, {
      name: 'login-unlinked',
      accountId: principal.accountId,
      method: params.loginId.split(':')[0],
      client: requestClient(request, services.config),
    });
    // The owner hears of it: a way into the account going unnoticed is how takeovers stay hidden.
    await tellOwner(services, principal.accountId, 'loginUnlinked', `${params.loginId}:${services.clock.now().toISOString()}`, {
      provider: params.loginId.split(':')[0],
    });
    return noContent();
  },
});
