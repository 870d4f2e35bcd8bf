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
 * OPS-3: a message for a person of a known country ends with that country's operator, privacy contact and
 * supervisory authority, in the reader's language; the sender address is picked by the same country.
 */
export function withCountryFooter(config: Config, message: EmailMessage): EmailMessage {
  if (!message.country) return message;
  const footer = emailFooter(countryProfile(config, message.country), message.language ?? countryLanguage[message.country]);
  return { ...message, text: `${message.text}\n\n${footer}` };
}
