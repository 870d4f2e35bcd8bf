import { answerCountMessageSchema, handleAnswerCount } from '../shared/learning/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

/** An answer written or deleted into its task's statistics (LRN-5): idempotent, so a repeated message counts nothing twice. */
export default defineQueue({
  name: 'learning-stats-count',
  queue: 'learning-stats',
  input: answerCountMessageSchema,
  handler: async (message, { services }) => handleAnswerCount(services, message),
});
