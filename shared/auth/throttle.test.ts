import { createHmac } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeTestAccount } from '../../test/unit-account.js';
import { unitConfig } from '../../test/unit-config.js';
import type { AccountDoc } from '../accounts/index.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Clock } from '../platform/clock.js';
import { createDatabase, type Database, type Doc, type Stored, type TogetherWrite } from '../platform/cosmos.js';
import { emptyCounts, withOperationCounter } from '../platform/operations.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import type { LoginIndexDoc } from './identity.js';
import { createSession } from './sessions.js';
import { assertUnderLimitOn, firstHostedEvent, firstInPeriodOn, overLimit, reserveSignInAttempt, type SignInAttempt } from './throttle.js';

/**
 * AUTH-2, issue 11: the throttle's one-write paths (a create, a conditional patch, counters kept on the login) and
 * their fallbacks to the ETag-checked read and write, against the embedded Cosmos server.
 */
let nowMs = Date.parse('2026-12-01T08:00:00.000Z');
const clock: Clock = { now: () => new Date(nowMs) };
const config = unitConfig();

let cosmos: EmbeddedCosmos;
let db: Database;
const deps = () => ({ db, config, clock });
let serial = 0;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => {
  await cosmos?.close();
});

const writes = (n: number) => ({ ...emptyCounts(), write: n });
const counted = async <T>(work: () => Promise<T>) => {
  const run = withOperationCounter(work);
  return { result: await run.result, counts: run.counts };
};

async function newLogin(extra: Record<string, unknown> = {}): Promise<LoginIndexDoc & Stored> {
  const id = `email:throttle-${++serial}%40example.com`;
  return db.collection('logins').create<LoginIndexDoc>({
    id,
    type: 'login-index',
    accountId: `acc-throttle-${serial}`,
    kind: 'password',
    email: `throttle-${serial}@example.com`,
    linkedAt: clock.now().toISOString(),
    ...extra,
  });
}
const readLogin = async (id: string) => (await db.collection('logins').read<LoginIndexDoc & Record<string, unknown>>(id, id))!;

describe('overLimit (a keyed bucket)', () => {
  it('AUTH-2: the first event is one create, the next ones one conditional patch each; the fifth locks and the sixth is over', async () => {
    const key = `ol-${++serial}`;
    expect(await counted(() => overLimit(deps(), 'unit', key, 5))).toEqual({ result: false, counts: writes(1) });
    for (let i = 2; i <= 4; i++) expect(await counted(() => overLimit(deps(), 'unit', key, 5))).toEqual({ result: false, counts: writes(2) });
    // The fifth reaches the limit: the patch's condition fails (it may not cross the limit), so it is read and written.
    const fifth = await counted(() => overLimit(deps(), 'unit', key, 5));
    expect(fifth.result).toBe(false);
    expect(fifth.counts).toEqual({ ...emptyCounts(), pointRead: 1, write: 3 });
    expect(await overLimit(deps(), 'unit', key, 5)).toBe(true);
  });

  it('AUTH-2: when the window is over the conditional patch fails and the read-and-write starts a new window', async () => {
    const key = `ol-${++serial}`;
    for (let i = 0; i < 3; i++) await overLimit(deps(), 'unit', key, 5);
    nowMs += 16 * 60_000;
    const after = await counted(() => overLimit(deps(), 'unit', key, 5));
    expect(after).toEqual({ result: false, counts: { ...emptyCounts(), pointRead: 1, write: 3 } });
    // A new window counts from 1: four more fit before the limit.
    for (let i = 0; i < 4; i++) expect(await overLimit(deps(), 'unit', key, 5)).toBe(false);
    expect(await overLimit(deps(), 'unit', key, 5)).toBe(true);
  });

  it('AUTH-2: 20 parallel events on one key: exactly 5 get under the limit', async () => {
    const key = `ol-${++serial}`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => overLimit(deps(), 'unit', key, 5)));
    expect(answers.filter((over) => !over)).toHaveLength(5);
  });
});

describe('counters kept on the login (issue 11)', () => {
  it('AUTH-2: sign-ups per address: the new login counts the first; each later one is one conditional patch until the limit', async () => {
    const login = await newLogin(firstHostedEvent(deps(), 'signup'));
    for (let i = 2; i <= 4; i++) {
      const known = await readLogin(login.id);
      expect(await counted(() => assertUnderLimitOn(deps(), known, 'signup', 5))).toEqual({ result: undefined, counts: writes(1) });
    }
    // The fifth reaches the limit: one ETag-checked replace from the copy read, which locks.
    const fifth = await counted(async () => assertUnderLimitOn(deps(), await readLogin(login.id), 'signup', 5));
    expect(fifth.counts).toEqual({ ...emptyCounts(), pointRead: 1, write: 1 });
    await expect(assertUnderLimitOn(deps(), await readLogin(login.id), 'signup', 5)).rejects.toMatchObject({ code: 'too_many_attempts' });
    // The login itself is intact.
    expect(await readLogin(login.id)).toMatchObject({ type: 'login-index', accountId: login.accountId, signup_count: 5 });
  });

  it('AUTH-2: a stale copy whose count looks under the limit: the conditional patch fails and the stored count decides (it locks)', async () => {
    const login = await newLogin(firstHostedEvent(deps(), 'signup'));
    const stale = await readLogin(login.id);
    for (let i = 2; i <= 4; i++) await assertUnderLimitOn(deps(), await readLogin(login.id), 'signup', 5);
    // The stale copy says 1: the patch (count below 4) is refused by the stored 4, the fallback counts the fifth and locks.
    await assertUnderLimitOn(deps(), stale, 'signup', 5);
    expect(await readLogin(login.id)).toMatchObject({ signup_count: 5, signup_locked_ms: expect.any(Number) });
    await expect(assertUnderLimitOn(deps(), stale, 'signup', 5)).rejects.toMatchObject({ code: 'too_many_attempts' });
  });

  it('AUTH-2: parallel sign-ups for one address from copies read before any of them: exactly 4 more fit beside the first', async () => {
    const login = await newLogin(firstHostedEvent(deps(), 'signup'));
    const known = await readLogin(login.id);
    const answers = await Promise.allSettled(Array.from({ length: 12 }, () => assertUnderLimitOn(deps(), known, 'signup', 5)));
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(4);
    expect(await readLogin(login.id)).toMatchObject({ signup_count: 5 });
  });

  it('AUTH-2: "account exists" at most once a period: of 10 parallel calls one is first; a stale copy cannot start another', async () => {
    const login = await newLogin();
    const known = await readLogin(login.id);
    const firsts = await Promise.all(Array.from({ length: 10 }, () => firstInPeriodOn(deps(), known, 'exists_notice', 3600)));
    expect(firsts.filter(Boolean)).toHaveLength(1);
    // Within the period: no write at all from a fresh copy, and the stale copy's patch is refused.
    expect(await counted(async () => firstInPeriodOn(deps(), await readLogin(login.id), 'exists_notice', 3600))).toEqual({
      result: false,
      counts: { ...emptyCounts(), pointRead: 1 },
    });
    expect(await firstInPeriodOn(deps(), known, 'exists_notice', 3600)).toBe(false);
    nowMs += 3601_000;
    expect(await firstInPeriodOn(deps(), await readLogin(login.id), 'exists_notice', 3600)).toBe(true);
    expect(await firstInPeriodOn(deps(), await readLogin(login.id), 'exists_notice', 3600)).toBe(false);
  });
});

describe('sign-in attempts with the name counted on its login (issue 11)', () => {
  it("AUTH-2: a failure counts on the login (no name bucket is written); a success costs the reservation's create and delete and the IP read", async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const keys = { name: login.email!, ip: `10.77.0.${++serial % 250}`, passwordVersion: 0 };
    const failed = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    await failed.finish('failure');
    const afterFailure = await readLogin(login.id);
    expect(afterFailure).toMatchObject({ signin_count: 1, signin_end_ms: nowMs + 15 * 60_000 });
    await failed.finish('failure'); // settled once only
    expect(await readLogin(login.id)).toMatchObject({ signin_count: 1 });

    // A second failure in the window: one conditional patch (incr) on the login.
    const second = await reserveSignInAttempt(deps(), { ...keys, login: afterFailure });
    await second.finish('failure');
    expect(await readLogin(login.id)).toMatchObject({ signin_count: 2 });

    const fresh = { ...keys, ip: `10.78.0.${serial % 250}` };
    const success = await counted(async () => {
      const attempt = await reserveSignInAttempt(deps(), { ...fresh, login: await readLogin(login.id) });
      await attempt.finish('success');
    });
    // The login read, the reservation created, the IP bucket read, the reservation deleted: no name bucket read.
    expect(success.counts).toEqual({ ...emptyCounts(), pointRead: 2, write: 2 });
    expect(await readLogin(login.id)).toMatchObject({ signin_count: 2 });
  });

  it('AUTH-2: a failure counted from a copy read before the window ended starts a new window (the conditional patch falls back)', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const keys = { name: login.email!, ip: `10.79.0.${++serial % 250}`, passwordVersion: 0 };
    await (await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) })).finish('failure');
    const copy = await readLogin(login.id);
    const attempt = await reserveSignInAttempt(deps(), { ...keys, login: copy });
    nowMs += 16 * 60_000; // the window ends while the password is being checked
    await attempt.finish('failure');
    expect(await readLogin(login.id)).toMatchObject({ signin_count: 1, signin_end_ms: nowMs + 15 * 60_000 });
  });

  it('AUTH-2: a last success (the password changes or the account closes next) leaves a reservation that is all its bucket holds to lapse; with failures in the bucket it is settled', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const keys = { name: login.email!, ip: `10.81.0.${++serial % 250}`, passwordVersion: 0 };
    const clean = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    expect(await counted(() => clean.finish('success-last'))).toEqual({ result: undefined, counts: emptyCounts() });

    const other = { ...keys, ip: `10.82.0.${serial % 250}` };
    await (await reserveSignInAttempt(deps(), { ...other, login: await readLogin(login.id) })).finish('failure');
    const afterFailure = await reserveSignInAttempt(deps(), { ...other, login: await readLogin(login.id) });
    await afterFailure.finish('success-last');
    // Settled as a success: the failure is cleared, so five more attempts fit from that address.
    const next = await Promise.all(Array.from({ length: 5 }, () => reserveSignInAttempt(deps(), { ...other, login: login })));
    expect(next).toHaveLength(5);
  });

  it('AUTH-2: 20 parallel guesses for a name with a login from one IP: at most 5 are reserved, the rest refused before any password check', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const known = await readLogin(login.id);
    const keys = { name: login.email!, ip: `10.80.0.${++serial % 250}`, passwordVersion: 0, login: known };
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => reserveSignInAttempt(deps(), keys)));
    const reserved = attempts.filter((a) => a.status === 'fulfilled');
    expect(reserved.length).toBeLessThanOrEqual(5);
    expect(reserved.length).toBeGreaterThan(0);
    for (const refused of attempts.filter((a) => a.status === 'rejected')) expect(refused.reason).toMatchObject({ code: 'too_many_attempts' });
    await Promise.all(reserved.map((a) => (a as PromiseFulfilledResult<{ finish(o: 'failure'): Promise<void> }>).value.finish('failure')));
    expect((await readLogin(login.id)).signin_count).toBe(reserved.length);
  });
});

describe("a known name's name + IP bucket in its account's partition (issue 11)", () => {
  const bucketsOf = async (accountId: string) =>
    db.collection('accounts').queryAll<{ id: string; failures: number; pending?: unknown[]; ttl?: number }>(accountId, {
      where: "c.type = 'sign-in-throttle'",
    });
  /** A right password's session, written with the attempt's settling of its bucket in the same batch (as sign-in does). */
  const sessionSettling = (attempt: SignInAttempt, account: AccountDoc, write: TogetherWrite) =>
    createSession(deps(), {
      accountId: account.accountId,
      method: 'password',
      account,
      alsoWrite: { write, ifLeftOut: () => attempt.finish('success') },
    });
  const ipBucket = async (ip: string) => {
    const id = `throttle:ip:${createHmac('sha256', config.SESSION_SIGNING_KEYS[0]!.secret).update(`ip:${ip}`).digest('base64url').slice(0, 32)}`;
    return db.collection('logins').read<Doc & { failures: number; window_end_ms?: number }>(id, id);
  };

  it("AUTH-2, AUTH-5: a sign-in reserves in the account's partition and its success removes the reservation inside the session's batch: one create, the IP read, one batch", async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const account = await writeTestAccount(db, clock, login.accountId);
    const known = await readLogin(login.id);
    const keys = { name: login.email!, ip: `10.83.0.${++serial % 250}`, passwordVersion: 0, login: known };
    const { result: session, counts } = await counted(async () => {
      const attempt = await reserveSignInAttempt(deps(), keys);
      const [bucket] = await withOperationCounter(() => bucketsOf(login.accountId)).result;
      // A sign-in-throttle document of the account (kept a day), not a bucket in the logins container.
      expect(bucket).toMatchObject({ failures: 0, pending: [expect.anything()], ttl: 86_400 });
      const write = attempt.successInBatch()!;
      expect(write).toMatchObject({ delete: { id: bucket!.id } });
      return sessionSettling(attempt, account, write);
    });
    expect(counts).toEqual({ ...emptyCounts(), pointRead: 1, write: 2 });
    expect(await bucketsOf(login.accountId)).toEqual([]);
    const stored = (await db.collection('accounts').read<AccountDoc>(login.accountId, login.accountId))!;
    expect(stored.activeSessions?.map((e) => e.sessionId)).toEqual([session.sessionId]);
  });

  it("AUTH-2, AUTH-5: the right password after a failure from the same IP: the login names that bucket, the reservation is one conditional patch on it and the success empties it inside the session's batch, keeping it for the next sign-in's patch (the IP read, one patch, one batch)", async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const account = await writeTestAccount(db, clock, login.accountId);
    const keys = { name: login.email!, ip: `10.83.1.${++serial % 250}`, passwordVersion: 0 };
    await (await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) })).finish('failure');
    const known = await readLogin(login.id);
    const { counts } = await counted(async () => {
      const attempt = await reserveSignInAttempt(deps(), { ...keys, login: known });
      const [bucket] = await withOperationCounter(() => bucketsOf(login.accountId)).result;
      expect(bucket).toMatchObject({ failures: 1, pending: [expect.anything()] });
      const write = attempt.successInBatch()!;
      expect(write).toMatchObject({ replace: { id: bucket!.id, failures: 0, pending: [] } });
      return sessionSettling(attempt, account, write);
    });
    expect(counts).toEqual({ ...emptyCounts(), pointRead: 1, write: 2 });
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 0, pending: [] })]);
    // The next sign-in from there: the same patch, the same batch.
    const again = await counted(async () => {
      const attempt = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
      const account = (await db.collection('accounts').read<AccountDoc>(login.accountId, login.accountId))!;
      const write = attempt.successInBatch()!;
      return sessionSettling(attempt, account, write);
    });
    // The login, the IP and the account read; the patch and the batch.
    expect(again.counts).toEqual({ ...emptyCounts(), pointRead: 3, write: 2 });
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 0, pending: [] })]);
  });

  it('AUTH-2: after a failure from one IP, 20 parallel guesses from it reserve by conditional patch: exactly 4 get in (5 with the failure), the rest are refused; their failures lock the name there', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const keys = { name: login.email!, ip: `10.83.2.${++serial % 250}`, passwordVersion: 0 };
    await (await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) })).finish('failure');
    const known = await readLogin(login.id);
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => reserveSignInAttempt(deps(), { ...keys, login: known })));
    const reserved = attempts.filter((a) => a.status === 'fulfilled');
    expect(reserved.length).toBe(4);
    for (const refused of attempts.filter((a) => a.status === 'rejected')) expect(refused.reason).toMatchObject({ code: 'too_many_attempts' });
    await Promise.all(reserved.map((a) => (a as PromiseFulfilledResult<{ finish(o: 'failure'): Promise<void> }>).value.finish('failure')));
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 5, pending: [] })]);
    await expect(reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) })).rejects.toMatchObject({
      code: 'too_many_attempts',
      retryAfterSeconds: 15 * 60,
    });
  });

  it("AUTH-2, AUTH-5: a success while another attempt is in flight settles the bucket inside the session's batch, keeping that attempt (no write of its own)", async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const account = await writeTestAccount(db, clock, login.accountId);
    const keys = { name: login.email!, ip: `10.83.3.${++serial % 250}`, passwordVersion: 0 };
    await (await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) })).finish('failure');
    const other = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    const attempt = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    const { counts } = await counted(async () => {
      const write = attempt.successInBatch()!;
      expect(write).toMatchObject({ replace: { failures: 0, pending: [expect.anything()] } });
      return sessionSettling(attempt, account, write);
    });
    expect(counts).toEqual(writes(1));
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 0, pending: [expect.anything()] })]);
    // The other attempt still counts: its failure is the window's first.
    await other.finish('failure');
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 1, pending: [] })]);
  });

  it('AUTH-2, AUTH-5: a bucket another attempt changed after the reservation fails the batch; the session is written without it and the bucket settled, keeping the other attempt', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const account = await writeTestAccount(db, clock, login.accountId);
    const keys = { name: login.email!, ip: `10.84.0.${++serial % 250}`, passwordVersion: 0, login: await readLogin(login.id) };
    const first = await reserveSignInAttempt(deps(), keys);
    const write = first.successInBatch()!;
    expect(write).toBeDefined();
    const second = await reserveSignInAttempt(deps(), keys);
    let leftOut = 0;
    const session = await createSession(deps(), {
      accountId: login.accountId,
      method: 'password',
      account,
      alsoWrite: {
        write,
        ifLeftOut: async () => {
          leftOut += 1;
          await first.finish('success');
        },
      },
    });
    expect(leftOut).toBe(1);
    const stored = (await db.collection('accounts').read<AccountDoc>(login.accountId, login.accountId))!;
    expect(stored.activeSessions?.map((e) => e.sessionId)).toEqual([session.sessionId]);
    const [bucket] = await bucketsOf(login.accountId);
    expect(bucket).toMatchObject({ failures: 0, pending: [expect.anything()] });
    // The other attempt's success, in a batch, would keep the first attempt's entry (as it read the bucket, under that
    // ETag): the first's settling changed the bucket since, so the batch would fail and the bucket is settled apart.
    expect(second.successInBatch()).toMatchObject({ replace: { failures: 0, pending: [expect.anything()], _etag: expect.any(String) } });
    await second.finish('success');
    expect((await bucketsOf(login.accountId))[0]).toMatchObject({ failures: 0, pending: [] });
  });

  it('AUTH-2: guesses through sign-in and through a signed-in password check count in the same bucket: 3 + 2 failures lock the name from that IP', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const keys = { name: login.email!, ip: `10.85.0.${++serial % 250}`, passwordVersion: 0 };
    for (let i = 0; i < 3; i++) await (await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) })).finish('failure');
    for (let i = 0; i < 2; i++)
      await (await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id), signedIn: true })).finish('failure');
    for (const signedIn of [false, true])
      await expect(reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id), signedIn })).rejects.toMatchObject({
        code: 'too_many_attempts',
        retryAfterSeconds: 15 * 60,
      });
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 5 })]);
    expect((await readLogin(login.id)).signin_count).toBe(5);
  });

  it('AUTH-2: a hung guess whose reservation lapsed, failing after the window ran out, keeps the lock another guess wrote (the count does not restart at 1)', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const keys = { name: login.email!, ip: `10.86.0.${++serial % 250}`, passwordVersion: 0 };
    const attempt = async () => reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    for (let i = 0; i < 4; i++) await (await attempt()).finish('failure');
    nowMs += 13 * 60_000;
    const hung = await attempt();
    // Its reservation lapses after 60 s, so another guess gets in and its failure, the fifth, locks the name there.
    nowMs += 61_000;
    await (await attempt()).finish('failure');
    await expect(attempt()).rejects.toMatchObject({ code: 'too_many_attempts', retryAfterSeconds: 15 * 60 });
    // The window of the first failure has run out, the lock has not: the hung guess fails now.
    nowMs += 90_000;
    await hung.finish('failure');
    await expect(attempt()).rejects.toMatchObject({ code: 'too_many_attempts' });
    expect((await bucketsOf(login.accountId))[0]?.failures).toBeGreaterThanOrEqual(5);
  });

  it('AUTH-2: a signed-in check reads no IP bucket, yet its failures count there: a patch and a create first, one conditional patch in the window, a patch that restarts it after', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const ip = `10.86.0.${++serial % 250}`;
    const keys = { name: login.email!, ip, passwordVersion: 0, signedIn: true };
    const guess = async () => {
      const attempt = await counted(async () => reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) }));
      // The login read (by the caller, here inside) and the reservation: a create, or (the login naming this pair's
      // bucket as its last failure's) one conditional patch on it, its window over or not. No IP bucket read.
      expect(attempt.counts).toEqual({ ...emptyCounts(), pointRead: 1, write: 1 });
      return (await counted(() => attempt.result.finish('failure'))).counts;
    };
    // The reservation settled, the name's count on the login, and the IP's: a patch that finds no bucket, a create.
    expect(await guess()).toEqual({ ...emptyCounts(), write: 4 });
    expect(await ipBucket(ip)).toMatchObject({ failures: 1, window_end_ms: nowMs + 15 * 60_000 });
    expect(await guess()).toEqual({ ...emptyCounts(), write: 3 });
    expect(await ipBucket(ip)).toMatchObject({ failures: 2 });
    nowMs += 16 * 60_000;
    // The window over: the incr's condition fails, one patch starts a new window (no read).
    expect(await guess()).toEqual({ ...emptyCounts(), write: 4 });
    expect(await ipBucket(ip)).toMatchObject({ failures: 1, window_end_ms: nowMs + 15 * 60_000 });
  });

  const failedEntry = (accountId: string) => ({
    id: `login-log:${accountId}-${++serial}`,
    type: 'login-log',
    accountId,
    at: clock.now().toISOString(),
    event: 'sign-in-failed',
    reason: 'wrong_password',
  });

  it("AUTH-2, AUTH-4 (issue 11): a known name's failure and its login-log entry are one batch of the account's partition: the batch, the name's count on the login, the IP's", async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const ip = `10.88.0.${++serial % 250}`;
    const keys = { name: login.email!, ip, passwordVersion: 0 };
    const attempt = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    const entry = failedEntry(login.accountId);
    // One batch (the entry and the failure), the login's patch, the IP bucket's create: the entry costs no write.
    expect((await counted(() => attempt.finish('failure', entry))).counts).toEqual(writes(3));
    expect(await db.collection('accounts').read(entry.id, login.accountId)).toMatchObject({ event: 'sign-in-failed', reason: 'wrong_password' });
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 1, pending: [] })]);
    expect(await readLogin(login.id)).toMatchObject({ signin_count: 1 });
    expect(await ipBucket(ip)).toMatchObject({ failures: 1 });
    // Settled once only: the entry is not written again.
    await attempt.finish('failure', failedEntry(login.accountId));
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 1 })]);
  });

  it('AUTH-2, AUTH-4 (issue 11): a bucket another attempt changed after the reservation refuses the batch: the entry is written alone and the failure counted on the bucket as stored, keeping the other attempt', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const keys = { name: login.email!, ip: `10.88.1.${++serial % 250}`, passwordVersion: 0 };
    const first = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    const second = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    const entry = failedEntry(login.accountId);
    await first.finish('failure', entry);
    expect(await db.collection('accounts').read(entry.id, login.accountId)).toMatchObject({ event: 'sign-in-failed' });
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 1, pending: [expect.anything()] })]);
    const next = failedEntry(login.accountId);
    await second.finish('failure', next);
    expect(await db.collection('accounts').read(next.id, login.accountId)).toMatchObject({ event: 'sign-in-failed' });
    expect(await bucketsOf(login.accountId)).toEqual([expect.objectContaining({ failures: 2, pending: [] })]);
  });

  it('AUTH-2 (issue 11): an unknown name (its bucket in the logins container) writes a given entry on its own and counts as before', async () => {
    const keys = { name: `nobody-${++serial}@example.com`, ip: `10.88.2.${serial % 250}`, passwordVersion: 0 };
    const attempt = await reserveSignInAttempt(deps(), keys);
    const entry = failedEntry(`acc-throttle-entry-${serial}`);
    await attempt.finish('failure', entry);
    expect(await db.collection('accounts').read(entry.id, entry.accountId)).toMatchObject({ event: 'sign-in-failed' });
  });

  it("AUTH-2 (issue 11): a last success in a batch (a password change's login-log entry): nothing when the reservation is all the bucket holds; after a failure from the same IP the bucket is removed, though the name's last failure names it", async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const keys = { name: login.email!, ip: `10.88.3.${++serial % 250}`, passwordVersion: 0, signedIn: true };
    const clean = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    expect(clean.successInBatch('success-last')).toBeUndefined();
    expect(await counted(() => clean.finish('success-last'))).toEqual({ result: undefined, counts: emptyCounts() });

    const guessed = await newLogin({ passwordVersion: 0 });
    const other = { ...keys, name: guessed.email!, ip: `10.88.4.${serial % 250}` };
    await (await reserveSignInAttempt(deps(), { ...other, login: await readLogin(guessed.id) })).finish('failure');
    const right = await reserveSignInAttempt(deps(), { ...other, login: await readLogin(guessed.id) });
    const [bucket] = await bucketsOf(guessed.accountId);
    // A sign-in's success would keep it, emptied, for the next reservation's patch; the password changes next, so no
    // reservation will look for it again.
    expect(right.successInBatch()).toMatchObject({ replace: { id: bucket!.id } });
    const write = right.successInBatch('success-last')!;
    expect(write).toMatchObject({ delete: { id: bucket!.id } });
    expect((await db.collection('accounts').writeTogether(guessed.accountId, [write])).ok).toBe(true);
    expect(await bucketsOf(guessed.accountId)).toEqual([]);
  });

  it('AUTH-2: reservations whose outcome never came (a crash between the reservation and the settling) hold their places for 60 s, then lapse', async () => {
    const login = await newLogin({ passwordVersion: 0 });
    const keys = { name: login.email!, ip: `10.87.0.${++serial % 250}`, passwordVersion: 0 };
    for (let i = 0; i < 5; i++) await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    await expect(reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) })).rejects.toMatchObject({
      code: 'too_many_attempts',
      retryAfterSeconds: 5,
    });
    nowMs += 61_000;
    const attempt = await reserveSignInAttempt(deps(), { ...keys, login: await readLogin(login.id) });
    // The lapsed ones are dropped by this reservation: it is all the bucket holds, so its success removes the bucket.
    expect(attempt.successInBatch()).toBeDefined();
    await attempt.finish('success');
    expect(await bucketsOf(login.accountId)).toEqual([]);
  });
});
