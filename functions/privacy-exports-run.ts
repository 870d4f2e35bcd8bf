import { defineQueue } from '../shared/platform/definitions.js';
import { exportMessageSchema, runExport } from '../shared/privacy/index.js';

export default defineQueue({
  name: 'privacy-exports-run',
  queue: 'privacy-exports',
  input: exportMessageSchema,
  handler: async (message, { services }) => runExport(services, message),
});
