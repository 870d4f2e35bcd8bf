import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  ConcurrentUpdateError,
  type Doc,
  DocumentExistsError,
  type Stored,
  type TogetherWrite,
  type Updated,
  updateWithEtag,
} from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';

/**
 * Password guessing is limited in three buckets (names and IPs only as keyed hashes):
 * - name + IP: 5 failures within 15 minutes lock that name *from that IP* for 15 minutes (429 with Retry-After). The
 *   owner elsewhere is not locked out, and the reset e-mail stays open (a reset starts a fresh bucket).
 * - name, from anywhere: past 10 failures each attempt is slowed down (never refused), so guessing one account from
 *   many addresses is slow without giving anyone a way to lock its owner out. Counted on the name's login document
 *   when it has one (read by the sign-in anyway), else in its own document.
 * - IP, for every name: past 30 failures each attempt from it is slowed down (never refused): a school behind one
 *   NAT address keeps signing in with correct passwords while a sprayer is slowed.
 * An attempt is *reserved* in the name + IP bucket (ETag-checked) before the password is verified, so parallel
 * guesses cannot all pass the check before any is counted. Other actions (reset requests, sign-ups) have their own
 * buckets and never count towards sign-in.
 * The name + IP bucket of a name that has a login is kept in its account's partition (`sign-in-throttle`), so a
 * sign-in's success removes it in the batch that writes the session (issue 11); sign-in and the signed-in password
 * checks (password change, closure) use that same bucket, so guesses through either count together. A name without
 * a login keeps it in the logins container (`login-throttle`, like the name and IP buckets).
 * The name's failure count keeps a tag of the last failing name + IP bucket: the next attempt in that bucket (a
 * mistyped password, then the right one) reserves by one conditional patch instead of a create that fails, a read and
 * a replace, and its success empties the bucket in the session's batch, keeping it for the next sign-in's patch
 * (issue 11: 5 operations, as a clean sign-in). A password change's success settles the bucket in the batch of its
 * login-log entry (5 right after a wrong current password), and a known name's failure is counted in the bucket in one
 * batch with its login-log entry (a wrong password at sign-in 7): so a known name's failure reads and writes as often
 * as an unknown name's, which counts in the name bucket it read instead of on the login.
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
  type: 'login-throttle' | 'sign-in-throttle';
  failures: number;
  windowStart: string;
  /**
   * When the window (or period) ends, in epoch milliseconds: what conditional patches compare (a number, and a
   * lower-case name, see `patchIf`). Written with every window. Without it (a bucket from before it existed, gone within its day) overLimit takes the read-and-write path and firstInPeriod answers false.
   */
  window_end_ms?: number;
  lockedUntil?: string;
  /** Attempts reserved but not yet decided (name + IP bucket). */
  pending?: { id: string; at: string }[];
  accountId?: string;
  /** A name bucket's last failing name + IP pair (`pairTag`): where the next attempt's reservation likely is. */
  last_pair?: string;
}

type Deps = Pick<Services, 'db' | 'clock' | 'config'>;

/**
 * Where a bucket is kept: the logins container (each bucket its own partition), or a known name's name + IP bucket in
 * its account's partition.
 */
interface Place {
  container: 'logins' | 'accounts';
  /** The partition (the bucket's id in logins, the account id in accounts). */
  partitionKey(id: string): string;
  /** The fields that put a bucket there: its type, and the partition key field in accounts. */
  fields: Pick<ThrottleDoc, 'type' | 'accountId'>;
}

const inLogins: Place = { container: 'logins', partitionKey: (id) => id, fields: { type: 'login-throttle' } };

const inAccount = (accountId: string): Place => ({
  container: 'accounts',
  partitionKey: () => accountId,
  fields: { type: 'sign-in-throttle', accountId },
});

function keyed(deps: Deps, kind: string, value: string): string {
  const secret = deps.config.SESSION_SIGNING_KEYS[0]!.secret;
  return `throttle:${kind}:${createHmac('sha256', secret).update(`${kind}:${value}`).digest('base64url').slice(0, 32)}`;
}

const tooMany = (seconds: number) =>
  new AppError('too_many_attempts', { params: { retryAfterMinutes: Math.max(1, Math.ceil(seconds / 60)) }, retryAfterSeconds: seconds });

/** A window (or period) that starts now. */
const windowFrom = (now: number, seconds: number) => ({ windowStart: new Date(now).toISOString(), window_end_ms: now + seconds * 1000 });

/** Creates a bucket that was not there; false when it exists (then the caller counts on it another way). */
async function createdFresh(deps: Deps, doc: ThrottleDoc): Promise<boolean> {
  try {
    await deps.db.collection('logins').create<ThrottleDoc>(doc);
    return true;
  } catch (error) {
    if (error instanceof DocumentExistsError) return false;
    throw error;
  }
}

/**
 * Whether the document's window has run out (then it counts from zero again). A lock in force keeps its window: a
 * guess that hung past the window's end must not restart the count at 1 and so drop the lock, which is only ever
 * stored with the failures that earned it.
 */
function expired(doc: ThrottleDoc | undefined, now: number): boolean {
  if (!doc) return true;
  if (doc.lockedUntil && Date.parse(doc.lockedUntil) > now) return false;
  return now - Date.parse(doc.windowStart) > THROTTLE.windowSeconds * 1000;
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
  place: Place = inLogins,
): Promise<(ThrottleDoc & Stored) | undefined> {
  const now = () => deps.clock.now().getTime();
  try {
    const updated = await updateWithEtag<ThrottleDoc>(deps.db.collection(place.container), id, place.partitionKey(id), (doc) => change(doc, now()), {
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

/** One more failure in a counting bucket's window, or the first of a new one (with its end, for `countUnread`'s patch). */
const counted =
  (id: string, lastPair?: string) =>
  (doc: ThrottleDoc | undefined, now: number): ThrottleDoc => ({
    ...(expired(doc, now)
      ? { id, type: 'login-throttle', failures: 1, ...windowFrom(now, THROTTLE.windowSeconds) }
      : {
          id,
          type: 'login-throttle',
          failures: doc!.failures + 1,
          windowStart: doc!.windowStart,
          window_end_ms: Date.parse(doc!.windowStart) + THROTTLE.windowSeconds * 1000,
        }),
    ...(lastPair ? { last_pair: lastPair } : {}),
  });

/**
 * Adds one failure to a counting bucket (name or IP); no lock, the count only slows attempts down. `known` is the
 * bucket as read before the check (null: there was none, so it is created without reading again).
 */
async function countFailure(deps: Deps, id: string, known: (ThrottleDoc & Stored) | null, lastPair?: string): Promise<void> {
  if (known === null && (await createdFresh(deps, counted(id, lastPair)(undefined, deps.clock.now().getTime())))) return;
  // Another attempt created it meanwhile: count on it as usual.
  await update(deps, id, counted(id, lastPair), known ?? undefined);
}

/**
 * Adds one failure to a counting bucket that was not read (the IP bucket of a signed-in password check), never in
 * more writes than the read and write it replaces (issue 11): one conditional patch while its window is open (the
 * bucket a repeated guess meets); else one more write: a patch that starts a new window, or a create when there is
 * no bucket. A change made meanwhile (a condition that no longer holds, a create that meets one) is read and written as
 * before. A lost answer's retry may count twice: the safe side.
 */
async function countUnread(deps: Deps, id: string): Promise<void> {
  const logins = deps.db.collection('logins');
  const now = deps.clock.now().getTime();
  const inWindow = await logins.patchIf<ThrottleDoc>(id, id, [{ op: 'incr', path: '/failures', value: 1 }], `FROM c WHERE c.window_end_ms > ${now}`);
  if (inWindow !== 'unmet' && inWindow !== undefined) return;
  const fresh = counted(id)(undefined, now);
  if (inWindow === undefined && (await createdFresh(deps, fresh))) return;
  if (inWindow === 'unmet') {
    const restarted = await logins.patchIf<ThrottleDoc>(
      id,
      id,
      [
        { op: 'set', path: '/failures', value: 1 },
        { op: 'set', path: '/windowStart', value: fresh.windowStart },
        { op: 'set', path: '/window_end_ms', value: fresh.window_end_ms },
      ],
      // A bucket without `window_end_ms` (written before it was) is decided by the read below, from its windowStart.
      `FROM c WHERE c.window_end_ms <= ${now}`,
    );
    if (restarted !== 'unmet' && restarted !== undefined) return;
  }
  await update(deps, id, counted(id));
}

/**
 * Reserves in a name + IP bucket that does not exist yet with one create (the usual case: a bucket is removed by the
 * success that empties it). Undefined when it exists: then it is read and updated under its ETag as usual.
 */
async function reserveFresh(deps: Deps, doc: ThrottleDoc, place: Place): Promise<(ThrottleDoc & Stored) | undefined> {
  try {
    return await deps.db.collection(place.container).create<ThrottleDoc>(doc);
  } catch (error) {
    if (error instanceof DocumentExistsError) return undefined;
    throw error;
  }
}

/**
 * Reserves in a name + IP bucket that likely exists (this pair was the name's last failure) with one conditional
 * patch that adds the attempt to those in flight while `failures + in flight < perNameAndIp`. Exact: the stored
 * failures are never fewer than the window's (a window run out counts from zero), and a locked bucket holds at least
 * perNameAndIp failures (a lock is written only with them, and every write that lowers them drops it), so a bucket the
 * patch meets could be reserved in by the read-and-write too; stale attempts in flight only make it unmet. Answers the
 * bucket as patched, 'unmet' (decide on the read: a window run out, stale attempts, or a refusal) or undefined (none).
 */
async function reserveExisting(deps: Deps, id: string, place: Place, entry: { id: string; at: string }) {
  return deps.db
    .collection(place.container)
    .patchIf<ThrottleDoc>(
      id,
      place.partitionKey(id),
      [{ op: 'add', path: '/pending/-', value: entry }],
      `FROM c WHERE c.failures + ARRAY_LENGTH(c.pending) < ${THROTTLE.perNameAndIp}`,
    );
}

/** A short keyed tag of a name + IP bucket, kept with the name's failures (no address in it, only part of a keyed hash). */
const pairTag = (pairId: string) => pairId.slice(-10);

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
  /**
   * The login of this name as the caller just read it, when there is one: the name's failures are counted on it
   * (issue 11: no bucket of its own to read), and the name + IP bucket is kept in its account's partition. A name
   * without a login counts in its own bucket, read instead of the account a known name's sign-in reads, so both do
   * the same work.
   */
  login?: (Doc & Stored & { accountId: string }) | undefined;
  /**
   * The caller holds a session of the login's account (a password change or closure re-entering the password). The IP
   * slow-down is not read then: it is against spraying many names from one address, and such a caller can try only
   * this one account, whose name + IP lock and name slow-down still apply. Its failures still count on the IP bucket
   * (issue 11: one read less).
   */
  signedIn?: boolean;
}

export interface SignInAttempt {
  /**
   * Records how the attempt ended; failures count, a success clears the name + IP bucket. 'success-last': a success
   * after which this bucket is not used again (the password changes, raising its version, which keys the bucket; or
   * the account closes). When the reservation is all the bucket holds it is left to lapse (60 s) instead of deleted
   * (issue 11: one write less); otherwise it is settled as a success. `logEntry`: the outcome's login-log entry (of
   * the bucket's account), written in one transactional batch with the bucket's write when the bucket is in that
   * account's partition (issue 11: a known name's wrong password one write less), else on its own.
   */
  finish(outcome: 'success' | 'success-last' | 'failure', logEntry?: Doc): Promise<void>;
  /**
   * A success whose writes go in one transactional batch of the login's account partition (a sign-in's session, a
   * password change's login-log entry): the bucket settled as this success leaves it, to put in that batch (issue 11:
   * one write less), when the bucket is in that partition: deleted, or replaced with no failures and only the other
   * attempts in flight (after a 'success', kept too while the name's last failure names it, for the patch that looks
   * for it; after a 'success-last' the bucket is not used again, so it goes). Undefined otherwise: call
   * `finish(outcome)` (for a 'success-last' whose reservation is all the bucket holds, it writes nothing). Call it too
   * when the batch is not written (a write that failed it, 412 or 404, means another attempt changed the bucket: it is
   * settled).
   */
  successInBatch(outcome?: 'success' | 'success-last'): TogetherWrite | undefined;
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
  const host = keys.login;
  const place = host ? inAccount(host.accountId) : inLogins;
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
      ...place.fields,
      failures,
      windowStart: fresh ? new Date(now).toISOString() : doc!.windowStart,
      pending: [...pending, { id: reservation, at: new Date(now).toISOString() }],
    };
  };
  const createOrUpdate = async () =>
    (await reserveFresh(deps, reserve(undefined, deps.clock.now().getTime()), place)) ?? (await update(deps, pairId, reserve, undefined, place));
  // A bucket this pair's last failure left (a mistyped password, then the right one) is reserved in by one
  // conditional patch instead of a create that fails, a read and a replace (issue 11); else by one create, the usual
  // case (a success removes the bucket). A patch that meets no bucket creates it; one unmet decides on the read.
  const reserveWhereLeft = async () => {
    const patched = await reserveExisting(deps, pairId, place, { id: reservation, at: deps.clock.now().toISOString() });
    if (patched === 'unmet') return update(deps, pairId, reserve, undefined, place);
    return patched ?? createOrUpdate();
  };
  // A name without a login has its bucket read before the reservation (a known name's login was): both know the last pair.
  const nameBucket = host ? null : await readBucket(deps, nameId);
  const lastPair = host ? host[hostedFields('signin').lastPair] : nameBucket?.last_pair;
  const namedByLastFailure = lastPair === pairTag(pairId);
  const reserved = namedByLastFailure ? await reserveWhereLeft() : await createOrUpdate();

  const readIp = ipId !== undefined && !keys.signedIn;
  const ipBucket = readIp ? await readBucket(deps, ipId) : null;
  const nameFailures = host ? hostedCount(deps, host, 'signin') : failuresOf(deps, nameBucket);
  const ipFailures = readIp ? failuresOf(deps, ipBucket) : 0;
  const excess = Math.max(nameFailures - THROTTLE.nameSlowAfter, ipFailures - THROTTLE.ipSlowAfter, 0);
  if (excess > 0) await sleep(Math.min(THROTTLE.maxDelayMs, excess * THROTTLE.slowStepMs));

  // A success sets the failures to 0, so when no other attempt is in flight it leaves nothing to count and removes
  // the bucket (failures before it or not), so the next sign-in reserves with one create instead of a read and a write
  // (issue 11). Not the bucket the name's last failure names, after a success that may use it again: the next
  // sign-in from here looks for it with a patch, so it is kept, emptied (one write either way). The delete is
  // ETag-checked: a bucket another attempt changed meanwhile is settled as before.
  const othersInFlight = (reserved?.pending ?? []).filter((p) => p.id !== reservation);
  const emptied = reserved !== undefined && othersInFlight.length === 0;
  const removedAfter = (outcome: 'success' | 'success-last') => emptied && (outcome === 'success-last' || !namedByLastFailure);
  const onlyOurs = emptied && reserved.failures === 0;
  const settled = (now: number): ThrottleDoc => ({
    id: pairId,
    ...place.fields,
    failures: 0,
    windowStart: new Date(now).toISOString(),
    pending: othersInFlight,
  });
  /** The bucket as this attempt's failure leaves it. */
  const failedIn = (doc: ThrottleDoc, now: number): ThrottleDoc => {
    const pending = (doc.pending ?? []).filter((p) => p.id !== reservation);
    const fresh = expired(doc, now);
    const failures = fresh ? 1 : doc.failures + 1;
    return {
      id: pairId,
      ...place.fields,
      failures,
      windowStart: fresh ? new Date(now).toISOString() : doc.windowStart,
      pending,
      ...(failures >= THROTTLE.perNameAndIp ? { lockedUntil: new Date(now + THROTTLE.lockSeconds * 1000).toISOString() } : {}),
    };
  };
  /** The bucket settled from the document as stored (`known`: as the reservation left it, saving a read). */
  const settleAlone = async (outcome: 'success' | 'success-last' | 'failure', known: (ThrottleDoc & Stored) | undefined) => {
    if (outcome === 'success-last' && onlyOurs) return;
    if (
      outcome !== 'failure' &&
      reserved &&
      removedAfter(outcome) &&
      (await deps.db.collection(place.container).delete(pairId, place.partitionKey(pairId), { ifMatch: reserved._etag }))
    )
      return;
    await update(
      deps,
      pairId,
      (doc, now) => {
        if (!doc) return undefined;
        if (outcome === 'failure') return failedIn(doc, now);
        return { ...settled(now), pending: (doc.pending ?? []).filter((p) => p.id !== reservation) };
      },
      known,
      place,
    );
  };
  /**
   * A failure's login-log entry and the failure counted in the bucket, in one transactional batch of the account's
   * partition (issue 11: one write less), from the bucket as the reservation left it. 'refused': another attempt
   * changed the bucket since, or it is gone (nothing was written); undefined when the bucket is not in that partition.
   */
  const failedTogether = async (entry: Doc): Promise<'written' | 'refused' | undefined> => {
    if (!reserved || place.container !== 'accounts' || entry.accountId !== place.partitionKey(pairId)) return undefined;
    const written = await deps.db
      .collection('accounts')
      .writeTogether(place.partitionKey(pairId), [
        { create: entry },
        { replace: { ...failedIn(reserved, deps.clock.now().getTime()), _etag: reserved._etag } },
      ]);
    // The entry's id is new and random: a batch that meets it (409) is this one, applied by an attempt whose answer
    // was lost (all or none).
    return written.ok || (written.status === 409 && written.failedIndex === 0) ? 'written' : 'refused';
  };
  let finished = false;
  return {
    // The bucket as this success leaves it, under the ETag the reservation got back: removed, or emptied of all but
    // other attempts in flight.
    successInBatch: (outcome = 'success') =>
      reserved && !finished && place.container === 'accounts' && !(outcome === 'success-last' && onlyOurs)
        ? removedAfter(outcome)
          ? { delete: { id: pairId, _etag: reserved._etag } }
          : { replace: { ...settled(deps.clock.now().getTime()), _etag: reserved._etag } }
        : undefined,
    async finish(outcome, logEntry) {
      if (finished) return;
      finished = true;
      const together = outcome === 'failure' && logEntry ? await failedTogether(logEntry) : undefined;
      if (together !== 'written') {
        if (logEntry) await deps.db.collection('accounts').create(logEntry);
        // A batch refused for the bucket met a newer one than the reservation's: it is read again.
        await settleAlone(outcome, together === 'refused' ? undefined : reserved);
      }
      // The buckets as read before the check: a write that meets a newer one reads it again (its ETag changed).
      if (outcome === 'failure')
        await Promise.all([
          host ? countOn(deps, host, 'signin', pairTag(pairId)) : countFailure(deps, nameId, nameBucket, pairTag(pairId)),
          ...(ipId ? [readIp ? countFailure(deps, ipId, ipBucket) : countUnread(deps, ipId)] : []),
        ]);
    },
  };
}

/**
 * A general per-key limit on the same window: true once `limit` events were counted in the window (then for the lock
 * time); otherwise counts this one. The check and the count are one write, so parallel requests cannot all slip under
 * the limit. Used for public endpoints where each event costs storage or mail (rejected payment messages per client
 * IP, reset requests, sign-ups, link requests).
 *
 * Issue 11: the usual cases are one write each: a key not seen in the window is one create; a key seen but still
 * below the last event before the limit is one conditional patch (`incr`, only while the window is open and the count
 * below `limit - 1`, so it can never cross the limit). The rest (the window over, the limit reached, a lock) is the
 * read and ETag-checked write it always was.
 */
export async function overLimit(deps: Deps, kind: string, value: string, limit: number): Promise<boolean> {
  const id = keyed(deps, kind, value);
  const now = deps.clock.now().getTime();
  if (limit > 1 && (await createdFresh(deps, { id, type: 'login-throttle', failures: 1, ...windowFrom(now, THROTTLE.windowSeconds) }))) return false;
  if (limit > 2) {
    const counted = await deps.db
      .collection('logins')
      .patchIf<ThrottleDoc>(
        id,
        id,
        [{ op: 'incr', path: '/failures', value: 1 }],
        `FROM c WHERE c.window_end_ms > ${now} AND c.failures < ${limit - 1}`,
      );
    if (counted !== 'unmet' && counted !== undefined) return false;
  }
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
      ...(fresh
        ? windowFrom(now, THROTTLE.windowSeconds)
        : { windowStart: doc!.windowStart, window_end_ms: Date.parse(doc!.windowStart) + THROTTLE.windowSeconds * 1000 }),
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
 * Counters kept on a document the flow reads anyway (the login index of an address, issue 11): a sign-up for a
 * taken address counts on its login, so it needs no bucket of its own to read. Fields `<name>_count`,
 * `<name>_end_ms` (when the window ends) and `<name>_locked_ms` (refused until then), epoch milliseconds and
 * lower-case names, which conditional patches compare (see `patchIf`).
 */
type Host = Doc & Stored;

const hostedFields = (name: string) => ({
  count: `${name}_count`,
  end: `${name}_end_ms`,
  locked: `${name}_locked_ms`,
  lastPair: `${name}_last_pair`,
});
const numberIn = (doc: Doc, field: string) => (typeof doc[field] === 'number' ? doc[field] : 0);

/** The fields a document gets when this event is the first of its window (sign-up writes them on the new login). */
export function firstHostedEvent(deps: Pick<Services, 'clock'>, name: string): Record<string, number> {
  const f = hostedFields(name);
  return { [f.count]: 1, [f.end]: deps.clock.now().getTime() + THROTTLE.windowSeconds * 1000 };
}

/** Where hosts live: a login index document (its own partition), or an account document (its id is its partition key). */
type HostContainer = 'logins' | 'accounts';

/**
 * overLimit on a counter kept on `host`, as just read: refused (true) while locked; otherwise the event is counted.
 * The read says which write it takes, so it is one write in every usual case: a conditional patch (`incr` while the
 * window is open and the count stays below the last event before the limit), else an ETag-checked replace from the
 * read (the window over, or this event reaching the limit and locking). A write that meets a change made meanwhile
 * decides again on the stored document. Also answers the host as written (its ETag moved on), when it was.
 */
async function overLimitOn(
  deps: Deps,
  host: Host,
  name: string,
  limit: number,
  container: HostContainer,
): Promise<{ over: boolean; written?: Host | undefined }> {
  const f = hostedFields(name);
  const collection = deps.db.collection(container);
  const now = deps.clock.now().getTime();
  if (numberIn(host, f.locked) > now) return { over: true };
  if (numberIn(host, f.end) > now && numberIn(host, f.count) < limit - 1) {
    const counted = await collection.patchIf<Host>(
      host.id,
      host.id,
      [{ op: 'incr', path: `/${f.count}`, value: 1 }],
      `FROM c WHERE c.${f.end} > ${now} AND c.${f.count} < ${limit - 1}`,
    );
    if (counted !== 'unmet') return { over: false, written: counted }; // counted, or the document is gone (nothing left to protect)
  }
  let over = false;
  const updated = await updateHost(
    deps,
    host,
    (doc, now) => {
      over = numberIn(doc, f.locked) > now;
      if (over) return undefined;
      const open = numberIn(doc, f.end) > now;
      const count = open ? numberIn(doc, f.count) + 1 : 1;
      return {
        ...doc,
        [f.count]: count,
        [f.end]: open ? numberIn(doc, f.end) : now + THROTTLE.windowSeconds * 1000,
        ...(count >= limit ? { [f.locked]: now + THROTTLE.lockSeconds * 1000 } : {}),
      };
    },
    container,
  );
  return { over, written: updated?.changed ? updated.doc : undefined };
}

/** overLimitOn as a 429 with Retry-After. */
export async function assertUnderLimitOn(deps: Deps, host: Host, name: string, limit: number): Promise<void> {
  await countUnderLimitOn(deps, host, name, limit, 'logins');
}

/**
 * assertUnderLimitOn on a host in either container, answering the host as the count left it (undefined when it was
 * not written): a caller that writes the host again starts from it, not from a read whose ETag the count moved on.
 */
export async function countUnderLimitOn(deps: Deps, host: Host, name: string, limit: number, container: HostContainer): Promise<Host | undefined> {
  const { over, written } = await overLimitOn(deps, host, name, limit, container);
  if (over) throw tooMany(THROTTLE.lockSeconds);
  return written;
}

/**
 * True for the first call within `seconds` on `host`, as just read ("at most one e-mail of this kind an hour"): false
 * without a write while the last period runs, else one conditional patch starts a new period, so of parallel calls
 * one gets true.
 */
export async function firstInPeriodOn(deps: Deps, host: Host, name: string, seconds: number): Promise<boolean> {
  const end = hostedFields(name).end;
  const now = deps.clock.now().getTime();
  if (numberIn(host, end) > now) return false;
  const started = await deps.db
    .collection('logins')
    .patchIf(
      host.id,
      host.id,
      [{ op: 'set', path: `/${end}`, value: now + seconds * 1000 }],
      `FROM c WHERE NOT IS_DEFINED(c.${end}) OR c.${end} <= ${now}`,
    );
  return started !== 'unmet' && started !== undefined;
}

/**
 * Counts one event on `host` with no limit (the sign-in name's failures, which only slow attempts down), and the
 * name + IP pair it came from (`pairTag`), in the same write.
 */
async function countOn(deps: Deps, host: Host, name: string, lastPair: string): Promise<void> {
  const f = hostedFields(name);
  const now = deps.clock.now().getTime();
  const logins = deps.db.collection('logins');
  const tagged = { op: 'set' as const, path: `/${f.lastPair}`, value: lastPair };
  const counted =
    numberIn(host, f.end) > now
      ? await logins.patchIf(host.id, host.id, [{ op: 'incr', path: `/${f.count}`, value: 1 }, tagged], `FROM c WHERE c.${f.end} > ${now}`)
      : await logins.patchIf(
          host.id,
          host.id,
          [{ op: 'set', path: `/${f.count}`, value: 1 }, { op: 'set', path: `/${f.end}`, value: now + THROTTLE.windowSeconds * 1000 }, tagged],
          `FROM c WHERE NOT IS_DEFINED(c.${f.end}) OR c.${f.end} <= ${now}`,
        );
  if (counted !== 'unmet') return;
  // The window opened or closed meanwhile: decided again on the stored document.
  await updateHost(deps, host, (doc, now) => {
    const open = numberIn(doc, f.end) > now;
    return {
      ...doc,
      [f.count]: open ? numberIn(doc, f.count) + 1 : 1,
      [f.end]: open ? numberIn(doc, f.end) : now + THROTTLE.windowSeconds * 1000,
      [f.lastPair]: lastPair,
    };
  });
}

/** The failures counted on `host` in its open window. */
const hostedCount = (deps: Deps, host: Host, name: string) => {
  const f = hostedFields(name);
  return numberIn(host, f.end) > deps.clock.now().getTime() ? numberIn(host, f.count) : 0;
};

/** Read-change-write of a host document under its ETag, starting from the copy read (fails closed like `update`). */
async function updateHost(
  deps: Deps,
  host: Host,
  change: (doc: Host, now: number) => Doc | undefined,
  container: HostContainer = 'logins',
): Promise<Updated<Doc> | undefined> {
  try {
    return await updateWithEtag<Doc>(deps.db.collection(container), host.id, host.id, (doc) => change(doc, deps.clock.now().getTime()), {
      attempts: 100,
      type: host.type,
      current: host,
    });
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) throw tooMany(5);
    throw error;
  }
}
