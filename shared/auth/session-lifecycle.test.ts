import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { writeTestAccount } from '../../test/unit-account.js';
import type { AccountDoc } from '../accounts/model.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Bus, OutgoingMessage } from '../platform/bus.js';
import type { Clock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { verifyAccessToken } from './session-token.js';
import {
  ACCESS_TOKEN_COOKIE,
  activeSession,
  assertSessionActive,
  clearedSessionCookies,
  createSession,
  CSRF_COOKIE,
  deliverSession,
  endOwnSession,
  type IssuedSession,
  listActiveSessions,
  REFRESH_TOKEN_COOKIE,
  refreshSession,
  revokeAllSessions,
  revokeSession,
  revokeSessionByRefreshToken,
  revokeUnlistedSessions,
  sessionCookies,
  type SessionDoc,
  sessionListedOnAccount,
} from './sessions.js';

/**
 * The session life cycle against the real embedded Cosmos server, in the test worker (so mutation testing reaches it,
 * issue 19): refresh-token rotation and its forgeries, idle and absolute expiry at their boundaries under a clock the
 * test sets to the millisecond, reuse detection and the two-tab grace, sign-out by refresh token, the session list.
 */
const DAY = 86_400_000;

/** A clock that stands still until the test moves it: boundaries are exact, not "about now". */
class StillClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  set(ms: number): void {
    this.at = ms;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

const start = Date.parse('2026-09-01T08:00:00.000Z');
const clock = new StillClock(start);
const config = loadConfig({
  APP_ENV: 'local',
  COSMOS_ENDPOINT: 'http://127.0.0.1:1/',
  EMAIL_FROM: 'no-reply@opiq.example',
  PUBLIC_WEB_URL: 'http://localhost:3000',
  API_PUBLIC_URL: 'http://localhost:7071',
  SESSION_SIGNING_KEYS: `unit:${Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1)).toString('base64url')}`,
  UNSUBSCRIBE_SIGNING_KEYS: `unit:${Buffer.alloc(32, 9).toString('base64url')}`,
});

let cosmos: EmbeddedCosmos;
let db: Database;
let serial = 0;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => {
  await cosmos?.close();
});
beforeEach(() => clock.set(start));

/** What revokeAllSessions queued (the session documents' revocation), run by hand with `revokeUnlistedSessions`. */
let queued: { queue: string; message: OutgoingMessage<unknown> }[] = [];
const bus: Bus = {
  async send(queue, message) {
    queued.push({ queue, message });
  },
  async sendBatch(queue, messages) {
    for (const message of messages) queued.push({ queue, message });
  },
  async health() {
    return { ok: true, latencyMs: 0 };
  },
  async close() {},
};
const services = () => ({ db, config, clock, bus });

async function newAccount(extra: Partial<AccountDoc> = {}): Promise<string> {
  serial += 1;
  const id = `acc-lifecycle-${serial}`;
  await writeTestAccount(db, clock, id, extra);
  return id;
}

async function signIn(extra: Partial<AccountDoc> = {}): Promise<IssuedSession> {
  return createSession(services(), { accountId: await newAccount(extra), method: 'password', browser: 'Firefox 140 on Linux' });
}

const stored = (s: Pick<IssuedSession, 'accountId' | 'sessionId'>) =>
  db.collection('accounts').read<SessionDoc>(`session:${s.sessionId}`, s.accountId);
const account = async (id: string) => (await db.collection('accounts').read<AccountDoc>(id, id))!;
const stillActive = async (s: IssuedSession) =>
  (await activeSession(db, { accountId: s.accountId, sessionId: s.sessionId }, clock.now())) !== undefined;

/** The same token with its secret part replaced: the account and session parts are right, the secret is not. */
function withSecret(token: string, secret: string): string {
  const [account, session] = token.split('.');
  return `${account}.${session}.${secret}`;
}

async function rotated(token: string): Promise<IssuedSession> {
  const outcome = await refreshSession(services(), token);
  if (outcome.kind !== 'rotated') throw new Error(`expected a rotation, got ${outcome.kind}`);
  return outcome.session;
}

describe('refresh-token rotation', () => {
  it('AUTH-2: the current refresh token rotates: new tokens for the same session, the old refresh token no longer current', async () => {
    const first = await signIn();
    clock.advance(60_000);
    const second = await rotated(first.refreshToken);
    expect(second).toMatchObject({ accountId: first.accountId, sessionId: first.sessionId, expiresIn: first.expiresIn });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.csrfToken).toBe(first.csrfToken); // bound to the session, not to the token
    expect(await verifyAccessToken(second.accessToken, config.SESSION_SIGNING_KEYS, clock.now())).toMatchObject({
      accountId: first.accountId,
      sessionId: first.sessionId,
    });
    const doc = (await stored(first))!;
    expect(doc.lastRefreshedAt).toBe(clock.now().toISOString());
    expect(doc.idleExpiresAt).toBe(new Date(clock.now().getTime() + 14 * DAY).toISOString());
    expect(doc.previousRefreshHashes).toHaveLength(1);
    expect(doc.previousRefreshHashes[0]!.rotatedAt).toBe(clock.now().toISOString());
    // The new one rotates again.
    clock.advance(60_000);
    expect((await rotated(second.refreshToken)).sessionId).toBe(first.sessionId);
  });

  it('AUTH-2: a refresh token with the right account and session but a forged secret is refused, and the session is not harmed', async () => {
    const session = await signIn();
    const forged = withSecret(session.refreshToken, 'A'.repeat(43));
    await expect(refreshSession(services(), forged)).rejects.toMatchObject({ code: 'refresh_invalid' });
    // A secret of another length than the hash (sameHash compares lengths first) is refused as well.
    await expect(refreshSession(services(), withSecret(session.refreshToken, 'short'))).rejects.toMatchObject({ code: 'refresh_invalid' });
    expect(await stillActive(session)).toBe(true);
    expect((await stored(session))!.previousRefreshHashes).toEqual([]);
    await expect(rotated(session.refreshToken)).resolves.toMatchObject({ sessionId: session.sessionId });
  });

  it('AUTH-2: a refresh token naming another account (same session id and secret) is refused', async () => {
    const session = await signIn();
    const other = await newAccount();
    const [, sessionPart, secret] = session.refreshToken.split('.');
    const moved = `${Buffer.from(other).toString('base64url')}.${sessionPart}.${secret}`;
    await expect(refreshSession(services(), moved)).rejects.toMatchObject({ code: 'refresh_invalid' });
    expect(await stillActive(session)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['two parts', 'YWJj.session'],
    ['four parts', 'YWJj.s.secret.extra'],
    ['a character outside base64url', 'YWJj.s.sec+ret'],
    ['an empty part', 'YWJj..secret'],
    ['a part over 200 characters', `YWJj.s.${'a'.repeat(201)}`],
    ['an unknown session', 'YWJj.no-such-session.secret'],
  ])('AUTH-2: a malformed or unknown refresh token (%s) is refused as invalid, never an internal error', async (_, token) => {
    await expect(refreshSession(services(), token)).rejects.toMatchObject({ code: 'refresh_invalid' });
    expect(await revokeSessionByRefreshToken(services(), token, 'sign-out')).toBeUndefined();
  });

  it.each([
    ['two parts', 'YWJj.session'],
    ['four parts', 'YWJj.s.secret.extra'],
    ['a character outside base64url at the start', '+YWJj.s.secret'],
    ['a character outside base64url at the end', 'YWJj.s.secret+'],
    ['an empty part', 'YWJj..secret'],
    ['a part over 200 characters', `YWJj.s.${'a'.repeat(201)}`],
  ])('AUTH-2: a malformed refresh token (%s) is refused before any store read', async (_, token) => {
    let reads = 0;
    const counting: Database = {
      ping: () => db.ping(),
      collection(name) {
        const real = db.collection(name);
        return new Proxy(real, {
          get(target, property) {
            if (property === 'read') reads += 1;
            return Reflect.get(target, property, target) as unknown;
          },
        });
      },
    };
    await expect(refreshSession({ db: counting, config, clock }, token)).rejects.toMatchObject({ code: 'refresh_invalid' });
    expect(await revokeSessionByRefreshToken({ db: counting, clock }, token, 'sign-out')).toBeUndefined();
    expect(reads).toBe(0);
  });

  it('AUTH-2: a well-formed token of exactly 200 characters per part is read, not refused unread', async () => {
    const session = await signIn();
    const [account, sessionPart] = session.refreshToken.split('.');
    await expect(refreshSession(services(), `${account}.${sessionPart}.${'a'.repeat(200)}`)).rejects.toMatchObject({ code: 'refresh_invalid' });
    expect(await stillActive(session)).toBe(true);
  });

  it('AUTH-2: a rotated-out token presented within the 10-second grace is a race between tabs: refused, session kept', async () => {
    const first = await signIn();
    await rotated(first.refreshToken);
    clock.advance(9_999);
    await expect(refreshSession(services(), first.refreshToken)).rejects.toMatchObject({ code: 'refresh_race' });
    expect(await stillActive(first)).toBe(true);
  });

  it('AUTH-2: a rotated-out token presented after the grace is a stolen copy: the whole session is revoked, the current token too', async () => {
    const first = await signIn();
    const second = await rotated(first.refreshToken);
    clock.advance(10_000);
    await expect(refreshSession(services(), first.refreshToken)).resolves.toEqual({
      kind: 'reused',
      accountId: first.accountId,
      sessionId: first.sessionId,
    });
    expect(await stored(first)).toMatchObject({ status: 'revoked', revokedReason: 'refresh-token-reuse' });
    expect(sessionListedOnAccount(await account(first.accountId), first.sessionId, clock.now())).toBe(false);
    await expect(refreshSession(services(), second.refreshToken)).rejects.toMatchObject({ code: 'refresh_invalid' });
    // Reuse of an already revoked session changes nothing further and is still reported as reuse.
    await expect(refreshSession(services(), first.refreshToken)).resolves.toMatchObject({ kind: 'reused' });
  });

  it('AUTH-2: only the last 20 rotated-out tokens are remembered; an older one is simply invalid', async () => {
    const first = await signIn();
    let current = first;
    for (let i = 0; i < 21; i++) {
      clock.advance(11_000);
      current = await rotated(current.refreshToken);
    }
    expect((await stored(first))!.previousRefreshHashes).toHaveLength(20);
    await expect(refreshSession(services(), first.refreshToken)).rejects.toMatchObject({ code: 'refresh_invalid' });
    expect(await stillActive(first)).toBe(true);
  });

  it('AUTH-5: a session taken off the account list (revoked elsewhere) cannot be refreshed even if its document still says active', async () => {
    const session = await signIn();
    const accounts = db.collection('accounts');
    const doc = await account(session.accountId);
    await accounts.replace<AccountDoc>({ ...doc, activeSessions: [] });
    await expect(refreshSession(services(), session.refreshToken)).rejects.toMatchObject({ code: 'refresh_invalid' });
  });
});

describe('at most 500 sessions per account', () => {
  it('AUTH-5: signing in once more ends the session that ends first; expired entries drop off without counting', async () => {
    const oldest = await signIn();
    const accounts = db.collection('accounts');
    const later = (days: number) => new Date(start + days * DAY).toISOString();
    // The real session ends at day 60; 498 others (entries only) end later, one entry has already ended.
    const others = Array.from({ length: 498 }, (_, i) => ({ sessionId: `other-${i}`, absoluteExpiresAt: later(61 + i / 1000) }));
    const expired = { sessionId: 'long-gone', absoluteExpiresAt: later(-1) };
    await accounts.replace<AccountDoc>({
      ...(await account(oldest.accountId)),
      activeSessions: [expired, ...others, { sessionId: oldest.sessionId, absoluteExpiresAt: later(60) }],
    });

    clock.advance(1_000);
    const fiveHundredth = await createSession(services(), { accountId: oldest.accountId, method: 'password' });
    let entries = (await account(oldest.accountId)).activeSessions!;
    expect(entries).toHaveLength(500);
    expect(entries.map((e) => e.sessionId)).not.toContain('long-gone');
    expect(entries[0]!.sessionId).toBe(oldest.sessionId); // ordered by end
    expect(await stillActive(oldest)).toBe(true);

    clock.advance(1_000);
    const newest = await createSession(services(), { accountId: oldest.accountId, method: 'password' });
    entries = (await account(oldest.accountId)).activeSessions!;
    expect(entries).toHaveLength(500);
    expect(entries.map((e) => e.sessionId)).not.toContain(oldest.sessionId);
    expect(entries.map((e) => e.sessionId)).toEqual(expect.arrayContaining([fiveHundredth.sessionId, newest.sessionId, 'other-0', 'other-497']));
    expect(await stored(oldest)).toMatchObject({ status: 'revoked', revokedReason: 'session-limit' });
    expect(await stillActive(newest)).toBe(true);
  });

  it('AUTH-2: a new session starts with the account’s lifetime, no rotated tokens and the browser it was started in', async () => {
    const session = await signIn();
    const doc = (await stored(session))!;
    expect(doc).toMatchObject({ type: 'session', status: 'active', method: 'password', browser: 'Firefox 140 on Linux', previousRefreshHashes: [] });
    expect(doc.createdAt).toBe(new Date(start).toISOString());
    expect(doc.idleExpiresAt).toBe(new Date(start + 14 * DAY).toISOString());
    expect(doc.absoluteExpiresAt).toBe(new Date(start + 60 * DAY).toISOString());
    expect(doc.idleSeconds).toBe(14 * 86_400);
    expect(doc.refreshHash).not.toContain(session.refreshToken.split('.')[2]!); // a hash, not the secret
    expect((await account(session.accountId)).activeSessions).toEqual([{ sessionId: session.sessionId, absoluteExpiresAt: doc.absoluteExpiresAt }]);
    const without = await createSession(services(), { accountId: session.accountId, method: 'harid' });
    expect(await stored(without)).not.toHaveProperty('browser');
  });
});

describe('idle and absolute expiry at their boundaries', () => {
  it('AUTH-2: the idle limit: a refresh 1 ms before 14 days works; at exactly 14 days it is refused', async () => {
    const early = await signIn();
    const late = await signIn();
    clock.advance(14 * DAY - 1);
    expect(await stillActive(early)).toBe(true);
    await expect(rotated(early.refreshToken)).resolves.toMatchObject({ sessionId: early.sessionId });
    clock.advance(1);
    expect(await stillActive(late)).toBe(false);
    await expect(refreshSession(services(), late.refreshToken)).rejects.toMatchObject({ code: 'refresh_invalid' });
    expect(await endOwnSession(services(), late.accountId, late.sessionId, 'sign-out')).toBe(false);
  });

  it('AUTH-2: the absolute limit: refreshed every 13 days, the session still ends at 60 days; the idle end never passes it', async () => {
    const session = await signIn();
    let current = session;
    for (let day = 13; day < 60; day += 13) {
      clock.set(start + day * DAY);
      current = await rotated(current.refreshToken);
    }
    // Day 52: the idle end (day 66) is capped at the absolute end (day 60).
    expect((await stored(session))!.idleExpiresAt).toBe(new Date(start + 60 * DAY).toISOString());
    clock.set(start + 60 * DAY - 1);
    current = await rotated(current.refreshToken);
    expect((await stored(session))!.absoluteExpiresAt).toBe(new Date(start + 60 * DAY).toISOString());
    expect(sessionListedOnAccount(await account(session.accountId), session.sessionId, clock.now())).toBe(true);
    clock.set(start + 60 * DAY);
    expect(sessionListedOnAccount(await account(session.accountId), session.sessionId, clock.now())).toBe(false);
    await expect(refreshSession(services(), current.refreshToken)).rejects.toMatchObject({ code: 'refresh_invalid' });
  });

  it('AUTH-2: a school administrator gets a privileged session: idle 1 day, absolute 7 days', async () => {
    const session = await signIn({ schoolRoles: [{ role: 'schoolAdmin', schoolId: 'school-lifecycle' }] });
    const doc = (await stored(session))!;
    expect(doc.idleExpiresAt).toBe(new Date(start + DAY).toISOString());
    expect(doc.absoluteExpiresAt).toBe(new Date(start + 7 * DAY).toISOString());
    expect(doc.idleSeconds).toBe(86_400);
  });

  it('AUTH-2: a role gained after sign-in shortens the session at its next refresh, on the session and on the account list', async () => {
    const session = await signIn();
    const accounts = db.collection('accounts');
    await accounts.replace<AccountDoc>({ ...(await account(session.accountId)), staffRoles: ['support'] });
    clock.advance(3_600_000);
    const next = await rotated(session.refreshToken);
    const doc = (await stored(session))!;
    expect(doc.absoluteExpiresAt).toBe(new Date(start + 7 * DAY).toISOString());
    expect(doc.idleExpiresAt).toBe(new Date(start + 3_600_000 + DAY).toISOString());
    expect((await account(session.accountId)).activeSessions).toEqual([{ sessionId: session.sessionId, absoluteExpiresAt: doc.absoluteExpiresAt }]);
    clock.set(start + 7 * DAY);
    await expect(refreshSession(services(), next.refreshToken)).rejects.toMatchObject({ code: 'refresh_invalid' });
  });

  it('AUTH-2: a role lost never lengthens a session', async () => {
    const session = await signIn({ staffRoles: ['support'] });
    const accounts = db.collection('accounts');
    const doc = await account(session.accountId);
    expect(doc.staffRoles).toEqual(['support']);
    delete doc.staffRoles;
    await accounts.replace(doc);
    clock.advance(3_600_000);
    await rotated(session.refreshToken);
    const after = (await stored(session))!;
    expect(after.absoluteExpiresAt).toBe(new Date(start + 7 * DAY).toISOString());
    expect(after.idleExpiresAt).toBe(new Date(start + 3_600_000 + DAY).toISOString());
  });
});

describe('ending sessions', () => {
  it('AUTH-2: sign-out by the refresh token ends the session; a wrong secret ends nothing', async () => {
    const session = await signIn();
    expect(await revokeSessionByRefreshToken(services(), withSecret(session.refreshToken, 'B'.repeat(43)), 'sign-out')).toBeUndefined();
    expect(await stillActive(session)).toBe(true);
    expect(await revokeSessionByRefreshToken(services(), session.refreshToken, 'sign-out')).toBe(session.accountId);
    expect(await stored(session)).toMatchObject({ status: 'revoked', revokedReason: 'sign-out', revokedAt: clock.now().toISOString() });
    expect(sessionListedOnAccount(await account(session.accountId), session.sessionId, clock.now())).toBe(false);
    // Twice is harmless and ends nothing more.
    expect(await revokeSessionByRefreshToken(services(), session.refreshToken, 'sign-out')).toBeUndefined();
  });

  it('AUTH-5: "sign out that device" ends only the account’s own active session', async () => {
    const mine = await signIn();
    const theirs = await signIn();
    expect(await endOwnSession(services(), mine.accountId, theirs.sessionId, 'sign-out')).toBe(false);
    expect(await stillActive(theirs)).toBe(true);
    expect(await endOwnSession(services(), mine.accountId, mine.sessionId, 'sign-out')).toBe(true);
    expect(await stillActive(mine)).toBe(false);
    // The per-request check reads the account's list: ending a session must take it off at once.
    expect(sessionListedOnAccount(await account(mine.accountId), mine.sessionId, clock.now())).toBe(false);
    expect(await endOwnSession(services(), mine.accountId, mine.sessionId, 'sign-out')).toBe(false);
  });

  it('AUTH-5: ending every other session keeps the current one, on the documents and on the account list', async () => {
    const current = await signIn();
    const others = [
      await createSession(services(), { accountId: current.accountId, method: 'harid' }),
      await createSession(services(), { accountId: current.accountId, method: 'google' }),
    ];
    queued = [];
    expect(await revokeAllSessions(services(), current.accountId, 'password-change', current.sessionId)).toBe(2);
    // At once: the account's list, which authentication and refresh read, names only the current session.
    expect((await account(current.accountId)).activeSessions?.map((e) => e.sessionId)).toEqual([current.sessionId]);
    for (const other of others) expect(sessionListedOnAccount(await account(current.accountId), other.sessionId, clock.now())).toBe(false);
    // The documents follow from the queue (issue 11), and a repeated message changes nothing.
    expect(queued.map((q) => q.queue)).toEqual(['session-revocations']);
    const work = queued[0]!.message.body as Parameters<typeof revokeUnlistedSessions>[1];
    expect(await revokeUnlistedSessions(services(), work)).toBe(2);
    expect(await revokeUnlistedSessions(services(), work)).toBe(0);
    for (const other of others) expect(await stored(other)).toMatchObject({ status: 'revoked', revokedReason: 'password-change' });
    expect(await stillActive(current)).toBe(true);
    expect(await revokeAllSessions(services(), current.accountId, 'suspension')).toBe(1);
    expect((await account(current.accountId)).activeSessions).toEqual([]);
  });

  it('AUTH-5: the queued revocation leaves alone a session started after it, even before that session is listed', async () => {
    const current = await signIn();
    queued = [];
    await revokeAllSessions(services(), current.accountId, 'suspension');
    const work = queued[0]!.message.body as Parameters<typeof revokeUnlistedSessions>[1];
    clock.advance(1000);
    const later = await createSession(services(), { accountId: current.accountId, method: 'password' });
    // As if the sweep ran between the new session's document and its entry on the account.
    const listed = await account(current.accountId);
    await db.collection('accounts').upsert<AccountDoc>({ ...listed, activeSessions: [] });
    expect(await revokeUnlistedSessions(services(), work)).toBe(1);
    expect(await stored(current)).toMatchObject({ status: 'revoked', revokedReason: 'suspension' });
    expect(await stillActive(later)).toBe(true);
  });
});

describe('the session list', () => {
  it('AUTH-5: lists active sessions newest refresh first, marks the current one, leaves out ended and expired ones', async () => {
    // Stored in the order other, current, ended; listed by last refresh: current (refreshed last), then other.
    const other = await createSession(services(), { accountId: await newAccount(), method: 'harid' });
    clock.advance(1_000);
    const current = await createSession(services(), { accountId: other.accountId, method: 'password', browser: 'Firefox 140 on Linux' });
    clock.advance(1_000);
    const ended = await createSession(services(), { accountId: current.accountId, method: 'google' });
    await endOwnSession(services(), current.accountId, ended.sessionId, 'sign-out');
    clock.advance(1_000);
    await rotated(current.refreshToken);

    const list = await listActiveSessions(services(), current.accountId, current.sessionId);
    expect(list.map((s) => [s.sessionId, s.current, s.method])).toEqual([
      [current.sessionId, true, 'password'],
      [other.sessionId, false, 'harid'],
    ]);
    expect(list[0]).toMatchObject({ browser: 'Firefox 140 on Linux', createdAt: new Date(start + 1_000).toISOString() });
    expect(list[1]).not.toHaveProperty('browser');

    clock.set(start + 14 * DAY + 500);
    expect((await listActiveSessions(services(), current.accountId, current.sessionId)).map((s) => s.sessionId)).toEqual([current.sessionId]);
  });

  it('AUTH-5: given the account, the list leaves out a session its account no longer lists', async () => {
    const current = await signIn();
    const other = await createSession(services(), { accountId: current.accountId, method: 'harid' });
    const doc = await account(current.accountId);
    const narrowed = { activeSessions: doc.activeSessions!.filter((e) => e.sessionId !== other.sessionId) };
    expect((await listActiveSessions(services(), current.accountId, current.sessionId, narrowed)).map((s) => s.sessionId)).toEqual([
      current.sessionId,
    ]);
    expect((await listActiveSessions(services(), current.accountId, current.sessionId, {})).map((s) => s.sessionId).sort()).toEqual(
      [current.sessionId, other.sessionId].sort(),
    );
  });

  it('issue 11: sessionListedOnAccount: unknown without a list, true while listed and before the absolute end, false otherwise', () => {
    const now = new Date(start);
    const entry = { sessionId: 's1', absoluteExpiresAt: new Date(start + 1).toISOString() };
    expect(sessionListedOnAccount({}, 's1', now)).toBeUndefined();
    expect(sessionListedOnAccount({ activeSessions: [entry] }, 's1', now)).toBe(true);
    expect(sessionListedOnAccount({ activeSessions: [entry] }, 's2', now)).toBe(false);
    expect(sessionListedOnAccount({ activeSessions: [entry] }, 's1', new Date(start + 1))).toBe(false);
  });
});

describe('how a session reaches the browser', () => {
  const issued: IssuedSession = { accountId: 'a', sessionId: 's', accessToken: 'at', refreshToken: 'rt', csrfToken: 'ct', expiresIn: 900 };

  it('AUTH-2: cookies are __Host- names on Path=/, Secure; access and refresh HttpOnly; refresh SameSite=Strict; the CSRF token readable', () => {
    const cookies = Object.fromEntries(sessionCookies(issued).map((c) => [c.name, c]));
    expect(cookies[ACCESS_TOKEN_COOKIE]).toEqual({
      name: '__Host-opiq_at',
      value: 'at',
      maxAge: 900,
      sameSite: 'Lax',
      secure: true,
      httpOnly: true,
      path: '/',
    });
    expect(cookies[REFRESH_TOKEN_COOKIE]).toEqual({
      name: '__Host-opiq_rt',
      value: 'rt',
      maxAge: 60 * 86_400,
      sameSite: 'Strict',
      secure: true,
      httpOnly: true,
      path: '/',
    });
    expect(cookies[CSRF_COOKIE]).toEqual({ name: '__Host-opiq_csrf', value: 'ct', maxAge: 60 * 86_400, sameSite: 'Lax', secure: true, path: '/' });
  });

  it('AUTH-2: sign-out clears all three cookies with the attributes that let the browser replace them', () => {
    const cleared = clearedSessionCookies();
    expect(cleared.map((c) => [c.name, c.value, c.maxAge, c.path, c.secure])).toEqual([
      ['__Host-opiq_at', '', 0, '/', true],
      ['__Host-opiq_rt', '', 0, '/', true],
      ['__Host-opiq_csrf', '', 0, '/', true],
    ]);
    expect(cleared.map((c) => c.httpOnly ?? false)).toEqual([true, true, false]);
    expect(cleared.map((c) => c.sameSite)).toEqual(['Lax', 'Strict', 'Lax']);
  });

  it('AUTH-2: API clients asking for the body get bearer tokens and no cookies; the web gets cookies and only the CSRF token in the body', () => {
    expect(deliverSession(issued, true, { accountId: 'a' })).toEqual({
      body: { accountId: 'a', accessToken: 'at', refreshToken: 'rt', tokenType: 'Bearer', expiresIn: 900 },
      cookies: [],
    });
    const web = deliverSession(issued, false, { accountId: 'a' });
    expect(web.body).toEqual({ accountId: 'a', csrfToken: 'ct', expiresIn: 900 });
    expect(web.cookies.map((c) => c.name)).toEqual([ACCESS_TOKEN_COOKIE, REFRESH_TOKEN_COOKIE, CSRF_COOKIE]);
  });
});

describe('the less travelled paths', () => {
  it('AUTH-2: a role gained more than 7 days into a session ends it at the next refresh', async () => {
    const session = await signIn();
    clock.set(start + 7 * DAY - 1);
    await db.collection('accounts').replace<AccountDoc>({ ...(await account(session.accountId)), staffRoles: ['security'] });
    const next = await rotated(session.refreshToken); // 1 ms before the privileged end: still refreshed
    clock.set(start + 7 * DAY);
    await expect(refreshSession(services(), next.refreshToken)).rejects.toMatchObject({ code: 'refresh_invalid' });
  });

  it('AUTH-2: a role gained once a session is already older than the privileged limit ends it at once, from exactly 7 days', async () => {
    const exactly = await signIn();
    const later = await signIn();
    for (const session of [exactly, later])
      await db
        .collection('accounts')
        .replace<AccountDoc>({ ...(await account(session.accountId)), schoolRoles: [{ role: 'schoolAdmin', schoolId: 'school-lifecycle' }] });
    clock.set(start + 7 * DAY);
    await expect(refreshSession(services(), exactly.refreshToken)).rejects.toMatchObject({ code: 'refresh_invalid' });
    clock.set(start + 8 * DAY);
    await expect(refreshSession(services(), later.refreshToken)).rejects.toMatchObject({ code: 'refresh_invalid' });
  });

  it('AUTH-2: a rotated-out token of a session already signed out is reuse, not a race, even within the grace', async () => {
    const first = await signIn();
    const second = await rotated(first.refreshToken);
    expect(await revokeSessionByRefreshToken(services(), second.refreshToken, 'sign-out')).toBe(first.accountId);
    clock.advance(1_000);
    await expect(refreshSession(services(), first.refreshToken)).resolves.toMatchObject({ kind: 'reused' });
    expect(await stored(first)).toMatchObject({ status: 'revoked', revokedReason: 'sign-out' });
  });

  it('AUTH-5: revoking twice keeps the first reason and time; revoking an unknown session does nothing', async () => {
    const session = await signIn();
    await revokeSession(services(), session.accountId, session.sessionId, 'suspension');
    const first = (await stored(session))!;
    clock.advance(5_000);
    await revokeSession(services(), session.accountId, session.sessionId, 'sign-out');
    expect(await stored(session)).toMatchObject({ status: 'revoked', revokedReason: 'suspension', revokedAt: first.revokedAt });
    await expect(revokeSession(services(), session.accountId, 'no-such-session', 'sign-out')).resolves.toBeUndefined();
  });

  it('AUTH-2: a session stored before sessions carried their idle time gets the default 14 days at refresh', async () => {
    const session = await signIn();
    const doc = (await stored(session))!;
    delete doc.idleSeconds;
    await db.collection('accounts').replace(doc);
    clock.advance(60_000);
    await rotated(session.refreshToken);
    expect((await stored(session))!.idleExpiresAt).toBe(new Date(start + 60_000 + 14 * DAY).toISOString());
  });

  it('issue 11: an account without the session list gets one at refresh, built from its usable sessions only', async () => {
    const session = await signIn();
    const revoked = await createSession(services(), { accountId: session.accountId, method: 'harid' });
    await revokeSession(services(), session.accountId, revoked.sessionId, 'sign-out');
    const doc = await account(session.accountId);
    delete doc.activeSessions;
    await db.collection('accounts').replace(doc);
    clock.advance(60_000);
    await rotated(session.refreshToken);
    expect((await account(session.accountId)).activeSessions?.map((e) => e.sessionId)).toEqual([session.sessionId]);
  });

  it('issue 11: the per-request check for such an account reads the session: active passes, revoked is session_revoked', async () => {
    const session = await signIn();
    const claims = { accountId: session.accountId, sessionId: session.sessionId };
    await expect(assertSessionActive(db, claims, clock.now())).resolves.toBeUndefined();
    await revokeSession(services(), session.accountId, session.sessionId, 'sign-out');
    await expect(assertSessionActive(db, claims, clock.now())).rejects.toMatchObject({ code: 'session_revoked' });
  });

  it('AUTH-2: with two sessions listed, the one refreshed after a role change is shortened and the other is left as it was', async () => {
    const session = await signIn();
    const other = await createSession(services(), { accountId: session.accountId, method: 'harid' });
    await db.collection('accounts').replace<AccountDoc>({ ...(await account(session.accountId)), staffRoles: ['support'] });
    clock.advance(60_000);
    await rotated(session.refreshToken);
    const entries = Object.fromEntries((await account(session.accountId)).activeSessions!.map((e) => [e.sessionId, e.absoluteExpiresAt]));
    expect(entries).toEqual({
      [session.sessionId]: new Date(start + 7 * DAY).toISOString(),
      [other.sessionId]: new Date(start + 60 * DAY).toISOString(),
    });
  });

  it('AUTH-5: an entry that has reached its end drops off the list when the next session is added', async () => {
    const session = await signIn();
    const ending = { sessionId: 'ends-now', absoluteExpiresAt: new Date(start + 1_000).toISOString() };
    await db.collection('accounts').replace<AccountDoc>({
      ...(await account(session.accountId)),
      activeSessions: [ending, ...(await account(session.accountId)).activeSessions!],
    });
    clock.advance(1_000);
    const next = await createSession(services(), { accountId: session.accountId, method: 'harid' });
    expect((await account(session.accountId)).activeSessions!.map((e) => e.sessionId).sort()).toEqual([session.sessionId, next.sessionId].sort());
  });
});
