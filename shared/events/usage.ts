import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { type AccountDoc, usageRecordingAllowed } from '../accounts/index.js';
import type { Services } from '../platform/services.js';
import { type ClientEvent, schoolsOf } from './batches.js';
import { recordUsageBatch } from './record.js';

/**
 * Usage events (LOG-1, RET-7): what people do in the platform, for its development. They travel through Service Bus
 * (queue `usage-events`) and are written by the `events-record` function into the `events` container (partition
 * accountId, kept 5 years, then deleted by TTL; erased with the account). Recording never fails the request it
 * describes: a lost event is reported to telemetry instead.
 * Searches carry no query text (a child may type a name into a search box): the number of words and characters, the
 * number of hits, and where the search was made.
 */
export const usageEventSchema = z
  .object({
    id: z.string().uuid(),
    accountId: z.string().min(1).max(100),
    at: z.string().datetime(),
    kind: z.enum(['search']),
    /** Non-personal dimensions only: scope, work, counts. */
    properties: z.record(z.string().max(40), z.union([z.string().max(200), z.number()])),
  })
  .strict();
export type UsageEvent = z.infer<typeof usageEventSchema>;

/** Whose event it is: the account as authentication read it, so checking PRIV-4 costs no read. */
export type UsageSubject = Pick<AccountDoc, 'accountId' | 'status' | 'processing'>;

/**
 * Queues one usage event, unless the person restricted processing or objected to usage analytics (PRIV-4): then
 * nothing is sent at all, so nothing identifiable is kept about them.
 */
export async function recordUsageEvent(
  services: Pick<Services, 'bus' | 'clock' | 'telemetry'>,
  subject: UsageSubject,
  event: Omit<UsageEvent, 'id' | 'at' | 'accountId'>,
): Promise<void> {
  if (!usageRecordingAllowed(subject)) return;
  const body: UsageEvent = { id: randomUUID(), at: services.clock.now().toISOString(), accountId: subject.accountId, ...event };
  try {
    await services.bus.send('usage-events', { body, messageId: body.id });
  } catch (error) {
    services.telemetry.event('usage-event.lost', { kind: event.kind, error: error instanceof Error ? error.name : 'unknown' });
  }
}

/**
 * The queue function's work: one document per event, keyed by the event's id (a redelivery writes it again, once),
 * and the search counted in the aggregates like a front-end batch of one (its id the event's, so counted once).
 */
export async function storeUsageEvent(services: Pick<Services, 'db' | 'clock' | 'config' | 'telemetry'>, event: UsageEvent): Promise<void> {
  await services.db.collection('events').upsert({ ...event, type: 'usage-event' });
  const account = await services.db.collection('accounts').read<AccountDoc>(event.accountId, event.accountId);
  await recordUsageBatch(
    services,
    {
      batchId: event.id,
      receivedAt: event.at,
      recording: 'identifiable',
      accountId: event.accountId,
      ...(account ? { schools: schoolsOf(account) } : {}),
      events: [searchOf(event)],
    },
    false,
  );
}

const count = (value: unknown, max: number) => Math.min(max, Math.max(0, Math.trunc(Number(value) || 0)));

/** The server's search event as the aggregates take one (counts only, as it was recorded). */
function searchOf(event: UsageEvent): ClientEvent {
  const { scope, workId, words, characters, hits } = event.properties;
  return {
    kind: 'search',
    at: event.at,
    scope: scope === 'work' ? 'work' : 'catalogue',
    ...(typeof workId === 'string' ? { workId } : {}),
    words: count(words, 100),
    characters: count(characters, 1000),
    hits: count(hits, 10_000),
  };
}
