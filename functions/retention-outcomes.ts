import { z } from 'zod';

import { defineQueue } from '../shared/platform/definitions.js';
import { eraseOutcomesOnObjection } from '../shared/retention/index.js';

/** RET-4: an objection to keeping learning outcomes has the erasure pipeline erase them (reason 'outcomes'). */
export default defineQueue({
  name: 'retention-outcomes',
  queue: 'retention-outcomes',
  input: z.object({ accountId: z.string().min(1) }),
  handler: async ({ accountId }, { services }) => {
    await eraseOutcomesOnObjection(services, accountId);
  },
});
