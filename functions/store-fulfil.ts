import { defineQueue } from '../shared/platform/definitions.js';
import { fulfilmentMessageSchema, handleFulfilmentMessage } from '../shared/store/index.js';

/** Ends licences when a publisher stops a work or an operator cancels an order, with the refunds (STORE-6, OPS-2). */
export default defineQueue({
  name: 'store-fulfil',
  queue: 'store-fulfilment',
  input: fulfilmentMessageSchema,
  handler: async (message, { services }) => handleFulfilmentMessage(services, message),
});
