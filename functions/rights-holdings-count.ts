import { defineQueue } from '../shared/platform/definitions.js';
import { countHoldings, holdingsCountMessageSchema } from '../shared/rights/index.js';

export default defineQueue({
  name: 'rights-holdings-count',
  queue: 'holdings-counts',
  input: holdingsCountMessageSchema,
  handler: async (message, { services }) => countHoldings(services, message),
});
