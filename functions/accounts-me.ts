import { accountView, accountViewSchema, type AccountDoc } from '../shared/accounts/model.js';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { HttpError } from '../shared/http/errors.js';

export default defineHttp({
  name: 'accounts-me',
  route: 'me',
  methods: ['GET'],
  summary: "The signed-in user's own account.",
  tags: ['accounts'],
  auth: 'session',
  output: accountViewSchema,
  handler: async ({ principal, services }) => {
    const account = await services.db.collection('accounts').read<AccountDoc>(principal.accountId, principal.accountId);
    if (!account || account.type !== 'account') throw new HttpError(404, 'account_not_found');
    return ok(accountView(account));
  },
});
