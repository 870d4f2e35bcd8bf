import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ListBus } from '../../test/list-bus.js';
import { writeTestAccount } from '../../test/unit-account.js';
import type { AccountDoc } from '../accounts/model.js';
import { httpErrorOf } from '../http/error-catalogue.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { AdjustableClock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
import { createDatabase, type Database, type Doc, type TogetherWrite } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { createSession, revokeAllSessions, revokeSession, type SessionDoc, sessionListedOnAccount } from './sessions.js';

const config = loadConfig({
  APP_ENV: 'local',
  COSMOS_ENDPOINT: 'http://127.0.0.1:1/',
  EMAIL_FROM: 'no-reply@opiq.example',
  PUBLIC_WEB_URL: 'http://localhost:3000',
  API_PUBLIC_URL: 'http://localhost:7071',
  SESSION_SIGNING_KEYS: `unit:${Buffer.from(Array.from({ length: 32 }, (_, i) => i * 5 + 3)).toString('base64url')}`,
  UNSUBSCRIBE_SIGNING_KEYS: `unit:${Buffer.alloc(32, 9).toString('base64url')}`,
});

/**
 * Revocation against the real embedded Cosmos server, with a concurrent writer that really replaces the session
 * (as a refresh in another tab does) just before each of our writes, so every ETag conflict is a genuine one.
 */
describe('revokeSession under concurrent writes', () => {
  let cosmos: EmbeddedCosmos;
  let db: Database;
  const clock = new AdjustableClock();

  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos();
    db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
  });
  afterAll(async () => {
    await cosmos?.close();
  });

  /** The same database, but the sessions' collection loses the next `conflicts` replaces to another writer. */
  function withRivalWriter(conflicts: number): Database {
    let left = conflicts;
    return {
      ping: () => db.ping(),
      collection(name) {
        const real = db.collection(name);
        if (name !== 'accounts') return real;
        return new Proxy(real, {
          get(target, property) {
            if (property !== 'replace') return Reflect.get(target, property, target);
            return async <T extends Doc>(doc: T & { _etag: string }) => {
              if (left > 0) {
                left -= 1;
                const current = await target.read<SessionDoc>(doc.id, (doc as unknown as SessionDoc).accountId);
                await target.replace<SessionDoc>({ ...current!, lastRefreshedAt: new Date().toISOString() });
              }
              return target.replace<T>(doc);
            };
          },
        });
      },
    };
  }

  it('AUTH-5: keeps trying past five conflicts and ends the session', async () => {
    const session = await createSession({ db, config, clock }, { accountId: 'acc-unit-revoke-1', method: 'password' });
    await revokeSession({ db: withRivalWriter(12), clock }, session.accountId, session.sessionId, 'sign-out');
    const stored = await db.collection('accounts').read<SessionDoc>(`session:${session.sessionId}`, session.accountId);
    expect(stored).toMatchObject({ status: 'revoked', revokedReason: 'sign-out' });
  });

  it('AUTH-5: when it can never write, it throws (503) instead of returning as if the session had ended', async () => {
    const session = await createSession({ db, config, clock }, { accountId: 'acc-unit-revoke-2', method: 'password' });
    const error: unknown = await revokeSession({ db: withRivalWriter(10_000), clock }, session.accountId, session.sessionId, 'sign-out').catch(
      (e: unknown) => e,
    );
    // The domain throws a code; the one HTTP mapping (shared/http) answers it 503.
    expect(error).toBeInstanceOf(AppError);
    expect(httpErrorOf(error)).toMatchObject({
      status: 503,
      code: 'service_unavailable',
    });
    const stored = await db.collection('accounts').read<SessionDoc>(`session:${session.sessionId}`, session.accountId);
    expect(stored?.status).toBe('active');
  });
  it('issue 11: an account from before the session list gets one at its first revocation: the ended session is not on it, the other one is', async () => {
    const accounts = db.collection('accounts');
    const id = 'acc-unit-legacy-1';
    const at = clock.now().toISOString();
    await accounts.upsert({
      id,
      type: 'account',
      accountId: id,
      status: 'active',
      firstName: 'Lea',
      lastName: 'Vana',
      language: 'et',
      country: 'EE',
      createdAt: at,
      updatedAt: at,
    });
    const ending = await createSession({ db, config, clock }, { accountId: id, method: 'password' });
    const staying = await createSession({ db, config, clock }, { accountId: id, method: 'password' });
    // As deployed before the list existed: the account has none.
    const { activeSessions, ...legacy } = (await accounts.read<AccountDoc>(id, id))!;
    expect(activeSessions?.map((e) => e.sessionId).sort()).toEqual([ending.sessionId, staying.sessionId].sort());
    await accounts.replace<AccountDoc>(legacy);
    expect(sessionListedOnAccount((await accounts.read<AccountDoc>(id, id))!, staying.sessionId, clock.now())).toBeUndefined();

    await revokeSession({ db, clock }, id, ending.sessionId, 'sign-out');
    const after = (await accounts.read<AccountDoc>(id, id))!;
    expect(after.activeSessions?.map((e) => e.sessionId)).toEqual([staying.sessionId]);
    expect(sessionListedOnAccount(after, ending.sessionId, clock.now())).toBe(false);
    expect(sessionListedOnAccount(after, staying.sessionId, clock.now())).toBe(true);
    expect((await accounts.read<SessionDoc>(`session:${ending.sessionId}`, id))?.status).toBe('revoked');
  });
});

/** Issue 11: the session, its entry on the account and the login-log entry go in one batch, or one by one when they cannot. */
describe('a sign-in and a password reset write the account partition together', () => {
  let cosmos: EmbeddedCosmos;
  let db: Database;
  /** The test database, counting transactional batches and the other writes (create, replace, upsert, patch, delete). */
  const countingDatabase = () => {
    const counts = { batches: 0, writes: 0 };
    const database: Database = {
      ping: () => db.ping(),
      collection: (name) =>
        new Proxy(db.collection(name), {
          get(target, property) {
            if (property === 'writeTogether') counts.batches += 1;
            else if (['create', 'replace', 'upsert', 'patch', 'delete'].includes(String(property))) counts.writes += 1;
            return Reflect.get(target, property, target);
          },
        }),
    };
    return { counts, db: database };
  };
  const clock = new AdjustableClock();
  const logEntry = (accountId: string, event: 'sign-in' | 'password-reset' | 'password-changed') => ({
    id: `login-log:${randomUUID()}`,
    type: 'login-log',
    accountId,
    at: clock.now().toISOString(),
    event,
    method: 'password',
  });

  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos();
    db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
  });
  afterAll(async () => {
    await cosmos?.close();
  });

  it('AUTH-4, AUTH-5: from the account as read, the session, its listing, the sign-in time and the login-log entry are written in one batch', async () => {
    const accounts = db.collection('accounts');
    const account = await writeTestAccount(db, clock, 'acc-unit-batch-1');
    const entry = logEntry(account.accountId, 'sign-in');
    const counting = countingDatabase();
    const session = await createSession(
      { db: counting.db, config, clock },
      { accountId: account.accountId, method: 'password', account, logEntry: entry },
    );
    expect(counting.counts.batches).toBe(1);
    const stored = (await accounts.read<AccountDoc>(account.accountId, account.accountId))!;
    expect(sessionListedOnAccount(stored, session.sessionId, clock.now())).toBe(true);
    const doc = await accounts.read<SessionDoc>(`session:${session.sessionId}`, account.accountId);
    expect(doc?.status).toBe('active');
    expect(stored.lastSignInAt).toBe(doc?.createdAt);
    expect(await accounts.read(entry.id, account.accountId)).toMatchObject({ event: 'sign-in' });
  });

  it('AUTH-4, AUTH-5: an account changed after it was read (another sign-in): nothing of the batch is written, then each write goes on its own and both sessions are listed', async () => {
    const accounts = db.collection('accounts');
    const stale = await writeTestAccount(db, clock, 'acc-unit-batch-2');
    const first = await createSession({ db, config, clock }, { accountId: stale.accountId, method: 'password' });
    const entry = logEntry(stale.accountId, 'sign-in');
    const second = await createSession({ db, config, clock }, { accountId: stale.accountId, method: 'password', account: stale, logEntry: entry });
    const stored = (await accounts.read<AccountDoc>(stale.accountId, stale.accountId))!;
    expect(stored.activeSessions?.map((e) => e.sessionId).sort()).toEqual([first.sessionId, second.sessionId].sort());
    expect(await accounts.read(entry.id, stale.accountId)).toMatchObject({ event: 'sign-in' });
  });

  it("AUTH-2, AUTH-5 (issue 11): one more write of the partition (the throttle's reservation removed) goes in the session's batch; when it fails the batch, the session's writes go again together without it and the caller is told; a stale account: one by one, and told", async () => {
    const accounts = db.collection('accounts');
    const counted = () => {
      const counting = countingDatabase();
      return { counts: counting.counts, services: { db: counting.db, config, clock } };
    };
    const bucket = (accountId: string) =>
      accounts.create<Doc>({
        id: `throttle:name-ip:${randomUUID()}`,
        type: 'sign-in-throttle',
        accountId,
        failures: 0,
        windowStart: clock.now().toISOString(),
      });
    const signIn = async (services: ReturnType<typeof counted>['services'], account: AccountDoc, write: TogetherWrite) => {
      let leftOut = 0;
      const entry = logEntry(account.accountId, 'sign-in');
      const session = await createSession(services, {
        accountId: account.accountId,
        method: 'password',
        account,
        logEntry: entry,
        alsoWrite: { write, ifLeftOut: async () => void (leftOut += 1) },
      });
      const stored = (await accounts.read<AccountDoc>(account.accountId, account.accountId))!;
      expect(sessionListedOnAccount(stored, session.sessionId, clock.now())).toBe(true);
      expect(await accounts.read(entry.id, account.accountId)).toMatchObject({ event: 'sign-in' });
      return leftOut;
    };

    // In the batch: one request, the bucket gone, the caller not asked to settle it.
    const account = await writeTestAccount(db, clock, 'acc-unit-batch-also-1');
    const reserved = await bucket(account.accountId);
    const together = counted();
    expect(await signIn(together.services, account, { delete: { id: reserved.id, _etag: reserved._etag } })).toBe(0);
    expect(together.counts).toEqual({ batches: 1, writes: 0 });
    expect(await accounts.read(reserved.id, account.accountId)).toBeUndefined();

    // The bucket changed since (another attempt): the batch fails on it, the session's writes go again as one batch
    // (not one by one), the bucket stays for the caller to settle.
    const second = await writeTestAccount(db, clock, 'acc-unit-batch-also-2');
    const stale = await bucket(second.accountId);
    await accounts.replace<Doc>({ ...stale, failures: 1 });
    const retried = counted();
    expect(await signIn(retried.services, second, { delete: { id: stale.id, _etag: stale._etag } })).toBe(1);
    expect(retried.counts).toEqual({ batches: 2, writes: 0 });
    expect(await accounts.read(stale.id, second.accountId)).toMatchObject({ failures: 1 });

    // The account changed since it was read: nothing of the batch is written; one by one as before, and told.
    const third = await writeTestAccount(db, clock, 'acc-unit-batch-also-3');
    await createSession({ db, config, clock }, { accountId: third.accountId, method: 'password' });
    const kept = await bucket(third.accountId);
    const alone = counted();
    expect(await signIn(alone.services, third, { delete: { id: kept.id, _etag: kept._etag } })).toBe(1);
    expect(alone.counts.batches).toBe(1);
    expect(await accounts.read(kept.id, third.accountId)).toBeDefined();
  });

  it('AUTH-5: a reset ends the listed sessions and writes its login-log entry together; with nothing to end the entry is still written', async () => {
    const accounts = db.collection('accounts');
    const bus = new ListBus();
    const account = await writeTestAccount(db, clock, 'acc-unit-batch-3');
    const session = await createSession({ db, config, clock }, { accountId: account.accountId, method: 'password' });
    const read = (await accounts.read<AccountDoc>(account.accountId, account.accountId))!;
    const entry = logEntry(account.accountId, 'password-reset');
    expect(await revokeAllSessions({ db, clock, bus }, account.accountId, 'password-reset', undefined, read, entry)).toBe(1);
    const after = (await accounts.read<AccountDoc>(account.accountId, account.accountId))!;
    expect(sessionListedOnAccount(after, session.sessionId, clock.now())).toBe(false);
    expect(await accounts.read(entry.id, account.accountId)).toMatchObject({ event: 'password-reset' });

    const again = logEntry(account.accountId, 'password-reset');
    expect(await revokeAllSessions({ db, clock, bus }, account.accountId, 'password-reset', undefined, after, again)).toBe(0);
    expect(await accounts.read(again.id, account.accountId)).toMatchObject({ event: 'password-reset' });
  });

  it('AUTH-5: ending listed sessions with an entry is one batch from the account as read; nothing to end, no entry, no ETag or no list: no batch, each write alone', async () => {
    const accounts = db.collection('accounts');
    const bus = new ListBus();
    const counted = () => {
      const counting = countingDatabase();
      return { counts: counting.counts, services: { db: counting.db, clock, bus } };
    };
    const fresh = async (id: string) => {
      const account = await writeTestAccount(db, clock, id);
      const session = await createSession({ db, config, clock }, { accountId: account.accountId, method: 'password' });
      return { session, read: (await accounts.read<AccountDoc>(account.accountId, account.accountId))! };
    };

    // Listed sessions and an entry, from the account as read: one batch, nothing else.
    const one = await fresh('acc-unit-batch-4');
    const batched = counted();
    const entry = logEntry(one.read.accountId, 'password-reset');
    expect(await revokeAllSessions(batched.services, one.read.accountId, 'password-reset', undefined, one.read, entry)).toBe(1);
    expect(batched.counts).toEqual({ batches: 1, writes: 0 });
    expect(await accounts.read(entry.id, one.read.accountId)).toMatchObject({ event: 'password-reset' });

    // Nothing left to end: still one batch, the entry with the account under its ETag (so a session listed since that
    // copy was read refuses it: the next test); the (empty) list kept.
    const after = (await accounts.read<AccountDoc>(one.read.accountId, one.read.accountId))!;
    const idle = counted();
    expect(
      await revokeAllSessions(idle.services, one.read.accountId, 'password-reset', undefined, after, logEntry(one.read.accountId, 'password-reset')),
    ).toBe(0);
    expect(idle.counts).toEqual({ batches: 1, writes: 0 });
    expect((await accounts.read<AccountDoc>(one.read.accountId, one.read.accountId))!.activeSessions).toEqual([]);

    // No entry: no batch, the list alone.
    const two = await fresh('acc-unit-batch-5');
    const bare = counted();
    expect(await revokeAllSessions(bare.services, two.read.accountId, 'suspension', undefined, two.read)).toBe(1);
    expect(bare.counts.batches).toBe(0);
    expect(
      sessionListedOnAccount((await accounts.read<AccountDoc>(two.read.accountId, two.read.accountId))!, two.session.sessionId, clock.now()),
    ).toBe(false);

    // An account without its ETag (not as read), or from before the session list: no batch, and it still works.
    const three = await fresh('acc-unit-batch-6');
    const { _etag: _gone, ...noEtag } = three.read as AccountDoc & { _etag?: string };
    const plain = counted();
    const third = logEntry(three.read.accountId, 'password-reset');
    expect(await revokeAllSessions(plain.services, three.read.accountId, 'password-reset', undefined, noEtag, third)).toBe(1);
    expect(plain.counts.batches).toBe(0);
    expect(await accounts.read(third.id, three.read.accountId)).toMatchObject({ event: 'password-reset' });
    const { activeSessions: _none, ...unlisted } = (await accounts.read<AccountDoc>(three.read.accountId, three.read.accountId))!;
    const old = counted();
    // (Without the list the sessions are found by their documents: the one still active is ended.)
    expect(
      await revokeAllSessions(
        old.services,
        three.read.accountId,
        'password-reset',
        undefined,
        unlisted as AccountDoc,
        logEntry(three.read.accountId, 'password-reset'),
      ),
    ).toBe(1);
    expect(old.counts.batches).toBe(0);
  });

  it("AUTH-2, AUTH-5: a sign-in listed after the changer's account was read (a thief with the old password) is ended by the change, not left working", async () => {
    const accounts = db.collection('accounts');
    const bus = new ListBus();
    const owner = await writeTestAccount(db, clock, 'acc-unit-race-1');
    const own = await createSession({ db, config, clock }, { accountId: owner.accountId, method: 'password' });
    // The change starts from the account as authentication read it: only the owner's own session.
    const read = (await accounts.read<AccountDoc>(owner.accountId, owner.accountId))!;
    const thief = await createSession({ db, config, clock }, { accountId: owner.accountId, method: 'password' });
    const entry = logEntry(owner.accountId, 'password-changed');
    expect(await revokeAllSessions({ db, clock, bus }, owner.accountId, 'password-changed', own.sessionId, read, entry)).toBe(1);
    const after = (await accounts.read<AccountDoc>(owner.accountId, owner.accountId))!;
    expect(sessionListedOnAccount(after, thief.sessionId, clock.now())).toBe(false);
    expect(sessionListedOnAccount(after, own.sessionId, clock.now())).toBe(true);
    expect(await accounts.read(entry.id, owner.accountId)).toMatchObject({ event: 'password-changed' });
  });

  it("AUTH-2, AUTH-5 (issue 11): a password change's throttle bucket goes in the batch of its login-log entry (and the shortened list, when another session ends); a bucket changed since: the batch again without it, and the caller told; a stale account: one by one, and told", async () => {
    const accounts = db.collection('accounts');
    const bus = new ListBus();
    const bucket = (accountId: string) =>
      accounts.create<Doc>({
        id: `throttle:name-ip:${randomUUID()}`,
        type: 'sign-in-throttle',
        accountId,
        failures: 1,
        windowStart: clock.now().toISOString(),
      });
    const change = async (account: AccountDoc, current: string, write: TogetherWrite) => {
      let leftOut = 0;
      const entry = logEntry(account.accountId, 'password-changed');
      const counting = countingDatabase();
      const ended = await revokeAllSessions({ db: counting.db, clock, bus }, account.accountId, 'password-changed', current, account, entry, {
        write,
        ifLeftOut: async () => void (leftOut += 1),
      });
      expect(await accounts.read(entry.id, account.accountId)).toMatchObject({ event: 'password-changed' });
      return { ended, leftOut, batches: counting.counts.batches };
    };
    const readAccount = async (accountId: string) => (await accounts.read<AccountDoc>(accountId, accountId))!;

    // Only the changer's own session: the entry and the bucket's removal, one batch.
    const alone = await writeTestAccount(db, clock, 'acc-unit-change-1');
    const own = await createSession({ db, config, clock }, { accountId: alone.accountId, method: 'password' });
    const first = await bucket(alone.accountId);
    expect(await change(await readAccount(alone.accountId), own.sessionId, { delete: { id: first.id, _etag: first._etag } })).toEqual({
      ended: 0,
      leftOut: 0,
      batches: 1,
    });
    expect(await accounts.read(first.id, alone.accountId)).toBeUndefined();

    // Another session to end: the list too, still one batch.
    const two = await writeTestAccount(db, clock, 'acc-unit-change-2');
    const mine = await createSession({ db, config, clock }, { accountId: two.accountId, method: 'password' });
    const theirs = await createSession({ db, config, clock }, { accountId: two.accountId, method: 'password' });
    const second = await bucket(two.accountId);
    expect(await change(await readAccount(two.accountId), mine.sessionId, { delete: { id: second.id, _etag: second._etag } })).toEqual({
      ended: 1,
      leftOut: 0,
      batches: 1,
    });
    expect(sessionListedOnAccount(await readAccount(two.accountId), theirs.sessionId, clock.now())).toBe(false);
    expect(await accounts.read(second.id, two.accountId)).toBeUndefined();

    // The bucket changed since: refused for it, the entry and the list again without it; the caller settles it.
    const three = await writeTestAccount(db, clock, 'acc-unit-change-3');
    const mine3 = await createSession({ db, config, clock }, { accountId: three.accountId, method: 'password' });
    const theirs3 = await createSession({ db, config, clock }, { accountId: three.accountId, method: 'password' });
    const stale = await bucket(three.accountId);
    await accounts.replace<Doc>({ ...stale, failures: 2 });
    expect(await change(await readAccount(three.accountId), mine3.sessionId, { delete: { id: stale.id, _etag: stale._etag } })).toEqual({
      ended: 1,
      leftOut: 1,
      batches: 2,
    });
    expect(sessionListedOnAccount(await readAccount(three.accountId), theirs3.sessionId, clock.now())).toBe(false);
    expect(await accounts.read(stale.id, three.accountId)).toMatchObject({ failures: 2 });

    // The account changed since it was read (another sign-in): nothing of the batch; one by one, and told.
    const four = await writeTestAccount(db, clock, 'acc-unit-change-4');
    const mine4 = await createSession({ db, config, clock }, { accountId: four.accountId, method: 'password' });
    const theirs4 = await createSession({ db, config, clock }, { accountId: four.accountId, method: 'password' });
    const before = await readAccount(four.accountId);
    const later = await createSession({ db, config, clock }, { accountId: four.accountId, method: 'password' });
    const kept = await bucket(four.accountId);
    expect(await change(before, mine4.sessionId, { delete: { id: kept.id, _etag: kept._etag } })).toEqual({ ended: 2, leftOut: 1, batches: 1 });
    const after = await readAccount(four.accountId);
    expect([theirs4, later].map((s) => sessionListedOnAccount(after, s.sessionId, clock.now()))).toEqual([false, false]);
    expect(await accounts.read(kept.id, four.accountId)).toBeDefined();
  });
});

/** STORE-2, issue 11: a sign-in's batch applied but whose answer was lost is recognised by its retry. */
describe('a sign-in batch whose answer was lost', () => {
  let cosmos: EmbeddedCosmos;
  let db: Database;
  const clock = new AdjustableClock();
  const policy = { attemptTimeoutMs: 400, budgetMs: 1_500 };
  let loseNext = false;
  const posts: string[] = [];

  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos(dataRegistry, 0, policy);
    db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock, policy);
    cosmos.setFaultHook((request) => {
      if (request.method !== 'POST' || !request.path.includes('/colls/accounts/docs')) return undefined;
      posts.push(request.path);
      if (!loseNext) return undefined;
      loseNext = false;
      return { kind: 'lose-answer' };
    });
  });
  afterAll(async () => {
    await cosmos?.close();
  });

  it('STORE-2, AUTH-5: the retry meets its own batch (409 on the new session) and takes it as written: one session listed, the log entry and the reservation removal applied once, nothing written one by one', async () => {
    const accounts = db.collection('accounts');
    const account = await writeTestAccount(db, clock, 'acc-unit-lost-batch');
    const reserved = await accounts.create<Doc>({
      id: `throttle:name-ip:${randomUUID()}`,
      type: 'sign-in-throttle',
      accountId: account.accountId,
      failures: 0,
      windowStart: clock.now().toISOString(),
    });
    const entry = {
      id: `login-log:${randomUUID()}`,
      type: 'login-log',
      accountId: account.accountId,
      at: clock.now().toISOString(),
      event: 'sign-in',
    };
    let leftOut = 0;
    posts.length = 0;
    loseNext = true;
    const session = await createSession(
      { db, config, clock },
      {
        accountId: account.accountId,
        method: 'password',
        account,
        logEntry: entry,
        alsoWrite: { write: { delete: { id: reserved.id, _etag: reserved._etag } }, ifLeftOut: async () => void (leftOut += 1) },
      },
    );
    // The batch twice (the lost one and its retry), nothing else.
    expect(posts).toHaveLength(2);
    expect(leftOut).toBe(0);
    const stored = (await accounts.read<AccountDoc>(account.accountId, account.accountId))!;
    expect(stored.activeSessions?.map((e) => e.sessionId)).toEqual([session.sessionId]);
    expect(await accounts.read(entry.id, account.accountId)).toMatchObject({ event: 'sign-in' });
    expect(await accounts.read(reserved.id, account.accountId)).toBeUndefined();
  });
});
