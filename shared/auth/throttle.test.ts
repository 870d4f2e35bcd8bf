import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { unitConfig } from '../../test/unit-config.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Clock } from '../platform/clock.js';
import { createDatabase, type Database, type Stored } from '../platform/cosmos.js';
import { emptyCounts, withOperationCounter } from '../platform/operations.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import type { LoginIndexDoc } from './identity.js';
import { assertUnderLimitOn, firstHostedEvent, firstInPeriodOn, overLimit, reserveSignInAttempt } from './throttle.js';

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
