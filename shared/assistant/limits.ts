import { createHmac } from 'node:crypto';

import { ConcurrentUpdateError, type Doc, DocumentExistsError, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';

/**
 * Rate limits of the assistant (GPT-1): per user and per school, in fixed windows, like the sign-in throttle's
 * buckets (shared/auth/throttle.ts: ids and people only as keyed hashes, checked and counted in one ETag-checked write
 * so parallel messages cannot all slip under the limit). Only counts are kept, no text; a bucket lives a day after its
 * last message (registry). A private user's bucket is one document in `logins`.
 */
interface AssistantUsageDoc extends Doc {
  type: 'assistant-usage';
  windowStart: string;
  count: number;
}

/**
 * A school's count is split over SCHOOL_SHARDS documents in the school's partition of `schools`
 * (`assistant-usage:<shard>`), a user always counted in the shard of their keyed hash, which holds their own window
 * too; so a very busy school's messages do not all queue on one document's ETag. A message reads all the shards in one
 * single-partition query, sums them for the school's limit and writes its own shard (one query and one write, as the
 * single document cost). The sum is bounded, not exact: messages racing on different shards can each see the school
 * one under its limit, so at most SCHOOL_SHARDS - 1 messages a window more than the limit get through; racing on
 * one shard they conflict and re-read. Each shard has its own fixed window.
 */
interface SchoolUsageShardDoc extends Doc {
  type: 'assistant-school-usage';
  schoolId: string;
  windowStart: string;
  count: number;
  /** Each of this shard's users' count in their own window, by keyed hash. */
  users: Record<string, Window>;
}

const SCHOOL_SHARDS = 8;
const WRITE_ATTEMPTS = 100;

type Deps = Pick<Services, 'db' | 'clock' | 'config'>;

export function keyedHash(deps: Pick<Services, 'config'>, kind: string, value: string): string {
  const secret = deps.config.SESSION_SIGNING_KEYS[0]!.secret;
  return createHmac('sha256', secret).update(`${kind}:${value}`).digest('base64url').slice(0, 32);
}

interface Window {
  windowStart: string;
  count: number;
}

/** The window as it stands at `now`: a run-out window counts from zero again. */
function current(window: Window | undefined, now: number, windowMs: number): Window {
  return window && now - Date.parse(window.windowStart) < windowMs ? window : { windowStart: new Date(now).toISOString(), count: 0 };
}

function refuse(window: Window, now: number, windowMs: number): AppError {
  const seconds = Math.max(1, Math.ceil((Date.parse(window.windowStart) + windowMs - now) / 1000));
  return new AppError('assistant_rate_limited', { params: { retryAfterMinutes: Math.max(1, Math.ceil(seconds / 60)) }, retryAfterSeconds: seconds });
}

/** The shard a user is counted in: the first four bytes of their keyed hash. */
const shardOf = (userKey: string) => Buffer.from(userKey, 'base64url').readUInt32BE(0) % SCHOOL_SHARDS;

/** Fails closed: past the attempts the message is refused for a moment rather than let through uncounted. */
const busyRefusal = () => new AppError('assistant_rate_limited', { params: { retryAfterMinutes: 1 }, retryAfterSeconds: 5 });

/**
 * Counts one message of this user (in this school, when they have one) or refuses it with 429 and Retry-After when
 * the user's or the school's window is full. Refused messages are not counted.
 */
export async function countMessage(deps: Deps, accountId: string, schoolId: string | undefined): Promise<void> {
  const userKey = keyedHash(deps, 'assistant-user', accountId);
  if (schoolId) return countSchoolMessage(deps, userKey, schoolId);
  const windowMs = deps.config.ASSISTANT_LIMIT_WINDOW_SECONDS * 1000;
  const id = `assistant-usage:user:${userKey}`;
  const next = (doc: (AssistantUsageDoc & Stored) | undefined): AssistantUsageDoc => {
    const now = deps.clock.now().getTime();
    const bucket = current(doc, now, windowMs);
    if (bucket.count >= deps.config.ASSISTANT_USER_LIMIT) throw refuse(bucket, now, windowMs);
    return { id, type: 'assistant-usage', windowStart: bucket.windowStart, count: bucket.count + 1 };
  };
  try {
    await updateWithEtag<AssistantUsageDoc>(deps.db.collection('logins'), id, id, (doc) => next(doc), {
      attempts: WRITE_ATTEMPTS,
      create: () => next(undefined),
    });
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) throw busyRefusal();
    throw error;
  }
}

async function countSchoolMessage(deps: Deps, userKey: string, schoolId: string): Promise<void> {
  const windowMs = deps.config.ASSISTANT_LIMIT_WINDOW_SECONDS * 1000;
  const schools = deps.db.collection('schools');
  const id = `assistant-usage:${shardOf(userKey)}`;
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const { items: shards } = await schools.query<SchoolUsageShardDoc & Stored>(schoolId, {
      where: "c.type = 'assistant-school-usage'",
      pageSize: SCHOOL_SHARDS,
    });
    const now = deps.clock.now().getTime();
    const mine = shards.find((d) => d.id === id);
    const user = current(mine?.users[userKey], now, windowMs);
    if (user.count >= deps.config.ASSISTANT_USER_LIMIT) throw refuse(user, now, windowMs);
    const windows = shards.map((d) => current(d, now, windowMs)).filter((w) => w.count > 0);
    if (windows.reduce((sum, w) => sum + w.count, 0) >= deps.config.ASSISTANT_SCHOOL_LIMIT) {
      // Room comes back when the first shard's window ends.
      const first = windows.reduce((a, b) => (Date.parse(a.windowStart) <= Date.parse(b.windowStart) ? a : b));
      throw refuse(first, now, windowMs);
    }
    const bucket = current(mine, now, windowMs);
    // Users whose window ran out are dropped, so the shard holds only this window's users.
    const users = Object.fromEntries(Object.entries(mine?.users ?? {}).filter(([, w]) => now - Date.parse(w.windowStart) < windowMs));
    users[userKey] = { windowStart: user.windowStart, count: user.count + 1 };
    const next: SchoolUsageShardDoc = {
      id,
      type: 'assistant-school-usage',
      schoolId,
      windowStart: bucket.windowStart,
      count: bucket.count + 1,
      users,
    };
    try {
      await (mine ? schools.replace<SchoolUsageShardDoc>({ ...next, _etag: mine._etag }) : schools.create<SchoolUsageShardDoc>(next));
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) && !(error instanceof DocumentExistsError)) throw error;
      // A little jitter, as updateWithEtag does, so racing writers of one shard do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 5 * attempt)));
    }
  }
  throw busyRefusal();
}
