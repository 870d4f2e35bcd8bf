import { defineQueue } from '../shared/platform/definitions.js';
import { handleSchoolEntitlementMessage, schoolEntitlementMessageSchema } from '../shared/store/index.js';

/** School licences into members' entitlements: a licence's fan-out batch, or one member's sync (idempotent, resumable). */
export default defineQueue({
  name: 'school-entitlements-sync',
  queue: 'school-entitlements',
  input: schoolEntitlementMessageSchema,
  handler: async (message, { services }) => handleSchoolEntitlementMessage(services, message),
});
