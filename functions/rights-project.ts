import { defineQueue } from '../shared/platform/definitions.js';
import { projectionMessageSchema, projectWithdrawal } from '../shared/rights/index.js';

export default defineQueue({
  name: 'rights-project',
  queue: 'rights-projections',
  input: projectionMessageSchema,
  handler: async (message, { services }) => projectWithdrawal(services, message.requestId),
});
