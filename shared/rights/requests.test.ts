import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ListBus } from '../../test/list-bus.js';
import { unitConfig } from '../../test/unit-config.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Clock } from '../platform/clock.js';
import { createDatabase, type Database, type Doc } from '../platform/cosmos.js';
import { isAppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { type Capacity, effectiveDueAt, QUEUE_PARTITION, queueEntryId, requestIdFor, type RequestState, type RequestType } from './model.js';
import { type Move, moveRequest, type NewRequest, openRequest, readRequest } from './requests.js';

/**
 * PRIV-7: who the controller of a request is, the steps a new request takes at once, and who may move a request where
 * (the rules beyond the state table), against the embedded Cosmos server in the test worker so mutation testing reaches
 * them (issue 19, module rights).
 */
const clock: Clock = { now: () => new Date('2026-11-30T10:00:00.000Z') };
const AT = '2026-11-30T10:00:00.000Z';
const config = unitConfig();

let cosmos: EmbeddedCosmos;
let db: Database;
const bus = new ListBus();
const services = () => ({ db, clock, config, bus }) as unknown as Services;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => {
  await cosmos?.close();
});

let serial = 0;
/** A request about a new subject (a student of school-r when `student`), made by `capacity`. */
function open(
  requestType: RequestType,
  options: { student?: boolean; capacity?: Exclude<Capacity, 'system'>; known?: string; requester?: string } = {},
): Promise<{ id: string; state: RequestState } & Record<string, unknown>> {
  serial += 1;
  const subject = `acc-rights-${serial}`;
  const input: NewRequest = {
    subject: { accountId: subject, name: 'Mari Maasikas', ...(options.student ? { studentSchoolId: 'school-r' } : {}) },
    requestType,
    requester: { accountId: options.requester ?? subject, capacity: options.capacity ?? 'self' },
    ...(options.known ? { identityVerifiedBy: options.known } : {}),
  };
  return openRequest(services(), input);
}

const move = (request: { id: string }, to: RequestState, capacity: Capacity, by = 'acc-officer', extra: Partial<Move> = {}) =>
  moveRequest(services(), { requestId: request.id, to, by, capacity, reason: `to ${to}`, ...extra });

async function refusal(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    for (const code of ['rights_request_transition', 'rights_request_not_found', 'rights_request_already_open'] as const)
      if (isAppError(error, code)) return code;
    throw error;
  }
}

describe('who controls a request, and the steps it takes at once (PRIV-7)', () => {
  it("PRIV-7: a student's request goes to the school, except consent withdrawal and objection (the platform's); anyone else's to the platform", async () => {
    expect((await open('access', { student: true })).controller).toEqual({ kind: 'school', schoolId: 'school-r' });
    expect((await open('erasure', { student: true })).controller).toEqual({ kind: 'school', schoolId: 'school-r' });
    expect((await open('objection', { student: true })).controller).toEqual({ kind: 'platform' });
    expect((await open('consent-withdrawal', { student: true })).controller).toEqual({ kind: 'platform' });
    expect((await open('access')).controller).toEqual({ kind: 'platform' });
  });

  it('PRIV-7: a requester not yet known waits in received, identity pending; one known goes on at once, identity verified', async () => {
    const unknown = await open('access');
    expect(unknown).toMatchObject({ state: 'received', identity: { state: 'pending' }, receivedAt: AT, dueAt: '2026-12-30T10:00:00.000Z' });
    expect(unknown.history).toEqual([{ to: 'received', by: unknown.accountId, capacity: 'self', at: AT, reason: 'access request received' }]);

    const known = await open('export', { known: 'session' });
    expect(known).toMatchObject({ state: 'processing', identity: { state: 'verified', method: 'session' } });
    const by = known.accountId;
    expect(known.history).toEqual([
      { to: 'received', by, capacity: 'self', at: AT, reason: 'export request received' },
      { from: 'received', to: 'verifying', by, capacity: 'self', at: AT, reason: 'identity known: session' },
      { from: 'verifying', to: 'processing', by, capacity: 'self', at: AT, reason: 'the platform is the controller' },
    ]);
  });

  it("PRIV-7: a known parent's request about a student waits for the school; the school's own request is processed at once", async () => {
    const byParent = await open('access', { student: true, capacity: 'parent', requester: 'acc-parent', known: 'parent link' });
    expect(byParent.state).toBe('waiting-for-school');
    expect((byParent.history as unknown[]).at(-1)).toEqual({
      from: 'verifying',
      to: 'waiting-for-school',
      by: 'acc-parent',
      capacity: 'parent',
      at: AT,
      reason: "forwarded to the school, the controller of the student's school data",
    });
    const bySchool = await open('rectification', { student: true, capacity: 'school', requester: 'acc-admin', known: 'school' });
    expect(bySchool.state).toBe('processing');
    expect((bySchool.history as { reason: string }[]).at(-1)!.reason).toBe('made by the controller');
  });

  it('PRIV-7: one open request of a type per person; once it is closed another may be opened', async () => {
    const first = await open('access');
    const subject = first.accountId as string;
    const again = openRequest(services(), {
      subject: { accountId: subject, name: 'M' },
      requestType: 'access',
      requester: { accountId: subject, capacity: 'self' },
    });
    expect(await refusal(again)).toBe('rights_request_already_open');
    await move(first, 'cancelled', 'self', subject);
    const next = await openRequest(services(), {
      subject: { accountId: subject, name: 'M' },
      requestType: 'access',
      requester: { accountId: subject, capacity: 'self' },
    });
    expect(next.state).toBe('received');
    // A slot left behind by a closed request (its release lost), or naming a request that is gone, is taken over.
    const stale = {
      id: queueEntryId(subject, 'access'),
      type: 'rights-queue-entry',
      accountId: QUEUE_PARTITION,
      subjectAccountId: subject,
      requestType: 'access',
    };
    await move(next, 'cancelled', 'self', subject);
    await db.collection('jobs').upsert({ ...stale, requestId: next.id, state: 'received', receivedAt: AT, dueAt: AT });
    const third = await openRequest(services(), {
      subject: { accountId: subject, name: 'M' },
      requestType: 'access',
      requester: { accountId: subject, capacity: 'self' },
    });
    expect((await db.collection('jobs').read<{ id: string; type: string; requestId: string }>(stale.id, QUEUE_PARTITION))!.requestId).toBe(third.id);
    await move(third, 'cancelled', 'self', subject);
    await db.collection('jobs').upsert({ ...stale, requestId: requestIdFor(subject, randomUUID()), state: 'received', receivedAt: AT, dueAt: AT });
    const fourth = await openRequest(services(), {
      subject: { accountId: subject, name: 'M' },
      requestType: 'access',
      requester: { accountId: subject, capacity: 'self' },
    });
    expect((await db.collection('jobs').read<{ id: string; type: string; requestId: string }>(stale.id, QUEUE_PARTITION))!.requestId).toBe(fourth.id);
    // Another type is another slot.
    expect(
      (
        await openRequest(services(), {
          subject: { accountId: subject, name: 'M' },
          requestType: 'export',
          requester: { accountId: subject, capacity: 'self' },
        })
      ).state,
    ).toBe('received');
  });

  it('PRIV-7: a request closing between a new request finding its slot taken and taking it over: the new one still holds the slot', async () => {
    const first = await open('access');
    const subject = first.accountId as string;
    const slotId = queueEntryId(subject, 'access');
    // The first request is cancelled (and frees its slot) just after the second's create found the slot taken.
    let closedInBetween = false;
    const racing = {
      collection: (name: Parameters<Database['collection']>[0]) => {
        const collection = db.collection(name);
        if (name !== 'jobs') return collection;
        return new Proxy(collection, {
          get: (target, key) =>
            key === 'create'
              ? async (doc: Doc) => {
                  try {
                    return await target.create(doc);
                  } catch (error) {
                    if (doc.id === slotId && !closedInBetween) {
                      closedInBetween = true;
                      await move(first, 'cancelled', 'self', subject);
                    }
                    throw error;
                  }
                }
              : Reflect.get(target, key, target),
        });
      },
    } as unknown as Database;
    const second = await openRequest(
      { ...services(), db: racing },
      {
        subject: { accountId: subject, name: 'M' },
        requestType: 'access',
        requester: { accountId: subject, capacity: 'self' },
      },
    );
    expect(closedInBetween).toBe(true);
    expect((await db.collection('jobs').read<{ id: string; type: string; requestId: string }>(slotId, QUEUE_PARTITION))?.requestId).toBe(second.id);
    const third = openRequest(services(), {
      subject: { accountId: subject, name: 'M' },
      requestType: 'access',
      requester: { accountId: subject, capacity: 'self' },
    });
    expect(await refusal(third)).toBe('rights_request_already_open');
  });
});

describe('who may move a request where (PRIV-7)', () => {
  it('PRIV-7: a step not in the table is refused with both states named', async () => {
    const request = await open('access');
    try {
      await move(request, 'processing', 'operator');
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error, 'rights_request_transition')).toBe(true);
      expect((error as { params?: unknown }).params).toEqual({ from: 'received', to: 'processing' });
    }
    expect((await readRequest(services(), request.id))!.state).toBe('received');
  });

  it('PRIV-7: a verified request goes where its controller is: a platform one to processing, a school one to the school', async () => {
    const platform = await open('access');
    await move(platform, 'verifying', 'operator');
    expect(await refusal(move(platform, 'waiting-for-school', 'operator'))).toBe('rights_request_transition');
    const processing = await move(platform, 'processing', 'operator');
    expect(processing.identity).toEqual({ state: 'verified', method: 'checked by operator' });

    const school = await open('access', { student: true });
    await move(school, 'verifying', 'operator');
    expect(await refusal(move(school, 'processing', 'operator'))).toBe('rights_request_transition');
    const waiting = await move(school, 'waiting-for-school', 'operator');
    expect(waiting.identity).toEqual({ state: 'verified', method: 'checked by operator' });
    expect(waiting.schoolDecision).toBeUndefined();

    // The school's own request about its student: the school is the requester, nothing to forward.
    const bySchool = await open('access', { student: true, capacity: 'school', requester: 'acc-admin' });
    await move(bySchool, 'verifying', 'operator');
    expect(await refusal(move(bySchool, 'waiting-for-school', 'operator'))).toBe('rights_request_transition');
    expect((await move(bySchool, 'processing', 'operator')).state).toBe('processing');
  });

  it('PRIV-7: a failed identity check rejects; moves after verification leave the identity as it was', async () => {
    const request = await open('access');
    const verifying = await move(request, 'verifying', 'operator');
    expect(verifying.identity).toEqual({ state: 'pending' });
    // Withdrawn while being verified: the identity was neither confirmed nor refused.
    const withdrawn = await open('access');
    await move(withdrawn, 'verifying', 'operator');
    expect((await move(withdrawn, 'cancelled', 'self', withdrawn.accountId as string)).identity).toEqual({ state: 'pending' });
    const rejected = await move(request, 'rejected', 'operator');
    expect(rejected.identity).toEqual({ state: 'failed', method: 'checked by operator' });

    const known = await open('export', { known: 'session' });
    const done = await move(known, 'done', 'system', 'system');
    expect(done.identity).toEqual({ state: 'verified', method: 'session' });
    expect(done.completion).toEqual({ note: 'to done', by: 'system', at: AT });
    expect(done.updatedAt).toBe(AT);
    expect(done.history.at(-1)).toEqual({ from: 'processing', to: 'done', by: 'system', capacity: 'system', at: AT, reason: 'to done' });
    expect(done.schoolDecision).toBeUndefined();
    // The officer rejecting a request in processing: the identity stays verified, and no school decided anything.
    const rejectedLater = await move(await open('export', { known: 'session' }), 'rejected', 'operator');
    expect(rejectedLater.identity).toEqual({ state: 'verified', method: 'session' });
    expect(rejectedLater.schoolDecision).toBeUndefined();
  });

  it('PRIV-7: only the school decides a forwarded request, once; the officer cannot decide for it; the requester may still withdraw', async () => {
    const approved = await open('access', { student: true, known: 'session' });
    expect(approved.state).toBe('waiting-for-school');
    expect(await refusal(move(approved, 'processing', 'operator'))).toBe('rights_request_transition');
    expect(await refusal(move(approved, 'rejected', 'operator'))).toBe('rights_request_transition');
    const decided = await move(approved, 'processing', 'school', 'acc-admin');
    expect(decided.schoolDecision).toEqual({ outcome: 'approved', by: 'acc-admin', at: AT, reason: 'to processing' });
    expect(decided.completion).toBeUndefined();
    expect(decided.identity).toEqual({ state: 'verified', method: 'session' });
    // Decided once: the school cannot move it again, not even to rejected.
    expect(await refusal(move(approved, 'rejected', 'school', 'acc-admin'))).toBe('rights_request_transition');
    expect((await move(approved, 'done', 'operator')).schoolDecision).toEqual(decided.schoolDecision);

    const refused = await open('erasure', { student: true, known: 'session' });
    expect((await move(refused, 'rejected', 'school', 'acc-admin')).schoolDecision).toEqual({
      outcome: 'refused',
      by: 'acc-admin',
      at: AT,
      reason: 'to rejected',
    });

    const withdrawn = await open('rectification', { student: true, known: 'session' });
    const cancelled = await move(withdrawn, 'cancelled', 'self', withdrawn.accountId as string);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.schoolDecision).toBeUndefined();
    // The school may withdraw a forwarded request too: that is no decision on it.
    const schoolWithdrew = await move(await open('access', { student: true, known: 'session' }), 'cancelled', 'school', 'acc-admin');
    expect(schoolWithdrew.state).toBe('cancelled');
    expect(schoolWithdrew.schoolDecision).toBeUndefined();
  });

  it('PRIV-7: the school acts only on a request waiting for it', async () => {
    const request = await open('access', { student: true });
    expect(await refusal(move(request, 'verifying', 'school', 'acc-admin'))).toBe('rights_request_transition');
    expect(await refusal(move(request, 'cancelled', 'school', 'acc-admin'))).toBe('rights_request_transition');
  });

  it('PRIV-7: a person or parent withdraws only what they asked themselves, and can do nothing else', async () => {
    const own = await open('access');
    const subject = own.accountId as string;
    expect(await refusal(move(own, 'rejected', 'self', subject))).toBe('rights_request_transition');
    expect(await refusal(move(own, 'verifying', 'self', subject))).toBe('rights_request_transition');
    expect(await refusal(move(own, 'cancelled', 'self', 'acc-someone-else'))).toBe('rights_request_transition');
    expect((await move(own, 'cancelled', 'self', subject)).state).toBe('cancelled');

    const byParent = await open('access', { capacity: 'parent', requester: 'acc-parent' });
    expect(await refusal(move(byParent, 'cancelled', 'self', byParent.accountId as string))).toBe('rights_request_transition');
    expect(await refusal(move(byParent, 'rejected', 'parent', 'acc-parent'))).toBe('rights_request_transition');
    expect((await move(byParent, 'cancelled', 'parent', 'acc-parent')).state).toBe('cancelled');

    const byOfficer = await open('access', { capacity: 'operator', requester: 'acc-officer' });
    expect(await refusal(move(byOfficer, 'cancelled', 'self', byOfficer.accountId as string))).toBe('rights_request_transition');
  });

  it("PRIV-7: a move names its request: another subject's id, another school, a malformed id are not found", async () => {
    const request = await open('access', { student: true });
    expect(await refusal(move(request, 'verifying', 'operator', 'acc-officer', { subjectAccountId: 'acc-other' }))).toBe('rights_request_not_found');
    expect(await refusal(move(request, 'verifying', 'operator', 'acc-officer', { schoolId: 'school-other' }))).toBe('rights_request_not_found');
    const platform = await open('access');
    expect(await refusal(move(platform, 'verifying', 'operator', 'acc-officer', { schoolId: 'school-r' }))).toBe('rights_request_not_found');
    expect(
      await refusal(moveRequest(services(), { requestId: 'rights-request:acc-x:nope', to: 'verifying', by: 'a', capacity: 'operator', reason: 'r' })),
    ).toBe('rights_request_not_found');
    expect(
      await move(request, 'verifying', 'operator', 'acc-officer', { subjectAccountId: request.accountId as string, schoolId: 'school-r' }),
    ).toMatchObject({
      state: 'verifying',
    });
  });

  it('PRIV-7: the due date is the extension’s when there is one', () => {
    expect(effectiveDueAt({ dueAt: 'a' })).toBe('a');
    expect(effectiveDueAt({ dueAt: 'a', extension: { dueAt: 'b', reason: 'r', at: 'x', by: 'y' } })).toBe('b');
  });
});
