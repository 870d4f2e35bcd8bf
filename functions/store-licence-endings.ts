import { defineQueue } from '../shared/platform/definitions.js';
import { handleLicenceEndingMessage, licenceEndingMessageSchema } from '../shared/store/index.js';

/** Ends licences when a publisher stops a work or an operator cancels an order, with the refunds (STORE-6, OPS-2). */
export default defineQueue({
  name: 'store-licence-endings',
  queue: 'store-licence-endings',
  input: licenceEndingMessageSchema,
  handler: async (message, { services }) => handleLicenceEndingMessage(services, message),
});
