import { recordTaskDone } from '../shared/events/index.js';
import { answerCountMessageSchema, handleAnswerCount } from '../shared/learning/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

/**
 * An answer written or deleted into its task's statistics (LRN-5), and a submitted one counted as a task done in the
 * anonymous usage statistics (STAT-1, STAT-2): both idempotent, so a repeated message counts nothing twice.
 */
export default defineQueue({
  name: 'learning-stats-count',
  queue: 'learning-stats',
  input: answerCountMessageSchema,
  handler: async (message, { services }) => {
    const submitted = await handleAnswerCount(services, message);
    if (submitted) await recordTaskDone(services, submitted);
  },
});
