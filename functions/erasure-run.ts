import { z } from 'zod';

import { eraseSubject, type ErasureEvidence, type ErasureOrder } from '../shared/erasure/index.js';
import { defineQueue } from '../shared/platform/definitions.js';
import type { Services } from '../shared/platform/services.js';
import { moveRequest, readRequest } from '../shared/rights/index.js';

/**
 * PRIV-3: an erasure from the queue (it can take long), and the data-subject request it answers, if any, moved to
 * done with a note of what was erased and what is kept until when. Wired here: erasure and rights import neither
 * each other. Safe to repeat: a done erasure answers its evidence, a done request is left alone.
 */
const erasureMessageSchema = z.strictObject({
  accountId: z.string().min(1).max(200),
  reason: z.enum(['request', 'retention', 'outcomes']),
  requestId: z.string().min(1).max(300).optional(),
  by: z.string().min(1).max(200).optional(),
});

/** One message per person and reason (duplicate detection drops a repeat). */
export const queueErasure = (services: Pick<Services, 'bus'>, message: z.infer<typeof erasureMessageSchema>) =>
  services.bus.send('erasure', { body: message, messageId: `erasure:${message.accountId}:${message.reason}` });

/** The note the requester gets: counts and holds, no personal data. */
function erasureNote(evidence: ErasureEvidence): string {
  const total = (key: 'deleted' | 'anonymised') => Object.values(evidence.counts).reduce((sum, c) => sum + c[key], 0);
  const kept = evidence.holds.filter((h) => h.kind !== 'expires').map((h) => `${h.type} until ${h.until.slice(0, 10)}`);
  return [
    `Erased (${evidence.reason === 'outcomes' ? 'learning outcomes' : 'everything'}): ${total('deleted')} records deleted, ${total('anonymised')} anonymised, ${evidence.blobsDeleted} files deleted.`,
    kept.length ? `Kept as the law requires, until their retention ends: ${kept.join(', ')}.` : 'Nothing is kept.',
  ].join(' ');
}

export default defineQueue({
  name: 'erasure-run',
  queue: 'erasure',
  input: erasureMessageSchema,
  handler: async (message, { services }) => {
    const order: ErasureOrder = { accountId: message.accountId, reason: message.reason, ...(message.by ? { by: message.by } : {}) };
    const evidence = await eraseSubject(services, order);
    if (!message.requestId || (await readRequest(services, message.requestId))?.state !== 'processing') return;
    await moveRequest(services, { requestId: message.requestId, to: 'done', by: 'system', capacity: 'system', reason: erasureNote(evidence) });
  },
});
