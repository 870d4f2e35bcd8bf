import { z } from 'zod';

import { recordUsageBatch, storeUsageEvent, usageBatchMessageSchema, usageEventSchema } from '../shared/events/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

/** Both kinds of message on `usage-events`: a front-end batch (POST /api/events) and one event the server recorded (a search). */
export default defineQueue({
  name: 'events-record',
  queue: 'usage-events',
  input: z.union([usageBatchMessageSchema, usageEventSchema]),
  handler: async (message, { services }) => {
    if ('batchId' in message) await recordUsageBatch(services, message);
    else await storeUsageEvent(services, message);
  },
});
