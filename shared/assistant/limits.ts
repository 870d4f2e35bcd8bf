import { createHmac } from 'node:crypto';

import { ConcurrentUpdateError, type Doc, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';

/**
 * Rate limits of the assistant (GPT-1): per user and per school, in fixed windows, like the sign-in throttle's
 * buckets (shared/auth/throttle.ts: a document per bucket in `logins`, ids and people only as keyed hashes, checked and
 * counted in one ETag-checked write so parallel messages cannot all slip under the limit). A school user's own count
 * sits in the school's bucket, keyed by a hash of the account id, so a message costs one read and one write whatever
 * the role. Only counts are kept, no text, and a bucket lives a day after its last message.
 */
interface AssistantUsageDoc extends Doc {
  type: 'assistant-usage';
  windowStart: string;
  count: number;
  /** In a school's bucket: each user's count in their own window, by keyed hash. */
  users?: Record<string, { windowStart: string; count: number }>;
}

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

/**
 * Counts one message of this user (in this school, when they have one) or refuses it with 429 and Retry-After when
 * the user's or the school's window is full. Refused messages are not counted.
 */
export async function countMessage(deps: Deps, accountId: string, schoolId: string | undefined): Promise<void> {
  const windowMs = deps.config.ASSISTANT_LIMIT_WINDOW_SECONDS * 1000;
  const userKey = keyedHash(deps, 'assistant-user', accountId);
  const id = schoolId ? `assistant-usage:school:${keyedHash(deps, 'assistant-school', schoolId)}` : `assistant-usage:user:${userKey}`;
  const next = (doc: (AssistantUsageDoc & Stored) | undefined): AssistantUsageDoc => {
    const now = deps.clock.now().getTime();
    const bucket = current(doc, now, windowMs);
    if (!schoolId) {
      if (bucket.count >= deps.config.ASSISTANT_USER_LIMIT) throw refuse(bucket, now, windowMs);
      return { id, type: 'assistant-usage', windowStart: bucket.windowStart, count: bucket.count + 1 };
    }
    const user = current(doc?.users?.[userKey], now, windowMs);
    if (user.count >= deps.config.ASSISTANT_USER_LIMIT) throw refuse(user, now, windowMs);
    if (bucket.count >= deps.config.ASSISTANT_SCHOOL_LIMIT) throw refuse(bucket, now, windowMs);
    // Users whose window ran out are dropped, so the document holds only this window's users.
    const users = Object.fromEntries(Object.entries(doc?.users ?? {}).filter(([, w]) => now - Date.parse(w.windowStart) < windowMs));
    users[userKey] = { windowStart: user.windowStart, count: user.count + 1 };
    return { id, type: 'assistant-usage', windowStart: bucket.windowStart, count: bucket.count + 1, users };
  };
  try {
    // A school's bucket is written by every message of its users: many attempts, as for the sign-in buckets.
    await updateWithEtag<AssistantUsageDoc>(deps.db.collection('logins'), id, id, (doc) => next(doc), {
      attempts: 100,
      create: () => next(undefined),
    });
  } catch (error) {
    // Fails closed: past the attempts the message is refused for a moment rather than let through uncounted.
    if (error instanceof ConcurrentUpdateError)
      throw new AppError('assistant_rate_limited', { params: { retryAfterMinutes: 1 }, retryAfterSeconds: 5 });
    throw error;
  }
}
