import { z } from 'zod';

import type { Config } from '../platform/config.js';
import { countries, countryProfile, emailFooter } from '../platform/countries.js';
import type { EmailMessage } from '../platform/email.js';
import { languages } from '../platform/language.js';
import type { Services } from '../platform/services.js';

export const emailMessageSchema = z.object({
  to: z.email(),
  subject: z.string().min(1).max(300),
  text: z.string().min(1).max(100_000),
  html: z.string().max(200_000).optional(),
  category: z.enum(['service', 'security', 'transaction', 'marketing']),
  country: z.enum(countries).optional(),
  language: z.enum(languages).optional(),
  readerAccountId: z.string().min(1).max(100).optional(),
  siteCountry: z.enum(countries).optional(),
});

/**
 * Queues an e-mail. The key makes a repeat (a retried request, a redelivered message) collapse into one message
 * inside the queue's duplicate-detection window.
 */
export async function queueEmail(services: Pick<Services, 'bus'>, message: EmailMessage, idempotencyKey: string): Promise<void> {
  await services.bus.send('email-outbound', { body: emailMessageSchema.parse(message), messageId: `email:${idempotencyKey}` });
}

const countryLanguage = { EE: 'et', FI: 'fi' } as const;

/**
 * OPS-3: every message ends with its country's operator, privacy contact and supervisory authority, in the reader's
 * language, and goes from that country's sender: the reader's country, else the country of the site the request came
 * from (an address with no account), else Estonia's, the platform's default.
 */
export function withCountryFooter(config: Config, { siteCountry, ...message }: EmailMessage): EmailMessage {
  const country = message.country ?? siteCountry ?? 'EE';
  const footer = emailFooter(countryProfile(config, country), message.language ?? countryLanguage[country]);
  return { ...message, country, text: `${message.text}\n\n${footer}` };
}
