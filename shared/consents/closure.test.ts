import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { ListBus } from '../../test/list-bus.js';
import { writeTestAccount } from '../../test/unit-account.js';
import { unitConfig } from '../../test/unit-config.js';
import type { AccountDoc } from '../accounts/index.js';
import { createSession } from '../auth/sessions.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Clock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { isAppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { MemoryTelemetry } from '../platform/telemetry.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { closeAccountForErasure, closeAccountForInactivity, closeAccountOnRequest, closeMemberAccount, closeOwnAccount } from './closure.js';

/**
 * PRIV-8, RET-9: who may close which account, against the embedded Cosmos server in the test worker so mutation
 * testing reaches it (issue 19, module consents-unsubscribe). The queued rest of a closure is only looked at as a
 * message here; its work is tested end to end (test/account-closure.e2e.test.ts).
 */
const START = Date.parse('2026-11-30T10:00:00.000Z');
class StillClock implements Clock {
  at = START;
  now = () => new Date(this.at);
}
const clock = new StillClock();
const config = unitConfig();

let cosmos: EmbeddedCosmos;
let db: Database;
const bus = new ListBus();
const services = () => ({ db, clock, config, bus }) as unknown as Services;
const client = { ip: '203.0.113.9', browser: 'Firefox 140 on Linux' };

let serial = 0;
async function account(extra: Partial<AccountDoc> = {}): Promise<AccountDoc> {
  serial += 1;
  return writeTestAccount(db, clock, `acc-closure-${serial}`, extra);
}
const stored = (id: string) => db.collection('accounts').read<AccountDoc>(id, id);
const student = (schoolId: string) => ({ schoolId, role: 'student' as const, classId: `${schoolId}-7a` });

async function refusal(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    for (const code of [
      'cannot_act_on_self',
      'member_not_found',
      'account_in_other_school',
      'account_closed_by_school',
      'account_not_found',
      'reauthentication_required',
    ] as const)
      if (isAppError(error, code)) return code;
    throw error;
  }
}

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => {
  await cosmos?.close();
});
beforeEach(() => {
  clock.at = START;
  bus.sent.length = 0;
});

describe('closing an account: who may (PRIV-8)', () => {
  it('PRIV-8: the school closes the account of a person only of its school: closed at once, sessions emptied, the rest queued once per account', async () => {
    const person = await account({ schoolRoles: [student('school-c1')], activeSessions: [{ sessionId: 's1' }] as never });
    const view = await closeMemberAccount(services(), { schoolId: 'school-c1', accountId: person.accountId, actor: 'acc-admin' }, client);
    expect(view).toEqual({ status: 'closed', closedAt: '2026-11-30T10:00:00.000Z', closedBy: 'school' });
    const closed = (await stored(person.accountId))!;
    expect(closed.status).toBe('closed');
    expect(closed.closure).toEqual({ as: 'school', by: 'acc-admin', schoolId: 'school-c1', at: '2026-11-30T10:00:00.000Z' });
    expect(closed.activeSessions).toEqual([]);
    expect(bus.sent).toEqual([
      { queue: 'account-closure', message: { body: { accountId: person.accountId, client }, messageId: `account-closure:${person.accountId}` } },
    ]);

    // Again, later: the same answer (the first closure), nothing rewritten, the rest queued again (a lost message).
    clock.at += 60_000;
    expect(await closeMemberAccount(services(), { schoolId: 'school-c1', accountId: person.accountId, actor: 'acc-admin-2' }, client)).toEqual(view);
    expect((await stored(person.accountId))!.closure).toEqual(closed.closure);
    expect(bus.sent.map((s) => s.message.messageId)).toEqual([`account-closure:${person.accountId}`, `account-closure:${person.accountId}`]);
  });

  it('PRIV-8: the school may not close its own administrator’s account by them, a stranger’s, or one another school also holds', async () => {
    const admin = await account({ schoolRoles: [{ schoolId: 'school-c2', role: 'schoolAdmin' }] });
    expect(await refusal(closeMemberAccount(services(), { schoolId: 'school-c2', accountId: admin.accountId, actor: admin.accountId }, client))).toBe(
      'cannot_act_on_self',
    );
    expect(await refusal(closeMemberAccount(services(), { schoolId: 'school-c2', accountId: 'acc-nobody', actor: 'acc-admin' }, client))).toBe(
      'member_not_found',
    );
    const elsewhere = await account({ schoolRoles: [student('school-other')] });
    expect(await refusal(closeMemberAccount(services(), { schoolId: 'school-c2', accountId: elsewhere.accountId, actor: 'acc-admin' }, client))).toBe(
      'member_not_found',
    );
    const privateUser = await account();
    expect(
      await refusal(closeMemberAccount(services(), { schoolId: 'school-c2', accountId: privateUser.accountId, actor: 'acc-admin' }, client)),
    ).toBe('member_not_found');
    const shared = await account({ schoolRoles: [student('school-c2'), { schoolId: 'school-other', role: 'teacher' }] });
    expect(await refusal(closeMemberAccount(services(), { schoolId: 'school-c2', accountId: shared.accountId, actor: 'acc-admin' }, client))).toBe(
      'account_in_other_school',
    );
    // Two roles in the same school are one school.
    const twoRoles = await account({ schoolRoles: [student('school-c2'), { schoolId: 'school-c2', role: 'teacher' }] });
    expect(await closeMemberAccount(services(), { schoolId: 'school-c2', accountId: twoRoles.accountId, actor: 'acc-admin' }, client)).toMatchObject({
      closedBy: 'school',
    });
    for (const id of [admin.accountId, elsewhere.accountId, privateUser.accountId, shared.accountId])
      expect((await stored(id))!.closure).toBeUndefined();
    expect(bus.sent.map((s) => s.message.messageId)).toEqual([`account-closure:${twoRoles.accountId}`]);
  });

  it('PRIV-8: a private user closes their own account after a recent sign-in; a school user is sent to the school; closed stays closed', async () => {
    const privateUser = await account({ schoolRoles: [] });
    const session = await createSession(services(), { accountId: privateUser.accountId, method: 'password', browser: 'Firefox 140 on Linux' });
    const principal = { accountId: privateUser.accountId, sessionId: session.sessionId };
    const view = await closeOwnAccount(services(), principal, (await stored(privateUser.accountId))!, undefined, client);
    expect(view).toEqual({ status: 'closed', closedAt: '2026-11-30T10:00:00.000Z', closedBy: 'self' });
    expect((await stored(privateUser.accountId))!.closure).toEqual({ as: 'self', by: privateUser.accountId, at: '2026-11-30T10:00:00.000Z' });
    expect(bus.sent.map((s) => s.message.messageId)).toEqual([`account-closure:${privateUser.accountId}`]);

    // Closed already: the same answer without asking for the password again, and nothing queued.
    const closed = (await stored(privateUser.accountId))!;
    expect(await closeOwnAccount(services(), principal, { ...closed, logins: [{ provider: 'password' }] as never }, undefined, client)).toEqual(view);
    expect(bus.sent).toHaveLength(1);

    const schoolUser = await account({ schoolRoles: [student('school-c3')] });
    expect(await refusal(closeOwnAccount(services(), { accountId: schoolUser.accountId, sessionId: 'x' }, schoolUser, undefined, client))).toBe(
      'account_closed_by_school',
    );
    // A private user (no school role, the field absent) is asked to sign in again, not sent to a school.
    const noRoles = await account();
    expect(await refusal(closeOwnAccount(services(), { accountId: noRoles.accountId, sessionId: 'x' }, noRoles, undefined, client))).toBe(
      'reauthentication_required',
    );
    expect((await stored(noRoles.accountId))!.closure).toBeUndefined();
  });

  it('PRIV-7, PRIV-8: a verified request closes a private user’s account as their own; a school user’s stays the school’s', async () => {
    expect(await refusal(closeAccountOnRequest(services(), { accountId: 'acc-nobody', by: 'acc-officer' }))).toBe('account_not_found');
    const schoolUser = await account({ schoolRoles: [student('school-c4')] });
    expect(await refusal(closeAccountOnRequest(services(), { accountId: schoolUser.accountId, by: 'acc-officer' }))).toBe('account_closed_by_school');
    const privateUser = await account({ schoolRoles: [] });
    const view = await closeAccountOnRequest(services(), { accountId: privateUser.accountId, by: 'acc-officer' });
    expect(view).toEqual({ status: 'closed', closedAt: '2026-11-30T10:00:00.000Z', closedBy: 'self' });
    expect((await stored(privateUser.accountId))!.closure).toEqual({ as: 'self', by: 'acc-officer', at: '2026-11-30T10:00:00.000Z' });
    expect(bus.sent).toEqual([
      {
        queue: 'account-closure',
        message: { body: { accountId: privateUser.accountId, client: {} }, messageId: `account-closure:${privateUser.accountId}` },
      },
    ]);
    clock.at += 1000;
    expect(await closeAccountOnRequest(services(), { accountId: privateUser.accountId, by: 'acc-officer-2' })).toEqual(view);
    expect(bus.sent).toHaveLength(1);
  });

  it('RET-9: the system closes an unused account for inactivity; a gone account is nothing, a closed one keeps its closure', async () => {
    expect(await closeAccountForInactivity(services(), 'acc-nobody')).toBeUndefined();
    const unused = await account({ schoolRoles: [student('school-c5')] });
    const view = await closeAccountForInactivity(services(), unused.accountId);
    expect(view).toEqual({ status: 'closed', closedAt: clock.now().toISOString(), closedBy: 'inactivity' });
    expect((await stored(unused.accountId))!.closure).toEqual({ as: 'inactivity', by: 'system', at: clock.now().toISOString() });
    expect(bus.sent).toEqual([
      { queue: 'account-closure', message: { body: { accountId: unused.accountId, client: {} }, messageId: `account-closure:${unused.accountId}` } },
    ]);
    clock.at += 1000;
    expect(await closeAccountForInactivity(services(), unused.accountId)).toEqual(view);
    expect(bus.sent).toHaveLength(1);
  });

  it('PRIV-8, RET-9: a school closing an account already closed for inactivity gets that closure, even when another school holds the person too', async () => {
    const unused = await account({ schoolRoles: [student('school-c6'), { schoolId: 'school-c7', role: 'teacher' }] });
    const view = await closeAccountForInactivity(services(), unused.accountId);
    bus.sent.length = 0;
    clock.at += 1000;
    expect(await closeMemberAccount(services(), { schoolId: 'school-c6', accountId: unused.accountId, actor: 'acc-admin' }, client)).toEqual(view);
    expect(bus.sent.map((s) => s.message.messageId)).toEqual([`account-closure:${unused.accountId}`]);
  });
});

describe('closing an account for its erasure (PRIV-3, PRIV-8)', () => {
  // The completed closure records a security event, which goes to telemetry too.
  const erasing = () => ({ ...services(), telemetry: new MemoryTelemetry() }) as Services;
  const eventOf = (id: string) => db.collection('jobs').read<{ id: string; type: string; as: string }>(`account-closure:${id}`, id);

  it('PRIV-3, PRIV-8: the erasure closes the account and completes the closure at once: as the school for a school user, as their own otherwise; a closed one keeps its closure; a gone one is nothing', async () => {
    await closeAccountForErasure(erasing(), { accountId: 'acc-closure-gone', by: 'acc-officer' });
    expect(await stored('acc-closure-gone')).toBeUndefined();
    const at = clock.now().toISOString();
    const privateUser = await account();
    const schoolUser = await account({ schoolRoles: [student('school-e1')] });
    for (const person of [privateUser, schoolUser]) await closeAccountForErasure(erasing(), { accountId: person.accountId, by: 'acc-officer' });
    expect((await stored(privateUser.accountId))!).toMatchObject({
      status: 'closed',
      closure: { as: 'self', by: 'acc-officer', at, completedAt: at },
    });
    expect((await stored(schoolUser.accountId))!).toMatchObject({
      status: 'closed',
      closure: { as: 'school', by: 'acc-officer', at, completedAt: at },
    });
    expect(await eventOf(privateUser.accountId)).toMatchObject({ type: 'account-closure', as: 'self' });
    expect(await eventOf(schoolUser.accountId)).toMatchObject({ type: 'account-closure', as: 'school' });
    const unused = await account();
    await closeAccountForInactivity(services(), unused.accountId);
    clock.at += 1000;
    await closeAccountForErasure(erasing(), { accountId: unused.accountId, by: 'acc-officer' });
    expect((await stored(unused.accountId))!.closure).toMatchObject({ as: 'inactivity', by: 'system', at });
    expect(await eventOf(unused.accountId)).toMatchObject({ as: 'inactivity' });
  });
});
