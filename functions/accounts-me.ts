import { accountView, accountViewSchema } from '../shared/accounts/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'accounts-me',
  route: 'me',
  methods: ['GET'],
  summary: "The signed-in user's own account.",
  tags: ['accounts'],
  auth: 'session',
  output: accountViewSchema,
  capability: 'self.read',
  // The wrapper already read the caller's account for the access check.
  errors: [],
  handler: async ({ access }) => ok(accountView(access.account)),
});
