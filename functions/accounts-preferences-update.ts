import { z } from 'zod';

import { type AccountDoc, accountView, accountViewSchema } from '../shared/accounts/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

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
  handler: async ({ principal, body, services }) => {
    const accounts = services.db.collection('accounts');
    const account = await accounts.read<AccountDoc>(principal.accountId, principal.accountId);
    if (!account || account.type !== 'account') throw new AppError('account_not_found');
    if (account.language === body.language) return ok(accountView(account));
    // ETag-checked: a concurrent change of the same account answers 409 instead of being overwritten.
    const updated = await accounts.replace<AccountDoc>({ ...account, language: body.language, updatedAt: services.clock.now().toISOString() });
    return ok(accountView(updated));
  },
});
