import { z } from 'zod';

import type { AccountDoc } from '../shared/accounts/model.js';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { HttpError } from '../shared/http/errors.js';

export default defineHttp({
  name: 'accounts-logins-list',
  route: 'me/logins',
  methods: ['GET'],
  summary: "The signed-in user's ways to sign in (linked external accounts and password).",
  tags: ['auth'],
  auth: 'session',
  capability: 'self.read',
  output: z.object({ logins: z.array(z.object({ id: z.string(), provider: z.string(), linkedAt: z.string() })) }),
  handler: async ({ principal, services }) => {
    const account = await services.db.collection('accounts').read<AccountDoc>(principal.accountId, principal.accountId);
    if (!account) throw new HttpError(404, 'account_not_found');
    return ok({ logins: account.logins ?? [] });
  },
});
