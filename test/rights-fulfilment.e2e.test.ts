import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { type AccountClosureDoc, consentPurposes, maySendMarketing } from '../shared/consents/index.js';
import type { LocalHost } from '../shared/local/host.js';
import { startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { Services } from '../shared/platform/services.js';
import { fulfilmentOf, moveRequest, openRequest, projectWithdrawal, readRequest, withdrawablePurposes } from '../shared/rights/index.js';
import { client } from './learning-fixtures.js';

/**
 * Issue 12: data-subject requests carried out when they reach processing (PRIV-7 with PRIV-4, PRIV-6, PRIV-8), on a
 * host of this file's own: it restricts and closes seeded accounts.
 */
const A = demo.accounts;
const S = demo.schools;

let host: LocalHost;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  call = client(host);
});
afterAll(async () => host?.close());

const account = async (id: string) => (await host.services.db.collection('accounts').read<AccountDoc>(id, id))!;
const eventsOf = (id: string) => host.services.db.collection('events').queryAll<{ kind: string }>(id, {});
const requestPath = (subject: string, id: string) => `ops/privacy/requests/${subject}/${encodeURIComponent(id)}`;

/** A request that came by letter: the privacy officer records it, checks who asked, and sends it on. */
async function letterRequest(subject: string, json: Record<string, unknown>, email: string): Promise<string> {
  const made = await call(A.privacyOfficer, 'POST', `ops/privacy/requests/${subject}`, {
    ...json,
    receivedVia: 'letter',
    contact: { email, language: 'en' },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  expect(made.body.state).toBe('received');
  for (const to of ['verifying', 'processing']) {
    const moved = await call(A.privacyOfficer, 'POST', `${requestPath(subject, made.body.id)}/transitions`, { to, reason: 'identity checked' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  }
  await host.bus.idle();
  return made.body.id;
}

const officerRead = async (subject: string, id: string) => (await call(A.privacyOfficer, 'GET', requestPath(subject, id))).body;

async function searchAndSettle(accountId: string): Promise<void> {
  expect((await call(accountId, 'GET', 'catalog/search?q=matem')).status).toBe(200);
  await host.bus.idle();
}

describe('PRIV-7 with PRIV-4: restriction and objection requests', () => {
  it('PRIV-4, PRIV-7: a restriction request verified by the officer and processed restricts the person: usage events stop; done with a note, the requester told; recorded as decided by the officer on that request', async () => {
    const subject = A.cmsAuthor;
    const before = (await eventsOf(subject)).length;
    await searchAndSettle(subject);
    expect(await eventsOf(subject)).toHaveLength(before + 1);

    const id = await letterRequest(subject, { requestType: 'restriction' }, 'anu.letter@example.com');
    const request = await officerRead(subject, id);
    expect(request).toMatchObject({ state: 'done', completion: { note: expect.stringMatching(/restricted/) } });
    expect(request.history.at(-1)).toMatchObject({ from: 'processing', to: 'done', capacity: 'system' });
    expect((await account(subject)).processing?.restrictedAt).toEqual(expect.any(String));
    // Recorded as the request's, decided by the privacy officer (not as the person's own change in the settings).
    expect((await account(subject)).processing).toMatchObject({ updatedBy: A.privacyOfficer });
    const changes = await host.services.db
      .collection('accounts')
      .queryAll<Record<string, unknown>>(subject, { where: "c.type = 'processing-event'" });
    expect(changes).toEqual([expect.objectContaining({ by: A.privacyOfficer, as: 'request', channel: 'request', requestId: id })]);
    const seen = await call(subject, 'GET', 'me/privacy/processing/history');
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    expect(JSON.stringify(seen.body)).toContain('"channel":"request"');

    await searchAndSettle(subject);
    expect(await eventsOf(subject)).toHaveLength(before + 1);
    const mails = host.outbox.messages.filter((m) => m.to === 'anu.letter@example.com').map((m) => m.subject);
    expect(mails).toContain('Your data-subject request: done');
  });

  it('PRIV-4, PRIV-7: a repeated transition or message changes nothing: the request stays done, the restriction keeps its start', async () => {
    const subject = A.cmsAuthor;
    const [done] = (await call(subject, 'GET', 'me/privacy/requests')).body.requests;
    const before = await officerRead(subject, done.id);
    const restrictedAt = (await account(subject)).processing?.restrictedAt;

    const again = await call(A.privacyOfficer, 'POST', `${requestPath(subject, done.id)}/transitions`, { to: 'processing', reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('rights_request_transition');
    // The same message delivered again (a redelivery after a lost settle), and the fulfiller run again directly.
    await host.services.bus.send('rights-fulfilment', { body: { requestId: done.id }, messageId: `again:${done.id.slice(-36)}` });
    await host.bus.idle();
    const stored = (await readRequest(host.services, done.id))!;
    await fulfilmentOf('restriction')!(host.services, { ...stored, state: 'processing' });

    expect(await officerRead(subject, done.id)).toEqual(before);
    expect((await account(subject)).processing?.restrictedAt).toBe(restrictedAt);
  });

  it('PRIV-4, PRIV-7, MKT-1: an objection to direct marketing makes maySendMarketing false whatever the consent; other objections untouched', async () => {
    const subject = A.cmsEditor;
    expect((await call(subject, 'POST', 'me/consents', { purpose: 'newsletter', given: true })).status).toBe(200);
    expect(maySendMarketing(await account(subject), host.clock.now())).toBe(true);

    const made = await call(subject, 'POST', 'me/privacy/requests', { requestType: 'objection', scope: { objections: ['directMarketing'] } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ state: 'processing', scope: { objections: ['directMarketing'] } });
    await host.bus.idle();

    const after = await account(subject);
    expect(maySendMarketing(after, host.clock.now())).toBe(false);
    expect(after.consents?.newsletter?.given).toBe(true);
    expect(after.processing?.objections).toEqual({ directMarketing: expect.any(String) });
    const now = await call(subject, 'GET', `me/privacy/requests/${encodeURIComponent(made.body.id)}`);
    expect(now.body).toMatchObject({ state: 'done', completion: { note: 'Objection recorded: directMarketing.' } });
  });

  it('PRIV-4, PRIV-7: an objection that does not say to what waits for the officer; a scope naming an unknown objection is 422 with the envelope', async () => {
    const bad = await call(A.fiTeacher, 'POST', 'me/privacy/requests', { requestType: 'objection', scope: { objections: ['profiling'] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toEqual(expect.any(String));
    const vague = await call(A.fiTeacher, 'POST', 'me/privacy/requests', { requestType: 'objection', details: 'I object' });
    expect(vague.status).toBe(201);
    await host.bus.idle();
    expect((await call(A.fiTeacher, 'GET', `me/privacy/requests/${encodeURIComponent(vague.body.id)}`)).body.state).toBe('processing');
    expect((await account(A.fiTeacher)).processing).toBeUndefined();
  });
});

describe('PRIV-7 with PRIV-6: consent withdrawal by request', () => {
  it('PRIV-6: the purposes a request may name are the consents catalogue', () => {
    expect([...withdrawablePurposes]).toEqual([...consentPurposes]);
  });

  it('PRIV-6, PRIV-7: a consent-withdrawal request withdraws the named consent with channel request in the history; the other stays; a repeat records nothing', async () => {
    const subject = A.eeParent;
    for (const purpose of ['newsletter', 'productResearch'])
      expect((await call(subject, 'POST', 'me/consents', { purpose, given: true })).status).toBe(200);

    const made = await call(subject, 'POST', 'me/privacy/requests', { requestType: 'consent-withdrawal', scope: { purposes: ['newsletter'] } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await host.bus.idle();

    const after = await account(subject);
    expect(after.consents?.newsletter).toMatchObject({ given: false, channel: 'request' });
    expect(after.consents?.productResearch).toMatchObject({ given: true, channel: 'settings' });
    const history = await call(subject, 'GET', 'me/consents/history');
    const events = history.body.events.map((e: { purpose: string; given: boolean; channel: string }) => `${e.purpose}:${e.given}:${e.channel}`);
    expect(events[0]).toBe('newsletter:false:request');
    expect((await call(subject, 'GET', `me/privacy/requests/${encodeURIComponent(made.body.id)}`)).body.state).toBe('done');

    const request = (await readRequest(host.services, made.body.id))!;
    await fulfilmentOf('consent-withdrawal')!(host.services, { ...request, state: 'processing' });
    expect((await call(subject, 'GET', 'me/consents/history')).body.events).toHaveLength(events.length);
  });
});

describe('PRIV-7 with PRIV-8: account closure by request', () => {
  it('PRIV-8, PRIV-7: an account-closure request for a private user, verified by the privacy officer, closes the account', async () => {
    const subject = A.privateUser;
    const id = await letterRequest(subject, { requestType: 'account-closure' }, 'peeter.letter@example.com');
    const closed = await account(subject);
    expect(closed.status).toBe('closed');
    expect(closed.closure).toMatchObject({ as: 'self', by: A.privacyOfficer });
    expect(await host.services.db.collection('jobs').read<AccountClosureDoc>(`account-closure:${subject}`, subject)).toBeDefined();
    expect(await officerRead(subject, id)).toMatchObject({ state: 'done', completion: { note: 'Account closed.' } });
  });

  it("PRIV-8, PRIV-7: a student's closure is the school's decision: the administrator's request closes the account as the school", async () => {
    const made = await call(A.eeAdmin, 'POST', `schools/${S.ee}/privacy/requests`, {
      subjectAccountId: A.eeStudent2,
      requestType: 'account-closure',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await host.bus.idle();
    expect((await account(A.eeStudent2)).closure).toMatchObject({ as: 'school', schoolId: S.ee, by: A.eeAdmin });
  });

  it('PRIV-8, PRIV-7: a closure request made only with a session is not re-authentication: it waits for the officer and the account stays open', async () => {
    const made = await call(A.municipality, 'POST', 'me/privacy/requests', { requestType: 'account-closure' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await host.bus.idle();
    expect((await call(A.municipality, 'GET', `me/privacy/requests/${encodeURIComponent(made.body.id)}`)).body.state).toBe('processing');
    expect((await account(A.municipality)).status).toBe('active');
  });
});

describe('PRIV-7: one open request of a type per person, under a race', () => {
  it("PRIV-7: closing a request frees only its own slot: a new request that took the slot over before the close's delete keeps it", async () => {
    const subject = 'acc-rights-race';
    const base = { subject: { accountId: subject, name: 'Race Subject' }, requestType: 'other' as const };
    const old = await openRequest(host.services, { ...base, requester: { accountId: subject, capacity: 'self' } });
    let newer: string | undefined;
    // The old request is already cancelled when its close reaches the slot: a new request takes the slot over first.
    const jobs = host.services.db.collection('jobs');
    const racingJobs = new Proxy(jobs, {
      get(target, property) {
        if (property === 'delete')
          return async (id: string, partitionKey: string, options?: { ifMatch?: string }) => {
            newer ??= (await openRequest(host.services, { ...base, requester: { accountId: subject, capacity: 'self' } })).id;
            return target.delete(id, partitionKey, options);
          };
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const racing: Services = {
      ...host.services,
      db: { ...host.services.db, collection: (name) => (name === 'jobs' ? racingJobs : host.services.db.collection(name)) },
    };
    await moveRequest(host.services, { requestId: old.id, to: 'cancelled', by: subject, capacity: 'self', reason: 'changed my mind' });
    // A withdrawal frees the slot queued (issue 11): the race is the queued close's delete against the new request.
    await projectWithdrawal(racing, old.id);

    expect(newer).toBeDefined();
    const slot = await jobs.read<{ id: string; type: string; requestId: string }>(`rights-open:${subject}:other`, 'rights-queue');
    expect(slot?.requestId).toBe(newer);
    // The slot still holds: a third request of the type is refused.
    await expect(openRequest(host.services, { ...base, requester: { accountId: subject, capacity: 'self' } })).rejects.toMatchObject({
      code: 'rights_request_already_open',
    });
  });
});
