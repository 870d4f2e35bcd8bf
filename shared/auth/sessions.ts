import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type { Cookie } from '@azure/functions';
import { z } from 'zod';

import type { AccountDoc, SessionEntry } from '../accounts/index.js';
import { ConcurrentUpdateError, type Database, type Doc, type Stored, type TogetherWrite, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { csrfTokenFor } from './csrf.js';
import { sessionLifetimeFor } from './session-policy.js';
import { ACCESS_TOKEN_TTL_SECONDS, type AccessTokenClaims, signAccessToken } from './session-token.js';

/**
 * `__Host-` names: the browser takes them only with Secure, Path=/ and no Domain, so no sibling subdomain or plain-http
 * page can plant or overwrite them (issue 17). Chromium and Firefox treat http://127.0.0.1 and http://localhost as
 * secure, so the same names work on the local host without TLS.
 */
/** Who is calling, from our own verified session token; never from anything else the client sends. */
export interface Principal {
  accountId: string;
  sessionId: string;
  via: 'bearer' | 'cookie';
}

export const ACCESS_TOKEN_COOKIE = '__Host-opiq_at';
export const REFRESH_TOKEN_COOKIE = '__Host-opiq_rt';
export const CSRF_COOKIE = '__Host-opiq_csrf';

/** By default a refresh token unused for 14 days expires and no session lives longer than 60 days; staff and school
 * administrators get shorter ones (session-policy.ts). */
const SESSION_IDLE_SECONDS = 14 * 86_400;
const SESSION_ABSOLUTE_SECONDS = 60 * 86_400;
/** A refresh token replaced this recently is a race between two tabs, not a theft. */
const REFRESH_RACE_GRACE_SECONDS = 10;
const REMEMBERED_ROTATIONS = 20;
/**
 * At most this many sessions per account are active (the account document carries one entry of ~80 bytes each, so
 * at most ~40 KB): signing in on one more ends the oldest. Generous, since nothing records when a session was last
 * used, the oldest may still be in use; the bound keeps a flood of sign-ins from bloating the document every request
 * reads.
 */
const MAX_ACTIVE_SESSIONS = 500;

export interface SessionDoc extends Doc {
  type: 'session';
  accountId: string;
  sessionId: string;
  status: 'active' | 'revoked';
  method: string;
  refreshHash: string;
  /** Recently rotated-out refresh token hashes: presenting one again means the token was copied (reuse). */
  previousRefreshHashes: { hash: string; rotatedAt: string }[];
  createdAt: string;
  lastRefreshedAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  browser?: string;
  /** The idle time of this session's policy (older sessions lack it: the default applies). */
  idleSeconds?: number;
  revokedAt?: string;
  revokedReason?: string;
}

export interface IssuedSession {
  accountId: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  csrfToken: string;
  expiresIn: number;
}

const sessionDocId = (sessionId: string) => `session:${sessionId}`;
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** `<accountId as base64url>.<sessionId>.<secret>`: the first two parts make the check one point read. */
function encodeRefreshToken(accountId: string, sessionId: string, secret: string): string {
  return `${Buffer.from(accountId).toString('base64url')}.${sessionId}.${secret}`;
}

function decodeRefreshToken(token: string): { accountId: string; sessionId: string; secret: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]{1,200}$/.test(p))) return undefined;
  const [account, sessionId, secret] = parts as [string, string, string];
  return { accountId: Buffer.from(account, 'base64url').toString('utf8'), sessionId, secret };
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function accessTokenFor(services: Pick<Services, 'config' | 'clock'>, claims: AccessTokenClaims): Promise<string> {
  return signAccessToken(claims, services.config.SESSION_SIGNING_KEYS, services.clock.now());
}

/**
 * One more write of the account's partition that belongs with a session change (the throttle's bucket settled, issue
 * 11), put in the same batch; `ifLeftOut` runs when the batch did not take it.
 */
export interface AlsoWrite {
  write: TogetherWrite;
  ifLeftOut: () => Promise<void>;
}

export async function createSession(
  services: Pick<Services, 'db' | 'config' | 'clock'>,
  input: {
    accountId: string;
    method: string;
    browser?: string;
    account?: AccountDoc;
    /** A login-log entry of the account to write with the session (one batch when the account was read with its ETag). */
    logEntry?: Doc | undefined;
    /** The throttle's reservation removed with this sign-in, in its batch. */
    alsoWrite?: AlsoWrite | undefined;
  },
): Promise<IssuedSession> {
  const now = services.clock.now();
  // The lifetime follows the account's roles (the caller usually has the account at hand; otherwise one read).
  const account = input.account ?? (await services.db.collection('accounts').read<AccountDoc>(input.accountId, input.accountId));
  const lifetime = sessionLifetimeFor(account);
  const sessionId = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  const doc: SessionDoc = {
    id: sessionDocId(sessionId),
    type: 'session',
    accountId: input.accountId,
    sessionId,
    status: 'active',
    method: input.method,
    refreshHash: sha256(secret),
    previousRefreshHashes: [],
    createdAt: now.toISOString(),
    lastRefreshedAt: now.toISOString(),
    idleExpiresAt: new Date(now.getTime() + lifetime.idleSeconds * 1000).toISOString(),
    absoluteExpiresAt: new Date(now.getTime() + lifetime.absoluteSeconds * 1000).toISOString(),
    idleSeconds: lifetime.idleSeconds,
    ...(input.browser ? { browser: input.browser } : {}),
  };
  const evicted: SessionEntry[] = [];
  const listed = (entries: SessionEntry[]) => {
    const now = services.clock.now().getTime();
    const kept = [
      ...entries.filter((e) => e.sessionId !== sessionId && Date.parse(e.absoluteExpiresAt) > now),
      { sessionId, absoluteExpiresAt: doc.absoluteExpiresAt },
    ];
    kept.sort((a, b) => Date.parse(a.absoluteExpiresAt) - Date.parse(b.absoluteExpiresAt));
    evicted.splice(0, evicted.length, ...kept.slice(0, Math.max(0, kept.length - MAX_ACTIVE_SESSIONS)));
    return kept.slice(-MAX_ACTIVE_SESSIONS);
  };
  const together = await writeSessionTogether(services, account, doc, listed, input.logEntry, input.alsoWrite?.write);
  if (!together) {
    await services.db.collection('accounts').create(doc);
    // The entry on the account is what makes the session work: written after the document, so a failure in between
    // leaves a session that never worked rather than one that cannot be listed or ended.
    await changeSessionIndex(services, input.accountId, account, listed, now.toISOString()); // RET-9: the sign-in is recorded in the write that lists the session, at no extra cost
    if (input.logEntry) await services.db.collection('accounts').create(input.logEntry);
  }
  if (together !== 'written') await input.alsoWrite?.ifLeftOut();
  for (const entry of evicted) await revokeSession(services, input.accountId, entry.sessionId, 'session-limit');
  return {
    accountId: input.accountId,
    sessionId,
    accessToken: await accessTokenFor(services, { accountId: input.accountId, sessionId }),
    refreshToken: encodeRefreshToken(input.accountId, sessionId, secret),
    csrfToken: csrfTokenFor(sessionId, services.config.SESSION_SIGNING_KEYS),
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
  };
}

/**
 * The session document, its entry on the account (with the sign-in time, RET-9) and the login-log entry in one
 * transactional batch of the account's partition (issue 11: one write instead of three), starting from the account as
 * the caller read it, with `also` when given. 'written': all of them; 'without-also': the session's writes only (`also`
 * failed the batch: another writer changed what it names, so it is written again without it). False when that cannot
 * be (no ETag, an account from before the session list) or the account changed since it was read: nothing was
 * written, and the caller writes them one by one as before. A retry after a lost answer recognises its own batch.
 */
async function writeSessionTogether(
  services: Pick<Services, 'db' | 'clock'>,
  account: AccountDoc | undefined,
  session: SessionDoc,
  listed: (entries: SessionEntry[]) => SessionEntry[],
  logEntry: Doc | undefined,
  also: TogetherWrite | undefined,
): Promise<'written' | 'without-also' | false> {
  if (!account || !('_etag' in account) || account.activeSessions === undefined) return false;
  const next = { ...(account as AccountDoc & Stored), activeSessions: listed(account.activeSessions), lastSignInAt: session.createdAt };
  const writes: TogetherWrite[] = [{ create: session }, { replace: next }, ...(logEntry ? [{ create: logEntry }] : [])];
  // The session's id is new and random: a batch that meets it (409 on the first create) is our own.
  return writeTogetherWithAlso(services, account.accountId, writes, also);
}

/**
 * `writes` and `also` in one transactional batch of the partition. 'written': all of them; 'without-also': `writes`
 * only (`also` failed the batch: another writer changed what it names, so they are written again without it); false
 * when `writes` failed it (nothing was written). The first write must be a create of a new random id: a batch that
 * meets it (409) is this one, applied by an attempt whose answer was lost (all or none), not a failure.
 */
async function writeTogetherWithAlso(
  services: Pick<Services, 'db'>,
  partitionKey: string,
  writes: TogetherWrite[],
  also: TogetherWrite | undefined,
): Promise<'written' | 'without-also' | false> {
  const accounts = services.db.collection('accounts');
  const applied = (written: Awaited<ReturnType<typeof accounts.writeTogether>>) =>
    written.ok || (written.status === 409 && written.failedIndex === 0);
  if (also) {
    const written = await accounts.writeTogether(partitionKey, [...writes, also]);
    if (applied(written)) return 'written';
    if (!written.ok && written.failedIndex !== writes.length) return false;
  }
  return applied(await accounts.writeTogether(partitionKey, writes)) && (also ? 'without-also' : 'written');
}

function isUsable(session: SessionDoc, now: Date): boolean {
  return session.status === 'active' && now.getTime() < Date.parse(session.idleExpiresAt) && now.getTime() < Date.parse(session.absoluteExpiresAt);
}

/**
 * The per-request check on the account document (issue 11: one point read authenticates): true when the session is
 * listed and not past its absolute end; undefined when the account predates the index (then the session document
 * decides). The idle time needs no check here: it is at least a day and every access token (15 minutes) was issued
 * by a sign-in or refresh that checked it.
 */
export function sessionListedOnAccount(account: Pick<AccountDoc, 'activeSessions'>, sessionId: string, now: Date): boolean | undefined {
  if (account.activeSessions === undefined) return undefined;
  return account.activeSessions.some((e) => e.sessionId === sessionId && now.getTime() < Date.parse(e.absoluteExpiresAt));
}

/**
 * Changes the account's list of active sessions (ETag-checked, retried). An account without the list gets it built
 * from its active session documents first (one query, once per account): whoever writes first creates the list and
 * the other writer's ETag check fails, so it re-reads and changes that list. Nothing is written for an account that
 * does not exist.
 */
async function changeSessionIndex(
  services: Pick<Services, 'db' | 'clock'>,
  accountId: string,
  known: (AccountDoc & Stored) | AccountDoc | undefined,
  change: (entries: SessionEntry[]) => SessionEntry[] | undefined,
  signedInAt?: string,
): Promise<void> {
  const accounts = services.db.collection('accounts');
  await revocationGetsThrough(() =>
    updateWithEtag<AccountDoc>(
      accounts,
      accountId,
      accountId,
      async (account) => {
        let entries = account.activeSessions;
        if (entries === undefined) {
          const now = services.clock.now();
          const docs = await accounts.queryAll<SessionDoc>(accountId, { where: "c.type = 'session' AND c.status = 'active'" });
          entries = docs.filter((d) => isUsable(d, now)).map((d) => ({ sessionId: d.sessionId, absoluteExpiresAt: d.absoluteExpiresAt }));
        }
        const next = change(entries);
        if (next === undefined) return undefined;
        return { ...account, activeSessions: next, ...(signedInAt ? { lastSignInAt: signedInAt } : {}) };
      },
      { type: 'account', attempts: REVOKE_ATTEMPTS, ...(known && '_etag' in known ? { current: known as AccountDoc & Stored } : {}) },
    ),
  );
}

/**
 * The per-request check behind every access token: its session must still be active. Revoking a session (sign-out,
 * suspension, password change, refresh-token reuse) therefore takes effect at once, not when the token expires.
 */
export async function assertSessionActive(db: Database, claims: AccessTokenClaims, now: Date): Promise<void> {
  if (!(await activeSession(db, claims, now))) throw new AppError('session_revoked');
}

/** The session behind a token when it is still usable (for GET /api/auth/session). */
export async function activeSession(db: Database, claims: AccessTokenClaims, now: Date): Promise<SessionDoc | undefined> {
  const session = await db.collection('accounts').read<SessionDoc>(sessionDocId(claims.sessionId), claims.accountId);
  return session && session.type === 'session' && isUsable(session, now) ? session : undefined;
}

export type RefreshOutcome = { kind: 'rotated'; session: IssuedSession } | { kind: 'reused'; accountId: string; sessionId: string };

/**
 * Rotates a refresh token: the presented one must be the current one; it is replaced (ETag-checked) by a new one.
 * A token that was already rotated out is a stolen copy in use, so the whole session (the token family) is revoked.
 */
export async function refreshSession(services: Pick<Services, 'db' | 'config' | 'clock'>, refreshToken: string): Promise<RefreshOutcome> {
  const decoded = decodeRefreshToken(refreshToken);
  if (!decoded) throw new AppError('refresh_invalid');
  const sessions = services.db.collection('accounts');
  const presented = sha256(decoded.secret);
  // What the change function saw on its last run (a holder: assignments inside a callback are not narrowed).
  const seen: { secret: string; account?: (AccountDoc & Stored) | undefined; absoluteExpiresAt?: string } = { secret: '' };
  // A conflict re-reads and judges again: the other writer may have rotated or revoked the session.
  const updated = await updateWithEtag<SessionDoc>(
    sessions,
    sessionDocId(decoded.sessionId),
    decoded.accountId,
    async (session) => {
      const now = services.clock.now();
      const previous = session.previousRefreshHashes.find((p) => sameHash(p.hash, presented));
      if (previous) {
        if (session.status === 'active' && now.getTime() - Date.parse(previous.rotatedAt) < REFRESH_RACE_GRACE_SECONDS * 1000)
          throw new AppError('refresh_race');
        return undefined; // reuse of a rotated-out token: revoked below, not rotated
      }
      if (!sameHash(session.refreshHash, presented) || !isUsable(session, now)) throw new AppError('refresh_invalid');
      // A role gained since sign-in (made a school administrator) shortens the session at its next refresh; a role
      // lost never lengthens it.
      const account = (seen.account = await sessions.read<AccountDoc>(session.accountId, session.accountId));
      // Revocation removes the account's entry first: a session no longer listed there is over.
      if (account && sessionListedOnAccount(account, session.sessionId, now) === false) throw new AppError('refresh_invalid');
      const policy = sessionLifetimeFor(account);
      const idleSeconds = Math.min(session.idleSeconds ?? SESSION_IDLE_SECONDS, policy.idleSeconds);
      const absoluteEnd = Math.min(Date.parse(session.absoluteExpiresAt), Date.parse(session.createdAt) + policy.absoluteSeconds * 1000);
      if (now.getTime() >= absoluteEnd) throw new AppError('refresh_invalid');

      seen.secret = randomBytes(32).toString('base64url');
      seen.absoluteExpiresAt = session.absoluteExpiresAt;
      return {
        ...session,
        refreshHash: sha256(seen.secret),
        previousRefreshHashes: [{ hash: session.refreshHash, rotatedAt: now.toISOString() }, ...session.previousRefreshHashes].slice(
          0,
          REMEMBERED_ROTATIONS,
        ),
        lastRefreshedAt: now.toISOString(),
        idleExpiresAt: new Date(Math.min(now.getTime() + idleSeconds * 1000, absoluteEnd)).toISOString(),
        absoluteExpiresAt: new Date(absoluteEnd).toISOString(),
        idleSeconds,
      };
    },
    { type: 'session', attempts: 3 },
  );
  if (!updated) throw new AppError('refresh_invalid');
  const session = updated.doc;
  if (!updated.changed) {
    if (session.status === 'active') await revokeSessionDoc(services, session, 'refresh-token-reuse');
    return { kind: 'reused', accountId: session.accountId, sessionId: session.sessionId };
  }
  // The account's entry changes only when a role gained shortened the session, or when the account has no list yet.
  const account = seen.account;
  if (account?.activeSessions === undefined || session.absoluteExpiresAt !== seen.absoluteExpiresAt) {
    let listed = true;
    await changeSessionIndex(services, session.accountId, account, (entries) => {
      listed = entries.some((e) => e.sessionId === session.sessionId);
      return listed
        ? entries.map((e) => (e.sessionId === session.sessionId ? { ...e, absoluteExpiresAt: session.absoluteExpiresAt } : e))
        : undefined;
    });
    if (!listed) throw new AppError('refresh_invalid');
  }
  return {
    kind: 'rotated',
    session: {
      accountId: session.accountId,
      sessionId: session.sessionId,
      accessToken: await accessTokenFor(services, { accountId: session.accountId, sessionId: session.sessionId }),
      refreshToken: encodeRefreshToken(session.accountId, session.sessionId, seen.secret),
      csrfToken: csrfTokenFor(session.sessionId, services.config.SESSION_SIGNING_KEYS),
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    },
  };
}

/** Far above any real burst of writers on one session or account: revocation must get through, not give up at 5. */
const REVOKE_ATTEMPTS = 50;

/**
 * Revocation never gives up silently: every ETag conflict is another writer (a refresh) that got through, so it
 * re-reads and tries again; if it still cannot write, it throws (the caller answers 503 and the user retries) rather
 * than leave a session the user believes ended.
 */
async function revocationGetsThrough(update: () => Promise<unknown>): Promise<void> {
  try {
    await update();
  } catch (error) {
    // Not 409: nothing about the request is wrong, the same sign-out later will get through.
    if (error instanceof ConcurrentUpdateError) throw new AppError('service_unavailable');
    throw error;
  }
}

/** Takes the session off the account's list, then marks its document revoked, starting from the document just read. */
async function revokeSessionDoc(
  services: Pick<Services, 'db' | 'clock'>,
  session: SessionDoc & Stored,
  reason: string,
  unlisted = false,
  account?: AccountDoc,
): Promise<void> {
  // The account's entry is what the per-request check reads: removing it ends the session at once. An account without
  // the list gets it here too, so a sign-in building it at the same time cannot list this session again.
  if (!unlisted)
    await changeSessionIndex(services, session.accountId, account, (entries) =>
      entries.some((e) => e.sessionId === session.sessionId) ? entries.filter((e) => e.sessionId !== session.sessionId) : undefined,
    );
  await revocationGetsThrough(() =>
    updateWithEtag<SessionDoc>(
      services.db.collection('accounts'),
      session.id,
      session.accountId,
      (current) =>
        current.status !== 'active'
          ? undefined
          : { ...current, status: 'revoked', revokedAt: services.clock.now().toISOString(), revokedReason: reason },
      { attempts: REVOKE_ATTEMPTS, current: session },
    ),
  );
}

/**
 * Sign-out by the refresh-token cookie alone (SameSite=Strict, so never sent by another site's form): a browser whose
 * access token is stale or whose page lost the CSRF token can still end its session rather than only drop cookies.
 */
export async function revokeSessionByRefreshToken(
  services: Pick<Services, 'db' | 'clock'>,
  refreshToken: string,
  reason: string,
): Promise<string | undefined> {
  const decoded = decodeRefreshToken(refreshToken);
  if (!decoded) return undefined;
  const session = await services.db.collection('accounts').read<SessionDoc>(sessionDocId(decoded.sessionId), decoded.accountId);
  if (session?.type !== 'session' || session.status !== 'active' || !sameHash(session.refreshHash, sha256(decoded.secret))) return undefined;
  await revokeSessionDoc(services, session, reason);
  return session.accountId;
}

export async function revokeSession(
  services: Pick<Services, 'db' | 'clock'>,
  accountId: string,
  sessionId: string,
  reason: string,
  /** The account as the caller read it (with its ETag): saves a read when it is still current. */
  account?: AccountDoc,
): Promise<void> {
  const session = await services.db.collection('accounts').read<SessionDoc>(sessionDocId(sessionId), accountId);
  if (session?.type === 'session') await revokeSessionDoc(services, session, reason, false, account);
}

/**
 * Ends every active session of the account (optionally but one) at once: one account write takes them off its list,
 * which is what authentication and refresh read (issue 11). Their documents are marked revoked by the queued
 * `revokeUnlistedSessions` (queue `session-revocations`), so the request does not pay a query and a write per session.
 * Returns how many sessions the list lost.
 */
export async function revokeAllSessions(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  accountId: string,
  reason: string,
  exceptSessionId?: string,
  /** The account as the caller read it (with its ETag): saves a read when it is still current. */
  account?: AccountDoc,
  /** A login-log entry to write with the list (one batch when the account read is still current, issue 11). */
  logEntry?: Doc,
  /** One more write of the partition for that batch (a password change's throttle bucket settled), with a log entry. */
  alsoWrite?: AlsoWrite,
): Promise<number> {
  let ended = 0;
  const ending = (entries: SessionEntry[]) => {
    const next = entries.filter((e) => e.sessionId === exceptSessionId);
    ended = entries.length - next.length;
    return next.length === entries.length ? undefined : next;
  };
  const together = await endListedTogether(services, account, ending, logEntry, alsoWrite?.write);
  if (together === false || together === 'refused') {
    // Refused: the account changed since the caller read it (a sign-in may have listed a session meanwhile), so the
    // list is read again rather than decided from that copy.
    await changeSessionIndex(services, accountId, together === 'refused' ? undefined : account, ending);
    if (logEntry) await services.db.collection('accounts').create(logEntry);
  }
  if (together !== 'written') await alsoWrite?.ifLeftOut();
  const before = services.clock.now().toISOString();
  await services.bus.send('session-revocations', {
    body: { accountId, reason, before } satisfies SessionRevocationWork,
    messageId: `sessions:${accountId}:${reason}:${before}`,
  });
  return ended;
}

/**
 * The login-log entry, the account's session list and `also` in one transactional batch, from the account as the
 * caller read it ('written'; 'without-also' as `writeTogetherWithAlso`). The account is written under its ETag even
 * when that copy lists no other session to end: a sign-in that listed one since (a thief with the old password signing
 * in while the owner changes it) then refuses the batch instead of surviving it. False when that cannot be (no log
 * entry, no ETag, no list); 'refused' when the account (or the entry) changed since: nothing was written then.
 */
async function endListedTogether(
  services: Pick<Services, 'db'>,
  account: AccountDoc | undefined,
  ending: (entries: SessionEntry[]) => SessionEntry[] | undefined,
  logEntry: Doc | undefined,
  also: TogetherWrite | undefined,
): Promise<'written' | 'without-also' | 'refused' | false> {
  if (!logEntry || !account || !('_etag' in account) || account.activeSessions === undefined) return false;
  const next = ending(account.activeSessions) ?? account.activeSessions;
  const listed: TogetherWrite = { replace: { ...(account as AccountDoc & Stored), activeSessions: next } };
  return (await writeTogetherWithAlso(services, account.accountId, [{ create: logEntry }, listed], also)) || 'refused';
}

export const sessionRevocationWorkSchema = z.strictObject({ accountId: z.string().min(1), reason: z.string().min(1), before: z.iso.datetime() });
export type SessionRevocationWork = z.infer<typeof sessionRevocationWorkSchema>;

/**
 * The queued rest of `revokeAllSessions`: marks revoked every active session document the account's list no longer
 * names. Only sessions created before the revocation: a sign-in right after it writes its document before listing it,
 * and must not be caught in between. Safe to repeat (a revoked document is left alone); a gone account has no session
 * that works, so all its active ones are marked.
 */
export async function revokeUnlistedSessions(services: Pick<Services, 'db' | 'clock'>, work: SessionRevocationWork): Promise<number> {
  const accounts = services.db.collection('accounts');
  const now = services.clock.now();
  const account = await accounts.read<AccountDoc>(work.accountId, work.accountId);
  const active = await accounts.queryAll<SessionDoc & Stored>(work.accountId, { where: "c.type = 'session' AND c.status = 'active'" });
  const targets = active.filter(
    (s) => s.createdAt <= work.before && (!account || account.activeSessions === undefined || !sessionListedOnAccount(account, s.sessionId, now)),
  );
  for (const session of targets) await revokeSessionDoc(services, session, work.reason, true);
  return targets.length;
}

/**
 * Ends one of the account's own sessions ("sign out that device"). False when the account has no such active
 * session: the read is in the caller's own partition, so another account's session id is simply not found.
 */
export async function endOwnSession(
  services: Pick<Services, 'db' | 'clock'>,
  accountId: string,
  sessionId: string,
  reason: string,
  account?: AccountDoc,
): Promise<boolean> {
  const session = await services.db.collection('accounts').read<SessionDoc>(sessionDocId(sessionId), accountId);
  if (!session || session.type !== 'session' || session.accountId !== accountId || !isUsable(session, services.clock.now())) return false;
  await revokeSessionDoc(services, session, reason, false, account);
  return true;
}

export interface SessionView {
  sessionId: string;
  method: string;
  createdAt: string;
  lastRefreshedAt: string;
  browser?: string;
  /** When it ends unless refreshed first, and when it ends regardless. */
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  current: boolean;
}

/** `account` (the caller's, already read) narrows the list to the sessions its index still lists. */
export async function listActiveSessions(
  services: Pick<Services, 'db' | 'clock'>,
  accountId: string,
  currentSessionId: string,
  account?: Pick<AccountDoc, 'activeSessions'>,
): Promise<SessionView[]> {
  const now = services.clock.now();
  const sessions = await services.db.collection('accounts').queryAll<SessionDoc>(accountId, {
    where: "c.type = 'session' AND c.status = 'active'",
    orderBy: 'c.lastRefreshedAt DESC',
  });
  return sessions
    .filter((s) => isUsable(s, now) && (account ? sessionListedOnAccount(account, s.sessionId, now) !== false : true))
    .map((s) => ({
      sessionId: s.sessionId,
      method: s.method,
      createdAt: s.createdAt,
      lastRefreshedAt: s.lastRefreshedAt,
      ...(s.browser ? { browser: s.browser } : {}),
      idleExpiresAt: s.idleExpiresAt,
      absoluteExpiresAt: s.absoluteExpiresAt,
      current: s.sessionId === currentSessionId,
    }));
}

/**
 * Cookies for the web front end, all on Path=/ as `__Host-` requires: the access token (SameSite=Lax, so the provider's
 * redirect back carries it) and the refresh token (SameSite=Strict), both HttpOnly; the CSRF token readable, for a
 * front end served from the API's own host (others get it from GET /api/auth/session or a sign-in answer).
 */
export function sessionCookies(session: IssuedSession): Cookie[] {
  const common = { secure: true, httpOnly: true, path: '/' } as const;
  return [
    { name: ACCESS_TOKEN_COOKIE, value: session.accessToken, maxAge: session.expiresIn, sameSite: 'Lax', ...common },
    { name: REFRESH_TOKEN_COOKIE, value: session.refreshToken, maxAge: SESSION_ABSOLUTE_SECONDS, sameSite: 'Strict', ...common },
    { name: CSRF_COOKIE, value: session.csrfToken, path: '/', maxAge: SESSION_ABSOLUTE_SECONDS, sameSite: 'Lax', secure: true },
  ];
}

export function clearedSessionCookies(): Cookie[] {
  return [
    { name: ACCESS_TOKEN_COOKIE, value: '', path: '/', maxAge: 0, secure: true, httpOnly: true, sameSite: 'Lax' },
    { name: REFRESH_TOKEN_COOKIE, value: '', path: '/', maxAge: 0, secure: true, httpOnly: true, sameSite: 'Strict' },
    { name: CSRF_COOKIE, value: '', path: '/', maxAge: 0, secure: true, sameSite: 'Lax' },
  ];
}

/**
 * How a new session reaches the client: the web front end gets cookies (and the CSRF token to repeat); API clients
 * that send `x-session-delivery: body` get the tokens in the body instead, as bearer tokens.
 */
/** What deliverSession answers: bearer tokens (x-session-delivery: body) or, with the cookies, the session's CSRF token. */
export const deliveredSessionSchema = z.union([
  z.object({ accessToken: z.string(), refreshToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() }),
  z.object({ csrfToken: z.string(), expiresIn: z.number().int() }),
]);

export function deliverSession(session: IssuedSession, wantsBody: boolean, extra: Record<string, unknown> = {}) {
  if (wantsBody)
    return {
      body: {
        ...extra,
        accessToken: session.accessToken,
        refreshToken: session.refreshToken,
        tokenType: 'Bearer' as const,
        expiresIn: session.expiresIn,
      },
      cookies: [] as Cookie[],
    };
  return { body: { ...extra, csrfToken: session.csrfToken, expiresIn: session.expiresIn }, cookies: sessionCookies(session) };
}
