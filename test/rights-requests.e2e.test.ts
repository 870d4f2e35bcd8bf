import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import type { LocalHost } from '../shared/local/host.js';
import { startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { fulfilmentOf, type RightsRequestDoc } from '../shared/rights/index.js';
import { client } from './learning-fixtures.js';

/**
 * PRIV-7 data-subject requests and PRIV-1 the what-we-hold view, on a host of this file's own: the clock moves 30 days
 * for the escalation, which the shared host's other files must not see.
 */
const S = demo.schools;
const A = demo.accounts;
const DAY = 86_400_000;

let host: LocalHost;
let call: ReturnType<typeof client>;

/** An adult student with a parent link confirmed on both sides (ACC-3), written as the links leave the accounts. */
const adultChild = 'acc-rights-adult-child';
const parentOfAdult = 'acc-rights-parent-of-adult';

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  call = client(host);
  const at = host.clock.now().toISOString();
  const base = { type: 'account' as const, language: 'en' as const, country: 'EE' as const, status: 'active' as const, createdAt: at, updatedAt: at };
  const link = { schoolId: S.ee, linkId: `parent-link:${parentOfAdult}:${adultChild}` };
  const accounts = host.services.db.collection('accounts');
  await accounts.upsert<AccountDoc>({
    ...base,
    id: adultChild,
    accountId: adultChild,
    firstName: 'Aadu',
    lastName: 'Adult',
    email: 'aadu@example.com',
    birthDate: '2000-01-01',
    schoolRoles: [{ schoolId: S.ee, role: 'student', classId: demo.classes.ee5a }],
    parents: [{ accountId: parentOfAdult, ...link }],
  });
  await accounts.upsert<AccountDoc>({
    ...base,
    id: parentOfAdult,
    accountId: parentOfAdult,
    firstName: 'Vana',
    lastName: 'Vanem',
    email: 'vana@example.com',
    children: [{ accountId: adultChild, ...link }],
  });
});
afterAll(async () => host?.close());

const mailsTo = async (to: string, subject: RegExp) => {
  await host.bus.idle();
  return host.outbox.messages.filter((m) => m.to === to && subject.test(m.subject));
};
const followUp = async () => {
  await host.timers.fire('rights-followup');
  await host.bus.idle();
};
const emailOf = async (accountId: string) => (await host.services.db.collection('accounts').read<AccountDoc>(accountId, accountId))!.email!;

describe('PRIV-7: a request about a child goes to the school', () => {
  let requestId: string;

  it("PRIV-7: a parent's erasure request about their child under 18 waits for the child's school, due in 30 days", async () => {
    const made = await call(A.eeParent, 'POST', `children/${A.eeStudent}/privacy/requests`, {
      requestType: 'erasure',
      details: 'Please erase the notes',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    requestId = made.body.id;
    expect(made.body).toMatchObject({
      requestType: 'erasure',
      state: 'waiting-for-school',
      subjectAccountId: A.eeStudent,
      requester: { capacity: 'parent' },
      identity: { state: 'verified' },
      controller: { kind: 'school', schoolId: S.ee },
      escalated: false,
    });
    expect(new Date(made.body.dueAt).getTime() - new Date(made.body.receivedAt).getTime()).toBe(30 * DAY);
    expect(made.body.history.map((h: { to: string }) => h.to)).toEqual(['received', 'verifying', 'waiting-for-school']);
    expect(made.body.history.every((h: { capacity: string; reason: string }) => h.capacity === 'parent' && h.reason.length > 0)).toBe(true);
  });

  it("PRIV-7: the school's administrator sees it in the school's list and is told by e-mail once; another school's administrator sees nothing", async () => {
    const list = await call(A.eeAdmin, 'GET', `schools/${S.ee}/privacy/requests?state=waiting-for-school`);
    expect(list.status).toBe(200);
    expect(list.body.requests).toContainEqual(
      expect.objectContaining({
        requestId,
        subjectAccountId: A.eeStudent,
        subjectName: 'Mihkel Saar',
        details: 'Please erase the notes',
        requesterCapacity: 'parent',
        state: 'waiting-for-school',
      }),
    );
    await followUp();
    await followUp();
    expect(await mailsTo(await emailOf(A.eeAdmin), /forwarded|edastati|välitettiin/)).toHaveLength(1);
    // Helena administers Koivula (FI): its list does not have Kuusiku's request, and Kuusiku's list is closed to her.
    const other = await call(A.twoSchools, 'GET', `schools/${S.fi}/privacy/requests`);
    expect(other.status).toBe(200);
    expect(other.body.requests.map((r: { requestId: string }) => r.requestId)).not.toContain(requestId);
    expect((await call(A.twoSchools, 'GET', `schools/${S.ee}/privacy/requests`)).status).toBe(403);
    const decidedElsewhere = await call(A.twoSchools, 'POST', `schools/${S.fi}/privacy/requests/${encodeURIComponent(requestId)}/decision`, {
      outcome: 'approve',
    });
    expect(decidedElsewhere.status).toBe(404);
    expect(decidedElsewhere.body.error.code).toBe('rights_request_not_found');
  });

  it('PRIV-7: the privacy officer cannot decide for the school: processing from waiting-for-school is 409', async () => {
    const moved = await call(A.privacyOfficer, 'POST', `ops/privacy/requests/${A.eeStudent}/${encodeURIComponent(requestId)}/transitions`, {
      to: 'processing',
      reason: 'looks fine',
    });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('rights_request_transition');
  });

  it('PRIV-7: the administrator approves; the parent and the child see where it stands, the parent is told', async () => {
    const approved = await call(A.eeAdmin, 'POST', `schools/${S.ee}/privacy/requests/${encodeURIComponent(requestId)}/decision`, {
      outcome: 'approve',
      reason: 'The school agrees',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ state: 'processing', schoolDecision: { outcome: 'approved', reason: 'The school agrees' } });
    const parentView = await call(A.eeParent, 'GET', `children/${A.eeStudent}/privacy/requests`);
    expect(parentView.body.requests.find((r: { id: string }) => r.id === requestId)).toMatchObject({
      state: 'processing',
      schoolDecision: { outcome: 'approved' },
    });
    const childView = await call(A.eeStudent, 'GET', `me/privacy/requests/${encodeURIComponent(requestId)}`);
    expect(childView.status).toBe(200);
    expect(childView.body.history.at(-1)).toMatchObject({ from: 'waiting-for-school', to: 'processing', capacity: 'school' });
    expect(await mailsTo('tiina.saar@example.com', /taotlus/)).not.toHaveLength(0);
    const schoolList = await call(A.eeAdmin, 'GET', `schools/${S.ee}/privacy/requests`);
    expect(schoolList.body.requests.find((r: { requestId: string }) => r.requestId === requestId).state).toBe('processing');
  });

  it('PRIV-7: deciding again is 409; the officer completes it with a note; cancelling a done request is 409', async () => {
    const again = await call(A.eeAdmin, 'POST', `schools/${S.ee}/privacy/requests/${encodeURIComponent(requestId)}/decision`, {
      outcome: 'refuse',
      reason: 'changed our mind',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('rights_request_transition');
    const done = await call(A.privacyOfficer, 'POST', `ops/privacy/requests/${A.eeStudent}/${encodeURIComponent(requestId)}/complete`, {
      note: 'Notes erased by hand',
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ state: 'done', completion: { note: 'Notes erased by hand' } });
    expect(done.body.history.at(-1)).toMatchObject({ from: 'processing', to: 'done', by: A.privacyOfficer, capacity: 'operator' });
    const cancel = await call(A.eeStudent, 'POST', `me/privacy/requests/${encodeURIComponent(requestId)}/cancel`, {});
    expect(cancel.status).toBe(409);
    const queue = await call(A.privacyOfficer, 'GET', 'ops/privacy/requests');
    expect(queue.body.requests.map((r: { requestId: string }) => r.requestId)).not.toContain(requestId);
  });
});

describe('PRIV-7: who may ask, and one open request of a type', () => {
  it('PRIV-7: a parent of an adult child is refused (403), and so is the what-we-hold view of that child', async () => {
    const refused = await call(parentOfAdult, 'POST', `children/${adultChild}/privacy/requests`, { requestType: 'access' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await call(parentOfAdult, 'GET', `children/${adultChild}/privacy/data`)).status).toBe(403);
  });

  it('PRIV-7: a second open request of the same type about the same person is 409; after withdrawing, a new one opens', async () => {
    const first = await call(A.privateUser, 'POST', 'me/privacy/requests', { requestType: 'export' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ state: 'processing', controller: { kind: 'platform' } });
    const second = await call(A.privateUser, 'POST', 'me/privacy/requests', { requestType: 'export' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('rights_request_already_open');
    // Another type is its own slot.
    expect((await call(A.privateUser, 'POST', 'me/privacy/requests', { requestType: 'other', details: 'A question' })).status).toBe(201);
    const cancelled = await call(A.privateUser, 'POST', `me/privacy/requests/${encodeURIComponent(first.body.id)}/cancel`, {});
    expect(cancelled.status).toBe(409); // processing is past the point where the person withdraws alone
    const done = await call(A.privacyOfficer, 'POST', `ops/privacy/requests/${A.privateUser}/${encodeURIComponent(first.body.id)}/complete`, {
      note: 'Export sent',
    });
    expect(done.status).toBe(200);
    expect((await call(A.privateUser, 'POST', 'me/privacy/requests', { requestType: 'export' })).status).toBe(201);
  });

  it('PRIV-7: a slot left by a request that was never written (a crash between the two writes) is taken over', async () => {
    await host.services.db.collection('jobs').upsert({
      id: `rights-open:${A.municipality}:access`,
      type: 'rights-queue-entry',
      accountId: 'rights-queue',
      requestId: `rights-request:${A.municipality}:00000000-0000-4000-8000-000000000000`,
      subjectAccountId: A.municipality,
      requestType: 'access',
      state: 'processing',
      receivedAt: host.clock.now().toISOString(),
      dueAt: host.clock.now().toISOString(),
    });
    const made = await call(A.municipality, 'POST', 'me/privacy/requests', { requestType: 'access' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await call(A.municipality, 'POST', 'me/privacy/requests', { requestType: 'access' })).status).toBe(409);
  });

  it('PRIV-7: a child cannot withdraw the request their parent made (409); the parent who made it can', async () => {
    const made = await call(A.teacherParent, 'POST', `children/${A.eeStudent2}/privacy/requests`, { requestType: 'access' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const byChild = await call(A.eeStudent2, 'POST', `me/privacy/requests/${encodeURIComponent(made.body.id)}/cancel`, {});
    expect(byChild.status).toBe(409);
    expect(byChild.body.error.code).toBe('rights_request_transition');
    // Another parent's withdrawal is refused at the door; the parent who asked withdraws it.
    expect((await call(A.eeParent, 'POST', `children/${A.eeStudent2}/privacy/requests/${encodeURIComponent(made.body.id)}/cancel`, {})).status).toBe(
      403,
    );
    const byParent = await call(A.teacherParent, 'POST', `children/${A.eeStudent2}/privacy/requests/${encodeURIComponent(made.body.id)}/cancel`, {});
    expect(byParent.status, JSON.stringify(byParent.body)).toBe(200);
    expect(byParent.body.history.at(-1)).toMatchObject({ from: 'waiting-for-school', to: 'cancelled', capacity: 'parent' });
  });

  it("PRIV-7: someone else's request is 404 on my routes, and a parent sees only their own child's", async () => {
    const mine = await call(A.eeStudent2, 'POST', 'me/privacy/requests', { requestType: 'rectification', details: 'My class is wrong' });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    const id = encodeURIComponent(mine.body.id);
    expect((await call(A.eeStudent, 'GET', `me/privacy/requests/${id}`)).status).toBe(404);
    expect((await call(A.eeStudent, 'POST', `me/privacy/requests/${id}/cancel`, {})).status).toBe(404);
    expect((await call(A.eeParent, 'GET', `children/${A.eeStudent2}/privacy/requests`)).status).toBe(403);
    expect((await call(A.eeStudent, 'GET', `ops/privacy/requests`)).status).toBe(403);
    expect((await call(A.supportStaff, 'GET', `ops/privacy/requests`)).status).toBe(403);
    expect((await call(A.privacyOfficer, 'GET', `ops/privacy/requests/${A.eeStudent}/${id}`)).status).toBe(404);
    // The student withdraws their own request while it waits for the school.
    const withdrawn = await call(A.eeStudent2, 'POST', `me/privacy/requests/${id}/cancel`, { reason: 'Sorted out with the teacher' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.state).toBe('cancelled');
  });

  it('PRIV-7: a request that came by letter waits for verification; bad steps are 409; the officer verifies, extends (at most 60 days) and the requester is told', async () => {
    const made = await call(A.privacyOfficer, 'POST', `ops/privacy/requests/${A.fiTeacher}`, {
      requestType: 'access',
      receivedVia: 'letter',
      contact: { email: 'aino.letter@example.com', language: 'fi' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({
      state: 'received',
      identity: { state: 'pending' },
      requester: { capacity: 'operator', receivedVia: 'letter' },
    });
    const path = `ops/privacy/requests/${A.fiTeacher}/${encodeURIComponent(made.body.id)}`;
    const skip = await call(A.privacyOfficer, 'POST', `${path}/transitions`, { to: 'processing', reason: 'skip the check' });
    expect(skip.status).toBe(409);
    expect((await call(A.privacyOfficer, 'POST', `${path}/complete`, { note: 'too early' })).status).toBe(409);
    expect((await call(A.privacyOfficer, 'POST', `${path}/transitions`, { to: 'verifying', reason: 'identity check' })).status).toBe(200);
    const toSchool = await call(A.privacyOfficer, 'POST', `${path}/transitions`, { to: 'waiting-for-school', reason: 'not a student' });
    expect(toSchool.status).toBe(409);
    const verified = await call(A.privacyOfficer, 'POST', `${path}/transitions`, { to: 'processing', reason: 'signature checked' });
    expect(verified.status).toBe(200);
    expect(verified.body.identity.state).toBe('verified');
    const extended = await call(A.privacyOfficer, 'POST', `${path}/extension`, { days: 40, reason: 'Archive data must be fetched' });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    expect(new Date(extended.body.dueAt).getTime() - new Date(made.body.dueAt).getTime()).toBe(40 * DAY);
    expect(extended.body.extension.reason).toBe('Archive data must be fetched');
    const tooLong = await call(A.privacyOfficer, 'POST', `${path}/extension`, { days: 21, reason: 'more' });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error.code).toBe('rights_extension_too_long');
    const told = await mailsTo('aino.letter@example.com', /määräaikaa jatkettiin/);
    expect(told).toHaveLength(1);
    // OPS-3: the contact had no country; the subject's (Aino, Finland) picks the Finnish sender and footer.
    expect(told[0]).toMatchObject({ country: 'FI', language: 'fi', fromName: 'Opiq (E-Oppi Oy)' });
    expect(told[0]!.text).toContain('Palvelun tarjoaa E-Oppi Oy');
  });
});

describe('OPS-3: follow-ups read as the country they are about', () => {
  it("OPS-3, PRIV-7: a Finnish school's administrator is told of a forwarded request from the Finnish sender with the Finnish footer, in her own language", async () => {
    const made = await call(A.fiStudent, 'POST', 'me/privacy/requests', { requestType: 'rectification', details: 'Nimeni on väärin' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.state).toBe('waiting-for-school');
    await followUp();
    // Helena's own account is Estonian (language et); the request is about Koivula (FI), so its country decides.
    const told = await mailsTo(await emailOf(A.twoSchools), /edastati/);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ country: 'FI', language: 'et', fromName: 'Opiq (E-Oppi Oy)' });
    expect(told[0]!.text).toContain('Teenust osutab E-Oppi Oy');
  });
});

describe('PRIV-7: fulfilment by the part that owns the type', () => {
  it('PRIV-7: a type with a registered fulfiller is carried out when it reaches processing; one without stays for the officer', async () => {
    // Registered by the composition root (functions/index.ts): the consents part restricts the account (PRIV-4).
    expect(fulfilmentOf('restriction')).toBeDefined();
    expect(fulfilmentOf('access')).toBeUndefined();
    const made = await call(A.cmsEditor, 'POST', 'me/privacy/requests', { requestType: 'restriction' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.state).toBe('processing');
    // Carried out by the rights-fulfilment queue, outside the route's budget.
    await host.bus.idle();
    const now = await call(A.cmsEditor, 'GET', `me/privacy/requests/${encodeURIComponent(made.body.id)}`);
    expect(now.body).toMatchObject({ state: 'done', completion: { note: expect.stringMatching(/^Processing restricted/) } });
    expect(now.body.history.at(-1)).toMatchObject({ from: 'processing', to: 'done', capacity: 'system' });
    const unfulfilled = await call(A.cmsEditor, 'POST', 'me/privacy/requests', { requestType: 'access' });
    await host.bus.idle();
    expect((await call(A.cmsEditor, 'GET', `me/privacy/requests/${encodeURIComponent(unfulfilled.body.id)}`)).body.state).toBe('processing');
  });
});

describe('PRIV-1: what the platform holds about me', () => {
  it('PRIV-1: per category purpose, lawful basis, retention, sources and recipients, in the asked language, with what is held', async () => {
    // The first view asks the queue to count (issue 11): the texts at once, every count null until it is made.
    const first = await call(A.eeStudent, 'GET', 'me/privacy/data', undefined, { 'accept-language': 'en' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.preparing).toBe(true);
    expect(first.body.categories.find((c: { category: string }) => c.category === 'support').holdsData).toBeNull();
    await host.bus.idle();
    const view = await call(A.eeStudent, 'GET', 'me/privacy/data', undefined, { 'accept-language': 'en' });
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body.preparing).toBeUndefined();
    expect(Date.parse(view.body.countedAt)).toBeLessThanOrEqual(host.clock.now().getTime());
    const identification = view.body.categories.find((c: { category: string }) => c.category === 'identification');
    expect(identification).toMatchObject({ name: 'Identification', holdsData: true });
    expect(identification.lawfulBases.map((b: { basis: string }) => b.basis)).toContain('contract');
    expect(identification.sources.map((s: { source: string }) => s.source)).toEqual(['person', 'school', 'identity-provider']);
    expect(identification.recipients).toContain('microsoft-azure');
    expect(view.body.controllers.schools).toEqual([S.ee]);
    // Support requests: none for Mihkel in his own partition, counted (false), not guessed.
    expect(view.body.categories.find((c: { category: string }) => c.category === 'support').holdsData).toBe(false);
    // Learning lives in the school's partition: counted there as the export finds it (issue 12: it was null).
    const learning = view.body.categories.find((c: { category: string }) => c.category === 'learning');
    expect(typeof learning.holdsData).toBe('boolean');
    expect(learning.documentTypes.every((d: { count: number | null }) => typeof d.count === 'number')).toBe(true);
    expect(view.body.counted).toEqual(expect.arrayContaining(['accounts', 'schools', 'history']));
    const processors = view.body.processors.map((p: { id: string }) => p.id);
    expect(processors).toEqual(expect.arrayContaining(['microsoft-azure', 'sendgrid', 'maksekeskus', 'agileworks', 'elastic', 'confluent']));
    expect(processors).not.toContain('google'); // not linked
    expect(processors).not.toContain('e-oppi'); // Estonian account
    expect(view.body.processors.find((p: { id: string }) => p.id === 'sendgrid').country).toBe('US');
  });

  it('PRIV-1: in Finnish for a Finnish user, with E-Oppi Oy in Finland; a parent sees their child under 18', async () => {
    const fi = await call(A.fiStudent, 'GET', 'me/privacy/data', undefined, { 'accept-language': 'fi' });
    expect(fi.status).toBe(200);
    expect(fi.body.language).toBe('fi');
    expect(fi.body.categories.find((c: { category: string }) => c.category === 'contact').name).toBe('Yhteystiedot');
    expect(fi.body.processors.find((p: { id: string }) => p.id === 'e-oppi')).toMatchObject({ country: 'FI' });
    const child = await call(A.eeParent, 'GET', `children/${A.eeStudent}/privacy/data`, undefined, { 'accept-language': 'et' });
    expect(child.status).toBe(200);
    expect(child.body.accountId).toBe(A.eeStudent);
    expect(child.body.categories.find((c: { category: string }) => c.category === 'identification').name).toBe('Isikut tuvastavad andmed');
  });
});

describe('PRIV-7: reminders and escalation under the local clock', () => {
  it('PRIV-7: a reminder 7 days before the due date is sent once even if the timer runs twice; on day 31 the request is escalated and first in the queue', async () => {
    const officerEmail = await emailOf(A.privacyOfficer);
    const late = await call(A.eeTeacher, 'POST', 'me/privacy/requests', { requestType: 'rectification', details: 'Wrong subject' });
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    host.clock.advance(2 * DAY);
    const later = await call(A.cmsAuthor, 'POST', 'me/privacy/requests', { requestType: 'other', details: 'A later question' });
    expect(later.status).toBe(201);

    // Every open request due soon is reminded of (the e-mails name no one), so count the officer's mails per run.
    const reminders = async () => (await mailsTo(officerEmail, /tähtaeg läheneb/)).length;
    const stored = async () => (await host.services.db.collection('jobs').read<RightsRequestDoc>(late.body.id, A.eeTeacher))!;
    host.clock.advance(20 * DAY); // day 22 of the first: not yet 7 days before (older requests of this file may be)
    await followUp();
    const before = await reminders();
    expect((await stored()).followUp.remindedAt).toBeUndefined();
    host.clock.advance(2 * DAY + 60_000); // day 24 and a minute
    await followUp();
    const reminded = await reminders();
    expect(reminded).toBeGreaterThan(before);
    expect((await stored()).followUp.remindedAt).toBeDefined();
    await followUp();
    expect(await reminders()).toBe(reminded);

    host.clock.advance(6 * DAY + 60_000); // past day 30 of the first, day 28 of the second
    await followUp();
    const escalations = (await mailsTo(officerEmail, /möödas/)).length;
    expect(escalations).toBeGreaterThan(0);
    await followUp();
    expect((await mailsTo(officerEmail, /möödas/)).length).toBe(escalations);
    expect((await stored()).escalatedAt).toBeDefined();
    const queue = await call(A.privacyOfficer, 'GET', 'ops/privacy/requests');
    expect(queue.status).toBe(200);
    const ids = queue.body.requests.map((r: { requestId: string }) => r.requestId);
    expect(ids.indexOf(late.body.id)).toBeLessThan(ids.indexOf(later.body.id));
    const first = queue.body.requests.find((r: { requestId: string }) => r.requestId === late.body.id);
    expect(first.escalated).toBe(true);
    expect(queue.body.requests.find((r: { requestId: string }) => r.requestId === later.body.id).escalated).toBe(false);
    for (const r of queue.body.requests.slice(0, ids.indexOf(late.body.id))) expect(r.escalated, r.requestId).toBe(true);
    const mineNow = await call(A.eeTeacher, 'GET', `me/privacy/requests/${encodeURIComponent(late.body.id)}`);
    expect(mineNow.body.escalated).toBe(true);
  });
});
