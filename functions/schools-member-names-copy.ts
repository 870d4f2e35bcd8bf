import { defineQueue } from '../shared/platform/definitions.js';
import { copyNamesToMemberships, memberNameCopiesSchema } from '../shared/schools/index.js';

export default defineQueue({
  name: 'schools-member-names-copy',
  queue: 'member-name-copies',
  input: memberNameCopiesSchema,
  handler: async (work, { services }) => copyNamesToMemberships(services, work),
});
