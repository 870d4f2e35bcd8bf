import { defineQueue } from '../shared/platform/definitions.js';
import { familyLinkEndingSchema, finishFamilyLinkEnding } from '../shared/schools/index.js';

export default defineQueue({
  name: 'schools-family-links-finish',
  queue: 'family-link-endings',
  input: familyLinkEndingSchema,
  handler: async (work, { services }) => {
    await finishFamilyLinkEnding(services, work);
  },
});
