import { mailingMessageSchema, runMailing } from '../shared/marketing/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

export default defineQueue({
  name: 'mailings-run',
  queue: 'mailings',
  input: mailingMessageSchema,
  handler: async (message, { services }) => runMailing(services, message.mailingId),
});
