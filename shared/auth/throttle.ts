import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { ConcurrentUpdateError, type Doc, DocumentExistsError, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';

/**
 * Password guessing is limited in three buckets, each in its own document (names and IPs only as keyed hashes):
 * - name + IP: 5 failures within 15 minutes lock that name *from that IP* for 15 minutes (429 with Retry-After). The
 *   owner elsewhere is not locked out, and the reset e-mail stays open (a reset starts a fresh bucket).
 * - name, from anywhere: past 10 failures each attempt is slowed down (never refused), so guessing one account from
 *   many addresses is slow without giving anyone a way to lock its owner out.
 * - IP, for every name: past 30 failures each attempt from it is slowed down (never refused): a school behind one
 *   NAT address keeps signing in with correct passwords while a sprayer is slowed.
 * An attempt is *reserved* in the name + IP bucket (ETag-checked) before the password is verified, so parallel
 * guesses cannot all pass the check before any is counted. Other actions (reset requests, sign-ups) have their own
 * buckets and never count towards sign-in.
 */
const THROTTLE = {
  windowSeconds: 15 * 60,
  lockSeconds: 15 * 60,
  perNameAndIp: 5,
  nameSlowAfter: 10,
  ipSlowAfter: 30,
  slowStepMs: 250,
  maxDelayMs: 5_000,
  /** A reservation whose outcome never arrived (a crashed request) stops counting after this long. */
  reservationSeconds: 60,
} as const;

interface ThrottleDoc extends Doc {
  type: 'login-throttle';
  failures: number;
  windowStart: string;
  lockedUntil?: string;
  /** Attempts reserved but not yet decided (name + IP bucket). */
  pending?: { id: string; at: string }[];
  accountId?: string;
}

type Deps = Pick<Services, 'db' | 'clock' | 'config'>;

function keyed(deps: Deps, kind: string, value: string): string {
  const secret = deps.config.SESSION_SIGNING_KEYS[0]!.secret;
  return `throttle:${kind}:${createHmac('sha256', secret).update(`${kind}:${value}`).digest('base64url').slice(0, 32)}`;
}

const tooMany = (seconds: number) =>
  new AppError('too_many_attempts', { params: { retryAfterMinutes: Math.max(1, Math.ceil(seconds / 60)) }, retryAfterSeconds: seconds });

/** Whether the document's window has run out (then it counts from zero again). */
function expired(doc: ThrottleDoc | undefined, now: number): boolean {
  return !doc || now - Date.parse(doc.windowStart) > THROTTLE.windowSeconds * 1000;
}

/**
 * Read-modify-write of one throttle document under its ETag, retried on conflicts. `change` returns the next
 * document, or throws to refuse. Many parallel requests on one document all finish: each conflict means another
 * writer got through, so retrying makes progress; past the attempts it refuses (fails closed, 429) rather than skip.
 */
async function update(
  deps: Deps,
  id: string,
  change: (doc: (ThrottleDoc & Stored) | undefined, now: number) => ThrottleDoc | undefined,
  /** The bucket as just read (with its ETag): the first attempt starts from it, saving a read. */
  known?: ThrottleDoc & Stored,
): Promise<(ThrottleDoc & Stored) | undefined> {
  const now = () => deps.clock.now().getTime();
  try {
    const updated = await updateWithEtag<ThrottleDoc>(deps.db.collection('logins'), id, id, (doc) => change(doc, now()), {
      attempts: 100,
      create: () => change(undefined, now()),
      ...(known ? { current: known } : {}),
    });
    return updated?.doc;
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) throw tooMany(5);
    throw error;
  }
}

/** Adds one failure to a counting bucket (name or IP); no lock, the count only slows attempts down. */
/**
 * Adds one failure to a counting bucket (name or IP); no lock, the count only slows attempts down. `known` is the
 * bucket as read before the check (null: there was none, so it is created without reading again).
 */
async function countFailure(deps: Deps, id: string, known: (ThrottleDoc & Stored) | null): Promise<void> {
  const counted = (doc: ThrottleDoc | undefined, now: number): ThrottleDoc =>
    expired(doc, now)
      ? { id, type: 'login-throttle', failures: 1, windowStart: new Date(now).toISOString() }
      : { id, type: 'login-throttle', failures: doc!.failures + 1, windowStart: doc!.windowStart };
  if (known === null)
    try {
      await deps.db.collection('logins').create<ThrottleDoc>(counted(undefined, deps.clock.now().getTime()));
      return;
    } catch (error) {
      // Another attempt created it meanwhile: count on it as usual.
      if (!(error instanceof DocumentExistsError)) throw error;
    }
  await update(deps, id, counted, known ?? undefined);
}

/**
 * Reserves in a name + IP bucket that does not exist yet with one create (the usual case: a bucket is removed by the
 * success that empties it). Undefined when it exists: then it is read and updated under its ETag as usual.
 */
async function reserveFresh(deps: Deps, doc: ThrottleDoc): Promise<(ThrottleDoc & Stored) | undefined> {
  try {
    return await deps.db.collection('logins').create<ThrottleDoc>(doc);
  } catch (error) {
    if (error instanceof DocumentExistsError) return undefined;
    throw error;
  }
}

/** A counting bucket as stored now (kept, so counting a failure after the check needs no second read). */
async function readBucket(deps: Deps, id: string): Promise<(ThrottleDoc & Stored) | null> {
  const doc = await deps.db.collection('logins').read<ThrottleDoc>(id, id);
  return doc?.type === 'login-throttle' ? doc : null;
}

const failuresOf = (deps: Deps, doc: ThrottleDoc | null) => (expired(doc ?? undefined, deps.clock.now().getTime()) ? 0 : doc!.failures);

export interface SignInAttemptKeys {
  /** The normalised sign-in name (whether or not an account has it, so the answer never tells them apart). */
  name: string;
  ip?: string;
  /**
   * The login's password version (0 when there is no such login). Part of the name + IP bucket's key, so a password
   * reset or change starts a fresh bucket: failures against the old password say nothing about the new one.
   */
  passwordVersion: number;
}

export interface SignInAttempt {
  /** Records how the attempt ended; failures count, a success clears the name + IP bucket. */
  finish(outcome: 'success' | 'failure'): Promise<void>;
}

/**
 * Reserves one attempt for this name from this IP before the password is checked (429 when the bucket is full or
 * locked), then waits out the slow-down of the name and IP buckets. The caller must call `finish`.
 */
export async function reserveSignInAttempt(deps: Deps, keys: SignInAttemptKeys): Promise<SignInAttempt> {
  // Without a client address (never in Azure, whose front end always forwards it) the pair bucket is per name, and
  // there is no IP bucket: one shared "unknown" bucket would let anyone slow everyone down.
  const ip = keys.ip ?? 'unknown';
  const pairId = keyed(deps, 'name-ip', `${keys.passwordVersion}:${keys.name}|${ip}`);
  const nameId = keyed(deps, 'name', keys.name);
  const ipId = keys.ip ? keyed(deps, 'ip', keys.ip) : undefined;
  const reservation = randomUUID();

  const reserve = (doc: ThrottleDoc | undefined, now: number): ThrottleDoc => {
    const locked = doc?.lockedUntil ? Date.parse(doc.lockedUntil) : 0;
    if (locked > now) throw tooMany((locked - now) / 1000);
    const fresh = expired(doc, now);
    const failures = fresh ? 0 : doc!.failures;
    const pending = (doc?.pending ?? []).filter((p) => now - Date.parse(p.at) < THROTTLE.reservationSeconds * 1000);
    // In-flight attempts count: a sixth parallel guess is refused before any of the first five is decided.
    if (failures + pending.length >= THROTTLE.perNameAndIp) throw tooMany(failures >= THROTTLE.perNameAndIp ? THROTTLE.lockSeconds : 5);
    return {
      id: pairId,
      type: 'login-throttle',
      failures,
      windowStart: fresh ? new Date(now).toISOString() : doc!.windowStart,
      pending: [...pending, { id: reservation, at: new Date(now).toISOString() }],
    };
  };
  const reserved = (await reserveFresh(deps, reserve(undefined, deps.clock.now().getTime()))) ?? (await update(deps, pairId, reserve));

  const [nameBucket, ipBucket] = await Promise.all([readBucket(deps, nameId), ipId ? readBucket(deps, ipId) : null]);
  const nameFailures = failuresOf(deps, nameBucket);
  const ipFailures = ipId ? failuresOf(deps, ipBucket) : 0;
  const excess = Math.max(nameFailures - THROTTLE.nameSlowAfter, ipFailures - THROTTLE.ipSlowAfter, 0);
  if (excess > 0) await sleep(Math.min(THROTTLE.maxDelayMs, excess * THROTTLE.slowStepMs));

  let finished = false;
  return {
    async finish(outcome) {
      if (finished) return;
      finished = true;
      // A success that leaves nothing to count (no failures, no other attempt in flight) removes the bucket, so the
      // next sign-in reserves with one create instead of a read and a write (issue 11). The delete is ETag-checked:
      // a bucket another attempt changed meanwhile is settled below as before.
      const onlyOurs = reserved && reserved.failures === 0 && (reserved.pending ?? []).every((p) => p.id === reservation);
      if (outcome === 'success' && onlyOurs && (await deps.db.collection('logins').delete(pairId, pairId, { ifMatch: reserved._etag }))) return;
      await update(
        deps,
        pairId,
        (doc, now) => {
          if (!doc) return undefined;
          const pending = (doc.pending ?? []).filter((p) => p.id !== reservation);
          if (outcome === 'success') return { id: pairId, type: 'login-throttle', failures: 0, windowStart: new Date(now).toISOString(), pending };
          const failures = expired(doc, now) ? 1 : doc.failures + 1;
          return {
            id: pairId,
            type: 'login-throttle',
            failures,
            windowStart: expired(doc, now) ? new Date(now).toISOString() : doc.windowStart,
            pending,
            ...(failures >= THROTTLE.perNameAndIp ? { lockedUntil: new Date(now + THROTTLE.lockSeconds * 1000).toISOString() } : {}),
          };
        },
        reserved,
      );
      // The buckets as read before the check: a write that meets a newer one reads it again (its ETag changed).
      if (outcome === 'failure') await Promise.all([countFailure(deps, nameId, nameBucket), ...(ipId ? [countFailure(deps, ipId, ipBucket)] : [])]);
    },
  };
}

/**
 * A general per-key limit on the same window: true once `limit` events were counted in the window (then for the lock
 * time); otherwise counts this one. The check and the count are one ETag-checked write, so parallel requests cannot
 * all slip under the limit. Used for public endpoints where each event costs storage or mail (rejected payment
 * messages per client IP, reset requests, sign-ups, link requests).
 */
export async function overLimit(deps: Deps, kind: string, value: string, limit: number): Promise<boolean> {
  const id = keyed(deps, kind, value);
  let over = false;
  await update(deps, id, (doc, now) => {
    over = false;
    if (doc?.lockedUntil && Date.parse(doc.lockedUntil) > now) {
      over = true;
      return undefined;
    }
    const fresh = expired(doc, now);
    const failures = fresh ? 1 : doc!.failures + 1;
    return {
      id,
      type: 'login-throttle',
      failures,
      windowStart: fresh ? new Date(now).toISOString() : doc!.windowStart,
      ...(failures >= limit ? { lockedUntil: new Date(now + THROTTLE.lockSeconds * 1000).toISOString() } : {}),
    };
  });
  return over;
}

/** overLimit as a 429 with Retry-After, for endpoints a person calls (link requests by e-mail or personal code). */
export async function assertUnderLimit(deps: Deps, kind: string, value: string, limit: number): Promise<void> {
  if (await overLimit(deps, kind, value, limit)) throw tooMany(THROTTLE.lockSeconds);
}

/**
 * True for the first call per key within `seconds` (then false until they have passed): "at most one e-mail of this
 * kind to this address per hour". One ETag-checked write decides, so parallel calls get one true between them.
 */
export async function firstInPeriod(deps: Deps, kind: string, value: string, seconds: number): Promise<boolean> {
  const id = keyed(deps, kind, value);
  let first = false;
  await update(deps, id, (doc, now) => {
    first = !doc || now - Date.parse(doc.windowStart) >= seconds * 1000;
    return first ? { id, type: 'login-throttle', failures: 1, windowStart: new Date(now).toISOString() } : undefined;
  });
  return first;
}
