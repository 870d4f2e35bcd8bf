import { staffAccessMessageSchema, writeStaffAccess } from '../shared/acl/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

export default defineQueue({
  name: 'acl-staff-access-write',
  queue: 'staff-access-records',
  input: staffAccessMessageSchema,
  handler: async (message, { services }) => writeStaffAccess(services, message),
});
