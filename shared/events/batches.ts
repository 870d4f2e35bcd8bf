import { createHmac } from 'node:crypto';

import { z } from 'zod';

import { type AccountDoc, usageRecordingAllowed } from '../accounts/index.js';
import type { Bus, OutgoingMessage } from '../platform/bus.js';
import type { Config } from '../platform/config.js';
import { ConcurrentUpdateError, type Doc, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { QueueName } from '../platform/queues.js';
import type { Services } from '../platform/services.js';
import { worksOpenAt } from '../store/index.js';

/**
 * Usage events from the front end (LOG-1): a batch of typed events, checked here, answered 202 and queued as one
 * Service Bus message (message id = batch id). Nothing a person typed travels: a search is its counts only. Browser
 * and country are not taken from the client but from the request (user agent summary, the edge's country header).
 */
const MAX_EVENTS_PER_BATCH = 100;
/** A full batch of the longest events is about 25 kB; 64 kB leaves room and keeps a batch far below a 256 kB message. */
export const MAX_BATCH_BYTES = 64 * 1024;
/** A batch the browser kept while offline may be this old; older events are refused (422), not misdated. */
const MAX_EVENT_AGE_HOURS = 48;
/** Clocks of browsers run fast by a little. */
const FUTURE_SLACK_MS = 5 * 60_000;

const idSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9._:-]+$/);
const at = z.iso.datetime();

const pageViewSchema = z.strictObject({
  kind: z.literal('page-view'),
  at,
  workId: idSchema,
  chapterId: idSchema.optional(),
  pageId: idSchema.optional(),
  /** Seconds the page was in view (the front end sends the view when the reader leaves it). */
  seconds: z.number().int().min(0).max(3600),
});

const searchSchema = z.strictObject({
  kind: z.literal('search'),
  at,
  scope: z.enum(['work', 'catalogue', 'page']),
  workId: idSchema.optional(),
  chapterId: idSchema.optional(),
  /** Counts only: what was typed never leaves the browser (a child may type a name). */
  words: z.number().int().min(0).max(100),
  characters: z.number().int().min(0).max(1000),
  hits: z.number().int().min(0).max(10_000),
});

const interactionSchema = z.strictObject({
  kind: z.literal('interaction'),
  at,
  workId: idSchema,
  chapterId: idSchema.optional(),
  /** The interactive component's kind (its id in the work's content would be too fine-grained to be useful). */
  component: z.enum(['exercise', 'video', 'audio', 'image-zoom', 'simulation', 'glossary', 'flashcards', 'other']),
  action: z.enum(['open', 'start', 'answer', 'complete', 'play']),
});

const clientEventSchema = z.discriminatedUnion('kind', [pageViewSchema, searchSchema, interactionSchema]);
export type ClientEvent = z.infer<typeof clientEventSchema>;

export const eventBatchSchema = z.strictObject({
  /** Chosen by the front end, kept when it resends the batch after a failed attempt: the caller's repeat is dropped. */
  batchId: z.uuid(),
  events: z.array(clientEventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
});

/** What travels on the `usage-events` queue for one front-end batch. */
export const usageBatchMessageSchema = z.strictObject({
  batchId: z.uuid(),
  /**
   * The batch's key for dropping repeats: a keyed hash of the caller (account, or client address) and the batch id
   * (`batchKeyOf`). Absent only in messages queued before callers were told apart.
   */
  batchKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16}$/)
    .optional(),
  receivedAt: at,
  /**
   * Decided by the route from the account its authentication read (PRIV-4 costs no read): identifiable (the account
   * id travels), counts-only (restricted or objecting: only the schools travel), anonymous (not signed in).
   */
  recording: z.enum(['identifiable', 'counts-only', 'anonymous']),
  accountId: z.string().min(1).max(100).optional(),
  /** The person's schools and role group there, for the aggregates. */
  schools: z
    .array(z.strictObject({ schoolId: z.string().min(1).max(100), group: z.enum(['student', 'staff']) }))
    .max(20)
    .optional(),
  /**
   * The works the batch names that its caller could open when the events happened (a licence, checked by the route;
   * none without sign-in: no work is open to anyone not signed in). Events naming another work are left out of the
   * aggregates. Absent in batches the server made (their works were checked where they happened).
   */
  openWorks: z.array(idSchema).max(MAX_EVENTS_PER_BATCH).optional(),
  browser: z.string().max(80).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  events: z.array(clientEventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type UsageBatchMessage = z.infer<typeof usageBatchMessageSchema>;

/** A keyed hash, so that ids and addresses never appear in stored keys (the key is the first session signing key). */
export function keyedHash(config: Pick<Config, 'SESSION_SIGNING_KEYS'>, purpose: string, value: string, length = 22): string {
  return createHmac('sha256', config.SESSION_SIGNING_KEYS[0]!.secret).update(`usage:${purpose}:${value}`).digest('base64url').slice(0, length);
}

/**
 * The key a batch is remembered by in cells and markers: not its id, so cells cannot be joined to the person's events;
 * and scoped to its caller (the account, or without one the client address), since the front end chooses the id and
 * two callers' equal ids are two batches. Without a caller: server events, whose ids the server chose.
 */
export const batchKeyOf = (config: Pick<Config, 'SESSION_SIGNING_KEYS'>, batchId: string, caller?: string) =>
  keyedHash(config, 'batch', caller === undefined ? batchId : `${caller}|${batchId}`, 16);

interface RateDoc extends Doc {
  type: 'usage-rate';
  scope: string;
  events: number;
}

/**
 * Per session (or, without one, per client address: anonymous devices have no id of their own), a fixed one-minute
 * window of USAGE_EVENTS_PER_MINUTE events, in one document per window keyed by a keyed hash (2 operations). A batch
 * that does not fit is refused whole (429 with Retry-After to the window's end), so the front end resends it later.
 */
async function reserveEvents(services: Pick<Services, 'db' | 'clock' | 'config'>, caller: string, events: number): Promise<void> {
  const now = services.clock.now().getTime();
  const windowStart = now - (now % 60_000);
  const id = `r:${keyedHash(services.config, 'rate', caller)}:${windowStart}`;
  const limit = services.config.USAGE_EVENTS_PER_MINUTE;
  const retryAfter = Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000));
  const refuse = () => new AppError('usage_events_rate_limited', { params: { retryAfter }, retryAfterSeconds: retryAfter });
  try {
    await updateWithEtag<RateDoc>(
      services.db.collection('stats'),
      id,
      id,
      (doc) => {
        if (doc.events + events > limit) throw refuse();
        return { ...doc, events: doc.events + events };
      },
      { attempts: 20, create: () => (events > limit ? undefined : { id, type: 'usage-rate', scope: id, events }) },
    );
  } catch (error) {
    // Many parallel batches of one session: past the attempts the batch is refused, never let through uncounted.
    if (error instanceof ConcurrentUpdateError) throw refuse();
    throw error;
  }
  if (events > limit) throw refuse();
}

/**
 * Group commit of queue messages: while one batch send is on its way, messages of other requests wait and go in the
 * next batch send together (one Service Bus operation for many requests under load, no added wait when idle). The
 * request still waits for its own message to be sent, so a 202 means the batch is on the queue.
 */
export class CoalescingSender {
  private waiting: { message: OutgoingMessage<unknown>; done: (error?: Error) => void }[] = [];
  private sending = false;

  constructor(
    private readonly bus: Bus,
    private readonly queue: QueueName,
  ) {}

  send(message: OutgoingMessage<unknown>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ message, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_MESSAGES_PER_SEND);
      try {
        await this.bus.sendBatch(
          this.queue,
          batch.map((w) => w.message),
        );
        for (const w of batch) w.done();
      } catch (error) {
        const failure = error instanceof Error ? error : new Error('The batch send failed');
        for (const w of batch) w.done(failure);
      }
    }
    this.sending = false;
  }
}

/** 100 messages of at most 64 kB: the Azure adapter splits a batch at the namespace's size limit anyway. */
const MAX_MESSAGES_PER_SEND = 100;
const senders = new WeakMap<Bus, CoalescingSender>();
const senderFor = (bus: Bus) => {
  let sender = senders.get(bus);
  if (!sender) senders.set(bus, (sender = new CoalescingSender(bus, 'usage-events')));
  return sender;
};

export interface BatchCaller {
  /** Rate-limit key: the session id when signed in, else the client address. */
  rateKey: string;
  /** The signed-in account as authentication read it. */
  account?: Pick<AccountDoc, 'accountId' | 'status' | 'processing' | 'schoolRoles'>;
  browser?: string;
  country?: string;
}

/** The person's schools, a role group each (student wins over any other role in the same school). */
export function schoolsOf(account: Pick<AccountDoc, 'schoolRoles'>): NonNullable<UsageBatchMessage['schools']> {
  const groups = new Map<string, 'student' | 'staff'>();
  for (const role of account.schoolRoles ?? [])
    groups.set(role.schoolId, role.role === 'student' || groups.get(role.schoolId) === 'student' ? 'student' : 'staff');
  return [...groups].slice(0, 20).map(([schoolId, group]) => ({ schoolId, group }));
}

/** The works the events name, each with the instants it was used and now (a licence that began since counts too). */
function instantsByWork(events: readonly ClientEvent[], now: Date): Map<string, Date[]> {
  const instants = new Map<string, Date[]>();
  for (const event of events) if (event.workId) instants.set(event.workId, [...(instants.get(event.workId) ?? [now]), new Date(event.at)]);
  return instants;
}

/** The route's work: times checked, the caller's window reserved, the batch queued (202). */
export async function acceptUsageBatch(
  services: Pick<Services, 'db' | 'clock' | 'config' | 'bus'>,
  caller: BatchCaller,
  batch: z.infer<typeof eventBatchSchema>,
): Promise<{ batchId: string; accepted: number }> {
  const now = services.clock.now();
  const oldest = now.getTime() - MAX_EVENT_AGE_HOURS * 3_600_000;
  if (batch.events.some((e) => Date.parse(e.at) < oldest || Date.parse(e.at) > now.getTime() + FUTURE_SLACK_MS))
    throw new AppError('usage_event_out_of_time', { params: { maxAgeHours: MAX_EVENT_AGE_HOURS } });
  await reserveEvents(services, caller.rateKey, batch.events.length);
  const { account } = caller;
  const openWorks = account ? await worksOpenAt(services, account.accountId, instantsByWork(batch.events, now)) : new Set<string>();
  const recording = !account ? 'anonymous' : usageRecordingAllowed(account) ? 'identifiable' : 'counts-only';
  // The front end chooses the id: another caller's equal id is another batch (for the queue's duplicate detection too).
  const batchKey = batchKeyOf(services.config, batch.batchId, account ? `account:${account.accountId}` : caller.rateKey);
  const body: UsageBatchMessage = {
    batchId: batch.batchId,
    batchKey,
    receivedAt: now.toISOString(),
    recording,
    // A person who restricted processing or objected (PRIV-4): not even their id goes on the queue.
    ...(account && recording === 'identifiable' ? { accountId: account.accountId } : {}),
    ...(account ? { schools: schoolsOf(account) } : {}),
    openWorks: [...openWorks],
    ...(caller.browser ? { browser: caller.browser.slice(0, 80) } : {}),
    ...(caller.country ? { country: caller.country } : {}),
    events: batch.events,
  };
  await senderFor(services.bus).send({ body, messageId: `usage-batch:${batchKey}` });
  return { batchId: batch.batchId, accepted: batch.events.length };
}
