import { defineQueue } from '../shared/platform/definitions.js';
import { projectionMessageSchema, projectToSchool } from '../shared/rights/index.js';

export default defineQueue({
  name: 'rights-project',
  queue: 'rights-projections',
  input: projectionMessageSchema,
  handler: async (message, { services }) => projectToSchool(services, message.requestId),
});
