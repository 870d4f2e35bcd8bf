import { createHmac } from 'node:crypto';
import { HttpError } from '../http/errors.js';
import { ConcurrentUpdateError, DocumentExistsError, type Doc } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';

/**
 * Failed password sign-ins are counted per sign-in name (the e-mail, whether or not an account has it, so the
 * answer never tells them apart) and per client IP. Past the limit within the window, attempts are refused with
 * 429 and Retry-After until the lock ends. The IP is stored only as a keyed hash, for a day at most.
 */
export const THROTTLE = {
  windowSeconds: 15 * 60,
  lockSeconds: 15 * 60,
  perName: 5,
  perIp: 30,
} as const;

interface ThrottleDoc extends Doc {
  type: 'login-throttle';
  failures: number;
  windowStart: string;
  lockedUntil?: string;
  accountId?: string;
}

type Deps = Pick<Services, 'db' | 'clock' | 'config'>;

export interface ThrottleKeys {
  name: string;
  ip?: string;
}

function keyed(deps: Deps, kind: string, value: string): string {
  const secret = deps.config.SESSION_SIGNING_KEYS[0]!.secret;
  return `throttle:${kind}:${createHmac('sha256', secret).update(`${kind}:${value}`).digest('base64url').slice(0, 32)}`;
}

function docIds(deps: Deps, keys: ThrottleKeys): { id: string; limit: number }[] {
  return [
    { id: keyed(deps, 'name', keys.name.toLowerCase()), limit: THROTTLE.perName },
    ...(keys.ip ? [{ id: keyed(deps, 'ip', keys.ip), limit: THROTTLE.perIp }] : []),
  ];
}

/** Refuses the attempt while a lock is on (429 too_many_attempts with Retry-After). */
export async function assertNotThrottled(deps: Deps, keys: ThrottleKeys): Promise<void> {
  const now = deps.clock.now().getTime();
  for (const { id } of docIds(deps, keys)) {
    const doc = await deps.db.collection('logins').read<ThrottleDoc>(id, id);
    const until = doc?.lockedUntil ? Date.parse(doc.lockedUntil) : 0;
    if (until > now) {
      const seconds = Math.ceil((until - now) / 1000);
      throw new HttpError(429, 'too_many_attempts', { retryAfterMinutes: Math.ceil(seconds / 60) }, undefined, { 'retry-after': String(seconds) });
    }
  }
}

export async function recordFailure(deps: Deps, keys: ThrottleKeys): Promise<void> {
  for (const { id, limit } of docIds(deps, keys)) await bump(deps, id, limit);
}

async function bump(deps: Deps, id: string, limit: number): Promise<void> {
  const logins = deps.db.collection('logins');
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = deps.clock.now();
    const doc = await logins.read<ThrottleDoc>(id, id);
    const fresh = !doc || now.getTime() - Date.parse(doc.windowStart) > THROTTLE.windowSeconds * 1000;
    const failures = fresh ? 1 : doc.failures + 1;
    const next: ThrottleDoc = {
      id,
      type: 'login-throttle',
      failures,
      windowStart: fresh ? now.toISOString() : doc.windowStart,
      ...(failures >= limit ? { lockedUntil: new Date(now.getTime() + THROTTLE.lockSeconds * 1000).toISOString() } : {}),
    };
    try {
      if (!doc) await logins.create(next);
      else await logins.replace<ThrottleDoc>({ ...next, _etag: doc._etag });
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) && !(error instanceof DocumentExistsError)) throw error;
    }
  }
}

/**
 * A general per-key limit on the same window: true once `limit` events were counted in the window (then for the lock
 * time); otherwise counts this one. Used for public endpoints where each event costs storage (rejected payment
 * messages per client IP).
 */
export async function overLimit(deps: Deps, kind: string, value: string, limit: number): Promise<boolean> {
  const id = keyed(deps, kind, value);
  const doc = await deps.db.collection('logins').read<ThrottleDoc>(id, id);
  if (doc?.lockedUntil && Date.parse(doc.lockedUntil) > deps.clock.now().getTime()) return true;
  await bump(deps, id, limit);
  return false;
}

/** overLimit as a 429 with Retry-After, for endpoints a person calls (link requests by e-mail or personal code). */
export async function assertUnderLimit(deps: Deps, kind: string, value: string, limit: number): Promise<void> {
  if (await overLimit(deps, kind, value, limit))
    throw new HttpError(429, 'too_many_attempts', { retryAfterMinutes: Math.ceil(THROTTLE.lockSeconds / 60) }, undefined, { 'retry-after': String(THROTTLE.lockSeconds) });
}

/** A successful sign-in clears the name's count (the IP's count stays: one success must not reset an attack). */
export async function clearFailures(deps: Deps, name: string): Promise<void> {
  const id = keyed(deps, 'name', name.toLowerCase());
  await deps.db.collection('logins').delete(id, id);
}
