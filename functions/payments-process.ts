import { processQueueMessageSchema, processTransaction } from '../shared/payments/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

/** Applies a stored payment message (PAY-2): confirms with the Maksekeskus API, then pays, grants or closes the order once. */
export default defineQueue({
  name: 'payments-process',
  queue: 'payments-process',
  input: processQueueMessageSchema,
  handler: async (message, { services }) => {
    await processTransaction(services, message);
  },
});
