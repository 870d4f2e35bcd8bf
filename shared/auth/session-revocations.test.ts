import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ListBus } from '../../test/list-bus.js';
import { writeTestAccount } from '../../test/unit-account.js';
import { unitConfig } from '../../test/unit-config.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Clock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import {
  createSession,
  deliveredSessionSchema,
  deliverSession,
  revokeAllSessions,
  revokeUnlistedSessions,
  type SessionDoc,
  type SessionRevocationWork,
  sessionRevocationWorkSchema,
} from './sessions.js';

/**
 * AUTH-5, issue 11: the queued revocation of session documents (its message, its schema, an account that is gone) and
 * the shapes a new session is answered in; against the embedded Cosmos server in the test worker so mutation testing
 * reaches them (issue 19, module sessions, sixth session).
 */
/** A clock that moves only when the test moves it: the message ids name exact instants. */
let nowMs = Date.parse('2026-12-01T08:00:00.000Z');
const clock: Clock = { now: () => new Date(nowMs) };
const config = unitConfig();

let cosmos: EmbeddedCosmos;
let db: Database;
const bus = new ListBus();
const services = () => ({ db, config, clock, bus });
let serial = 0;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => {
  await cosmos?.close();
});

async function signedIn() {
  const accountId = `acc-revocations-${++serial}`;
  await writeTestAccount(db, clock, accountId);
  return createSession(services(), { accountId, method: 'password' });
}
const statusOf = async (accountId: string, sessionId: string) =>
  (await db.collection('accounts').read<SessionDoc>(`session:${sessionId}`, accountId))?.status;

describe('the queued revocation of session documents (AUTH-5, issue 11)', () => {
  it('AUTH-5: each revocation is its own message (account, reason, instant), so a later one is never dropped as a repeat', async () => {
    const session = await signedIn();
    bus.sent.length = 0;
    const first = clock.now().toISOString();
    await revokeAllSessions(services(), session.accountId, 'suspension');
    nowMs += 1000;
    await revokeAllSessions(services(), session.accountId, 'suspension');
    expect(bus.sent.map((s) => [s.queue, s.message.messageId])).toEqual([
      ['session-revocations', `sessions:${session.accountId}:suspension:${first}`],
      ['session-revocations', `sessions:${session.accountId}:suspension:${clock.now().toISOString()}`],
    ]);
    for (const { message } of bus.sent) expect(sessionRevocationWorkSchema.parse(message.body)).toEqual(message.body);
  });

  it('AUTH-5: the work is checked: an account, a reason and an instant, nothing else', () => {
    const work: SessionRevocationWork = { accountId: 'acc-1', reason: 'password-change', before: '2026-12-01T00:00:00.000Z' };
    expect(sessionRevocationWorkSchema.safeParse(work).success).toBe(true);
    for (const bad of [
      { ...work, accountId: '' },
      { ...work, reason: '' },
      { ...work, before: 'yesterday' },
      { ...work, extra: 1 },
      { reason: work.reason, before: work.before },
    ])
      expect(sessionRevocationWorkSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('AUTH-5: the sessions of an account that is gone are all revoked, and the work does not fail', async () => {
    const session = await signedIn();
    const other = await createSession(services(), { accountId: session.accountId, method: 'harid' });
    await db.collection('accounts').delete(session.accountId, session.accountId);
    const work = { accountId: session.accountId, reason: 'account-closed', before: clock.now().toISOString() };
    expect(await revokeUnlistedSessions(services(), work)).toBe(2);
    expect(await statusOf(session.accountId, session.sessionId)).toBe('revoked');
    expect(await statusOf(session.accountId, other.sessionId)).toBe('revoked');
  });
});

describe('how a new session is answered (AUTH-1)', () => {
  it('AUTH-1: bearer tokens or, with the cookies, the CSRF token; the route schema accepts exactly these', async () => {
    const session = await signedIn();
    const bearer = deliverSession(session, true).body;
    const cookie = deliverSession(session, false).body;
    expect(bearer).toMatchObject({ tokenType: 'Bearer', accessToken: session.accessToken, refreshToken: session.refreshToken });
    expect(deliveredSessionSchema.safeParse(bearer).success).toBe(true);
    expect(deliveredSessionSchema.safeParse(cookie).success).toBe(true);
    expect(deliveredSessionSchema.safeParse({ ...bearer, tokenType: 'Basic' }).success).toBe(false);
    expect(deliveredSessionSchema.safeParse({ expiresIn: 900 }).success).toBe(false);
    expect(deliveredSessionSchema.safeParse({ csrfToken: 'x', expiresIn: 'soon' }).success).toBe(false);
  });
});
