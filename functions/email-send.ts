import { emailMessageSchema, withCountryFooter } from '../shared/messaging/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

export default defineQueue({
  name: 'email-send',
  queue: 'email-outbound',
  input: emailMessageSchema,
  handler: async (message, { services }) => {
    await services.email.send(withCountryFooter(services.config, message));
    services.telemetry.event('email.sent', { category: message.category });
  },
});
