import { accountClosureWorkSchema, completeAccountClosure } from '../shared/consents/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

export default defineQueue({
  name: 'accounts-closure-complete',
  queue: 'account-closure',
  input: accountClosureWorkSchema,
  handler: async (work, { services }) => completeAccountClosure(services, work),
});
