import { applySendGridWork, sendGridWorkSchema } from '../shared/marketing/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

export default defineQueue({
  name: 'sendgrid-events',
  queue: 'sendgrid-events',
  input: sendGridWorkSchema,
  handler: async (work, { services }) => applySendGridWork(services, work),
});
