import { readAccount } from '../shared/accounts/index.js';
import { emailMessageSchema, withCountryFooter } from '../shared/messaging/index.js';
import { defineQueue } from '../shared/platform/definitions.js';
import type { EmailMessage } from '../shared/platform/email.js';
import type { Services } from '../shared/platform/services.js';

/**
 * OPS-3: mail queued without the reader's country but with their account (a notice to an existing address, a request
 * entered by staff) takes the account's country and language here, off the request path; the account id is not sent.
 * An account gone by now leaves the site's country (`withCountryFooter`).
 */
async function withReader(services: Pick<Services, 'db'>, { readerAccountId, ...message }: EmailMessage): Promise<EmailMessage> {
  if (message.country || !readerAccountId) return message;
  const account = await readAccount(services, readerAccountId);
  if (!account?.country) return message;
  return { ...message, country: account.country, language: message.language ?? account.language };
}

export default defineQueue({
  name: 'email-send',
  queue: 'email-outbound',
  input: emailMessageSchema,
  handler: async (message, { services }) => {
    await services.email.send(withCountryFooter(services.config, await withReader(services, message)));
    services.telemetry.event('email.sent', { category: message.category });
  },
});
