import { defineQueue } from '../shared/platform/definitions.js';
import { familyLinkConfirmationSchema, finishFamilyLinkConfirmation } from '../shared/schools/index.js';

export default defineQueue({
  name: 'schools-family-links-confirm-finish',
  queue: 'family-link-confirmations',
  input: familyLinkConfirmationSchema,
  handler: async (work, { services }) => finishFamilyLinkConfirmation(services, work),
});
