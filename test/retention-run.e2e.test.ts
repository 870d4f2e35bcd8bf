import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { type AccountClosureDoc, maySendMarketing } from '../shared/consents/index.js';
import { readErasureEvidence } from '../shared/erasure/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { client } from './learning-fixtures.js';

/**
 * Issue 13 "Done means": an 8-year run (January 2027 to January 2035) on a host of this file's own, under its
 * adjustable clock (which also stamps Cosmos' _ts, so TTLs count from the moved clock) and the TTL sweeper. People of
 * every kind are made through the real routes (password sign-up, invitation, searches, consents, closure by the
 * school, an erasure request); only the order and the answer are written straight into the store (paying needs the
 * Maksekeskus stand-in, answering a task a published work and a journal, neither is what this run is about).
 *
 * The clock jumps from stop to stop: the days things happen, and for every category its due day minus one day
 * (still there), a couple of hours after it, and one day after it (gone). At every stop the retention timers run,
 * the queues drain and the TTL sweeper sweeps. Due days come from the rules in REQUIREMENTS.md (RET-1..9), computed
 * here with plain date arithmetic, not from the registry's day counts or the code under test.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const A = demo.accounts;
const SCHOOL = demo.schools.ee;

// --- the rules (REQUIREMENTS.md RET-1..9), as plain date arithmetic ---
/** Five calendar years later (RET-2, RET-4, RET-7, RET-8); 29 February goes to 28 February. */
function fiveYearsAfter(at: Date): Date {
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCFullYear(d.getUTCFullYear() + 5);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}
/** RET-3: 7 years plus the running financial (calendar) year: the end of the year of the record, plus 7 years. */
const accountingHoldEnds = (at: Date) => new Date(Date.UTC(at.getUTCFullYear() + 8, 0, 1));
/** RET-9: 1 July and 1 August are Estonian/Finnish dates: midnight in Tallinn is 21:00 UTC the day before in summer. */
const tallinnSummerMidnight = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day) - 3 * HOUR);

const tallinnDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Tallinn' }).format(d);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY);

// --- the timeline ---
const T0 = new Date('2027-01-11T09:00:00Z');
const studentClosedAt = new Date('2027-06-15T10:00:00Z');
const consentWithdrawnAt = new Date('2027-09-01T10:00:00Z');
const erasureAskedAt = new Date('2028-03-01T10:00:00Z');
const returnerSignsInAt = new Date('2032-07-15T10:00:00Z');
const yearlySignIns = [2028, 2029, 2030, 2031, 2032, 2033, 2034].map((y) => new Date(Date.UTC(y, 0, 10, 9)));
const END = new Date('2035-01-05T12:00:00Z');

interface Row {
  person: string;
  category: string;
  rule: string;
  /** The day it must go (or happen); undefined: it must outlive the run. */
  due?: Date;
  done(): Promise<boolean>;
  firstDoneAt?: Date;
  failures: string[];
}

let host: LocalHost;
let call: ReturnType<typeof client>;
const rows: Row[] = [];
const people: Record<string, { accountId: string; email: string }> = {};

async function jumpTo(at: Date) {
  const delta = at.getTime() - host.clock.now().getTime();
  if (delta > 0) host.clock.advance(delta);
}

async function post(path: string, json: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${host.url}/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

async function mailedToken(to: string, subject: RegExp): Promise<string> {
  await host.bus.idle();
  const mail = host.outbox.messages.filter((m) => m.to === to && subject.test(m.subject)).at(-1);
  expect(mail, `an e-mail to ${to} matching ${subject}`).toBeDefined();
  return decodeURIComponent(/token=([^\s]+)/.exec(mail!.text)![1]!);
}

let ipCounter = 0;
/** AUTH-2: sign-up with e-mail and password, the address verified, a password sign-in (login log, session). */
async function signUp(name: string): Promise<{ accountId: string; email: string }> {
  const email = `${name}@retention-run.example`;
  const ip = `10.77.0.${++ipCounter}`;
  const password = 'a long test password 42';
  const signup = await post(
    'auth/password/signup',
    { email, password, firstName: name, lastName: 'Test', language: 'et' },
    { 'x-forwarded-for': ip },
  );
  expect(signup.status, JSON.stringify(signup.body)).toBe(202);
  expect((await post('auth/password/verify', { token: await mailedToken(email, /./) })).status).toBe(200);
  const login = await post('auth/password/login', { email, password }, { 'x-session-delivery': 'body', 'x-forwarded-for': ip });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  people[name] = { accountId: login.body.accountId, email };
  return people[name];
}

const raw = (container: string) => host.cosmos.client.database(host.config.COSMOS_DATABASE).container(container);
const readRaw = async <T extends object>(container: string, id: string, pk: string) => (await raw(container).item(id, pk).read<T>()).resource;
const idsOf = async (container: string, pk: string, type: string) =>
  (
    await raw(container)
      .items.query<{ id: string }>({
        query: 'SELECT c.id FROM c WHERE c.accountId = @pk AND c.type = @type',
        parameters: [
          { name: '@pk', value: pk },
          { name: '@type', value: type },
        ],
      })
      .fetchAll()
  ).resources.map((d) => d.id);
const noneLeft = (container: string, pk: string, ids: string[]) => async () => {
  const left = await idsOf(container, pk, container === 'events' ? 'usage-event' : 'login-log');
  return ids.every((id) => !left.includes(id));
};
const account = (id: string) => readRaw<AccountDoc>('accounts', id, id);
const gone = (container: string, id: string, pk: string) => async () => (await readRaw(container, id, pk)) === undefined;
/** For the rows that must outlive the run: done means closed or gone. */
const closedOrGone = (id: string) => async () => (await account(id))?.status !== 'active';

function row(r: Omit<Row, 'failures'>) {
  rows.push({ ...r, failures: [] });
}

/** One stop: jump, do what happens then, run the retention timers, drain the queues, sweep expired documents, look. */
async function stop(at: Date, happen?: () => Promise<void>) {
  await jumpTo(at);
  if (happen) await happen();
  await host.bus.idle();
  await host.timers.fire('retention-inactive-accounts');
  await host.timers.fire('retention-closures');
  await host.bus.idle();
  await host.sweeper.sweepOnce();
  for (const r of rows) if (!r.firstDoneAt && (await r.done())) r.firstDoneAt = host.clock.now();
}

/** What must be true of each row at this instant: still there a day before its due day, gone a day after. */
async function expectRow(r: Row, when: 'before' | 'after') {
  const done = await r.done();
  if (when === 'before' && done) r.failures.push(`already done on ${tallinnDay(host.clock.now())} (due ${tallinnDay(r.due!)})`);
  if (when === 'after' && !done) r.failures.push(`still there on ${tallinnDay(host.clock.now())} (due ${tallinnDay(r.due!)})`);
}

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  call = client(host);
}, 60_000);
afterAll(async () => host?.close());

describe('Issue 13: eight years of retention, every category of every person on its day', () => {
  it('RET-1, RET-2, RET-3, RET-4, RET-5, RET-7, RET-8, RET-9, PRIV-3: every category leaves on its due day (+-1 day), none early; accounting data outlives an erasure request', async () => {
    const started = Date.now();
    // ---- January 2027: everyone arrives ----
    await jumpTo(T0);
    const buyer = await signUp('buyer');
    const student = await signUp('student');
    const inactive = await signUp('inactive');
    const returner = await signUp('returner');
    const withdrawer = await signUp('withdrawer');
    const eraser = await signUp('eraser');
    // The student joins Kuusiku's 5.a through the administrator's invitation (ACC-2).
    const invited = await call(A.eeAdmin, 'POST', `schools/${SCHOOL}/invitations`, {
      email: student.email,
      role: 'student',
      classId: demo.classes.ee5a,
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const accepted = await call(student.accountId, 'POST', 'invitations/accept', { token: await mailedToken(student.email, /Kutse kooli/) });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    // Usage events (LOG-1) from real searches; the student's answer and the two orders written as their code leaves them.
    for (const who of [student, buyer]) expect((await call(who.accountId, 'GET', 'catalog/search?q=matem')).status).toBe(200);
    await host.bus.idle();
    await host.services.db.collection('schools').create({
      id: 'answer:retention-run',
      type: 'answer',
      schoolId: SCHOOL,
      studentId: student.accountId,
      taskId: 'task:retention-run',
      responses: { 'ex-text': { kind: 'text', text: 'Sõda' } },
      savedAt: host.clock.now().toISOString(),
    });
    for (const who of [buyer, eraser])
      await host.services.db.collection('orders').create({
        id: `order:retention-run-${who.accountId}`,
        type: 'order',
        accountId: who.accountId,
        status: 'paid',
        buyer: { name: 'Test', email: who.email },
        totalCents: 1290,
        createdAt: host.clock.now().toISOString(),
      });
    expect((await call(withdrawer.accountId, 'POST', 'me/consents', { purpose: 'newsletter', given: true })).status).toBe(200);
    for (const id of [A.eeTeacher, A.eeParent]) expect((await call(id, 'GET', 'me')).status).toBe(200);
    const written = host.clock.now();

    // ---- the rows: every category of every person, with its due day from the rules ----
    const studentLogins = await idsOf('accounts', student.accountId, 'login-log');
    const studentEvents = await idsOf('events', student.accountId, 'usage-event');
    const buyerLogins = await idsOf('accounts', buyer.accountId, 'login-log');
    const eraserLogins = await idsOf('accounts', eraser.accountId, 'login-log');
    expect(
      studentLogins.length * studentEvents.length * buyerLogins.length * eraserLogins.length,
      'a login log and a usage event were written',
    ).toBeGreaterThan(0);
    const closurePlus5 = fiveYearsAfter(studentClosedAt);
    let closureEventSeen = false;
    const inactiveClosing = tallinnSummerMidnight(2032, 8, 1);

    row({
      person: 'student (leaves school)',
      category: 'e-mail login and password hash',
      rule: 'RET-1 at closure',
      due: studentClosedAt,
      done: gone('logins', `email:${encodeURIComponent(student.email)}`, `email:${encodeURIComponent(student.email)}`),
    });
    row({
      person: 'student (leaves school)',
      category: "name in the school's member list",
      rule: 'PRIV-8 at closure',
      due: studentClosedAt,
      done: async () => {
        const listed = await call(A.eeAdmin, 'GET', `schools/${SCHOOL}/members`);
        return !(listed.body.members as { accountId: string }[]).some((m) => m.accountId === student.accountId);
      },
    });
    row({
      person: 'student (leaves school)',
      category: 'sessions (ended)',
      rule: 'RET-1 at closure',
      due: studentClosedAt,
      done: async () =>
        ((await account(student.accountId))?.activeSessions ?? []).length === 0 && (await account(student.accountId))?.status !== 'active',
    });
    row({
      person: 'student (leaves school)',
      category: 'identifiable usage events',
      rule: 'RET-7 5 years',
      due: fiveYearsAfter(written),
      done: noneLeft('events', student.accountId, studentEvents),
    });
    row({
      person: 'student (leaves school)',
      category: 'learning outcome (answer)',
      rule: 'RET-4 5 years',
      due: fiveYearsAfter(written),
      done: gone('schools', 'answer:retention-run', SCHOOL),
    });
    row({
      person: 'student (leaves school)',
      category: 'login log',
      rule: 'RET-8 5 years',
      due: fiveYearsAfter(written),
      done: noneLeft('accounts', student.accountId, studentLogins),
    });
    row({
      person: 'student (leaves school)',
      category: 'erasure evidence (reason retention)',
      rule: 'RET-2 closure + 5 years',
      due: closurePlus5,
      done: async () => (await readErasureEvidence(host.services, student.accountId, 'retention')) !== undefined,
    });
    row({
      person: 'student (leaves school)',
      category: 'closure event (goes with the erasure)',
      rule: 'RET-2 closure + 5 years',
      due: closurePlus5,
      done: async () => {
        const event = await readRaw<AccountClosureDoc>('jobs', `account-closure:${student.accountId}`, student.accountId);
        if (event) closureEventSeen = true;
        return !event && closureEventSeen;
      },
    });
    row({
      person: 'student (leaves school)',
      category: 'account profile',
      rule: 'RET-2 closure + 5 years',
      due: closurePlus5,
      done: gone('accounts', student.accountId, student.accountId),
    });
    row({
      person: 'student (leaves school)',
      category: 'membership name and e-mail (anonymised)',
      rule: 'RET-2 closure + 5 years',
      due: closurePlus5,
      done: async () => {
        const { resources } = await raw('schools')
          .items.query<{ firstName?: string; email?: string }>({
            query: "SELECT * FROM c WHERE c.type = 'membership' AND c.accountId = @a",
            parameters: [{ name: '@a', value: student.accountId }],
          })
          .fetchAll();
        return resources.every((m) => m.firstName === undefined && m.email === undefined);
      },
    });
    row({
      person: 'private buyer',
      category: 'order (accounting)',
      rule: 'RET-3 7 years + running year',
      due: accountingHoldEnds(written),
      done: gone('orders', `order:retention-run-${buyer.accountId}`, buyer.accountId),
    });
    row({
      person: 'private buyer',
      category: 'login log',
      rule: 'RET-8 5 years',
      due: fiveYearsAfter(written),
      done: noneLeft('accounts', buyer.accountId, buyerLogins),
    });
    row({ person: 'private buyer', category: 'account (signs in yearly)', rule: 'RET-2 kept while used', done: closedOrGone(buyer.accountId) });
    row({
      person: 'inactive',
      category: 'closure notice e-mail',
      rule: 'RET-9 1 July',
      due: tallinnSummerMidnight(2032, 7, 1),
      done: async () => host.outbox.messages.some((m) => m.to === inactive.email && /suletakse/.test(m.subject)),
    });
    row({
      person: 'inactive',
      category: 'account closed',
      rule: 'RET-9 1 August',
      due: inactiveClosing,
      done: async () => (await account(inactive.accountId))?.status !== 'active',
    });
    row({
      person: 'inactive',
      category: 'e-mail login and password hash',
      rule: 'RET-1 at closure',
      due: inactiveClosing,
      done: gone('logins', `email:${encodeURIComponent(inactive.email)}`, `email:${encodeURIComponent(inactive.email)}`),
    });
    row({
      person: 'inactive',
      category: 'account profile',
      rule: 'RET-2 closure + 5 years (2037)',
      done: gone('accounts', inactive.accountId, inactive.accountId),
    });
    row({
      person: 'returner (signs in after the notice)',
      category: 'closure notice e-mail',
      rule: 'RET-9 1 July',
      due: tallinnSummerMidnight(2032, 7, 1),
      done: async () => host.outbox.messages.some((m) => m.to === returner.email && /suletakse/.test(m.subject)),
    });
    row({ person: 'returner (signs in after the notice)', category: 'account', rule: 'RET-9 kept', done: closedOrGone(returner.accountId) });
    row({
      person: 'withdraws consent',
      category: 'marketing use of name and e-mail',
      rule: 'RET-5 on withdrawal',
      due: consentWithdrawnAt,
      done: async () => !maySendMarketing((await account(withdrawer.accountId))!, host.clock.now()),
    });
    row({
      person: 'withdraws consent',
      category: 'account (signs in yearly)',
      rule: 'RET-2 kept while used',
      done: closedOrGone(withdrawer.accountId),
    });
    row({
      person: 'asks for erasure',
      category: 'order (accounting, legal hold)',
      rule: 'RET-3 outlives the erasure',
      due: accountingHoldEnds(written),
      done: gone('orders', `order:retention-run-${eraser.accountId}`, eraser.accountId),
    });
    row({
      person: 'asks for erasure',
      category: 'account profile',
      rule: 'PRIV-3 on request',
      due: erasureAskedAt,
      done: gone('accounts', eraser.accountId, eraser.accountId),
    });
    row({
      person: 'asks for erasure',
      category: 'e-mail login and password hash',
      rule: 'PRIV-3 on request',
      due: erasureAskedAt,
      done: gone('logins', `email:${encodeURIComponent(eraser.email)}`, `email:${encodeURIComponent(eraser.email)}`),
    });
    row({
      person: 'asks for erasure',
      category: 'login log (legal hold)',
      rule: 'RET-8 outlives the erasure',
      due: fiveYearsAfter(written),
      done: noneLeft('accounts', eraser.accountId, eraserLogins),
    });
    row({
      person: 'teacher',
      category: 'account (school role, signs in yearly)',
      rule: 'RET-9 not for school roles',
      done: closedOrGone(A.eeTeacher),
    });
    row({ person: 'parent', category: 'account (signs in yearly)', rule: 'RET-2 kept while used', done: closedOrGone(A.eeParent) });

    // ---- the stops: what happens, and each row's day before, its day, and the day after ----
    type Plan = { at: Date; happen?: () => Promise<void>; check?: { row: Row; when: 'before' | 'after' } };
    const plan: Plan[] = [
      {
        at: studentClosedAt,
        happen: async () => {
          const closed = await call(A.eeAdmin, 'POST', `schools/${SCHOOL}/members/${student.accountId}/close-account`, { confirm: true });
          expect(closed.status, JSON.stringify(closed.body)).toBe(200);
        },
      },
      {
        at: consentWithdrawnAt,
        happen: async () =>
          expect((await call(withdrawer.accountId, 'POST', 'me/consents', { purpose: 'newsletter', given: false })).status).toBe(200),
      },
      {
        at: erasureAskedAt,
        happen: async () => {
          const asked = await call(eraser.accountId, 'POST', 'me/privacy/requests', { requestType: 'erasure', scope: { erasure: 'everything' } });
          expect(asked.status, JSON.stringify(asked.body)).toBe(201);
          // A signed-in request is verified by its session; one the platform controls goes on to processing by itself.
          const path = ['received', 'verifying', 'processing'];
          for (const to of path.slice(path.indexOf(asked.body.state) + 1)) {
            const path = `ops/privacy/requests/${eraser.accountId}/${encodeURIComponent(asked.body.id)}/transitions`;
            const moved = await call(A.privacyOfficer, 'POST', path, { to, reason: 'identity checked' });
            expect(moved.status, JSON.stringify(moved.body)).toBe(200);
          }
        },
      },
      ...yearlySignIns.map((at) => ({
        at,
        happen: async () => {
          for (const id of [buyer.accountId, withdrawer.accountId, A.eeTeacher, A.eeParent, A.eeAdmin, A.privacyOfficer])
            expect((await call(id, 'GET', 'me')).status, id).toBe(200);
        },
      })),
      { at: returnerSignsInAt, happen: async () => expect((await call(returner.accountId, 'GET', 'me')).status).toBe(200) },
      ...rows.flatMap((r): Plan[] =>
        r.due
          ? [
              { at: new Date(r.due.getTime() - DAY), check: { row: r, when: 'before' } },
              { at: new Date(r.due.getTime() + 2 * HOUR) },
              { at: new Date(r.due.getTime() + DAY + 2 * HOUR), check: { row: r, when: 'after' } },
            ]
          : [],
      ),
      { at: END },
    ];
    // One stop per instant: what happens then, the timers and the sweeper, then the looks (a day before its due day
    // a category must survive them).
    const instants = [...new Set(plan.map((p) => p.at.getTime()))].sort((a, b) => a - b);
    for (const at of instants) {
      const here = plan.filter((p) => p.at.getTime() === at);
      await stop(new Date(at), async () => {
        for (const p of here) await p.happen?.();
      });
      for (const p of here) if (p.check) await expectRow(p.check.row, p.check.when);
    }
    for (const r of rows) if (!r.due && (await r.done())) r.failures.push(`gone by the end of the run (${tallinnDay(host.clock.now())})`);

    // ---- the table ----
    const table = rows.map((r) => {
      const actual = r.firstDoneAt ? tallinnDay(r.firstDoneAt) : 'kept';
      const due = r.due ? tallinnDay(r.due) : 'after the run';
      if (r.due && r.firstDoneAt) {
        const off = daysBetween(due, actual);
        if (Math.abs(off) > 1) r.failures.push(`done on ${actual}, ${off} days from its due day ${due}`);
      }
      return { person: r.person, category: r.category, rule: r.rule, due, actual };
    });
    console.log(`Retention run ${tallinnDay(T0)} .. ${tallinnDay(host.clock.now())}, ${instants.length} stops, ${Date.now() - started} ms\n`);
    console.table(table);

    expect(rows.filter((r) => r.failures.length).map((r) => `${r.person} / ${r.category}: ${r.failures.join('; ')}`)).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(27);
  }, 120_000);
});
