import { z } from 'zod';

import { accountView, accountViewSchema, updateAccount } from '../shared/accounts/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

/** The user's own preferences: the language of e-mails and messages (OPS-3: et, fi or en). */
export default defineHttp({
  name: 'accounts-preferences-update',
  route: 'me/preferences',
  methods: ['PATCH'],
  summary: "Changes the signed-in user's preferences (language of messages and e-mails).",
  tags: ['accounts'],
  auth: 'session',
  capability: 'self.update',
  body: z.strictObject({ language: z.enum(['et', 'fi', 'en']) }),
  output: accountViewSchema,
  errors: [],
  handler: async ({ principal, body, services }) => {
    // ETag-checked (updateWithEtag): a concurrent change of the same account is re-read and kept, never overwritten.
    const updated = await updateAccount(services, principal.accountId, (account) =>
      account.language === body.language ? account : { ...account, language: body.language },
    );
    return ok(accountView(updated));
  },
});
