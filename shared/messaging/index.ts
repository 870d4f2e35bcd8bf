import { z } from 'zod';

import type { EmailMessage } from '../platform/email.js';
import type { Services } from '../platform/services.js';

export const emailMessageSchema = z.object({
  to: z.email(),
  subject: z.string().min(1).max(300),
  text: z.string().min(1).max(100_000),
  html: z.string().max(200_000).optional(),
  category: z.enum(['service', 'security', 'transaction', 'marketing']),
});

/**
 * Queues an e-mail. The key makes a repeat (a retried request, a redelivered message) collapse into one message
 * inside the queue's duplicate-detection window.
 */
export async function queueEmail(services: Pick<Services, 'bus'>, message: EmailMessage, idempotencyKey: string): Promise<void> {
  await services.bus.send('email-outbound', { body: emailMessageSchema.parse(message), messageId: `email:${idempotencyKey}` });
}
