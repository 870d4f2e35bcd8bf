import { storeUsageEvent, usageEventSchema } from '../shared/events/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

export default defineQueue({
  name: 'events-record',
  queue: 'usage-events',
  input: usageEventSchema,
  handler: async (event, { services }) => storeUsageEvent(services, event),
});
