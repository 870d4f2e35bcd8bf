import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { type AccountClosureDoc, maySendMarketing, unsubscribeLinkFor, unsubscribeToken } from '../shared/consents/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { estonianCode } from './people.js';

/**
 * Issue 12 items 4-6 (PRIV-4 restriction and objection, PRIV-6 consents, PRIV-8 account closure), end to end on a
 * host of this file's own: it closes seeded accounts and reads the usage events and accounts it changes.
 */
const A = demo.accounts;
const S = demo.schools;

let host: LocalHost;
beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
});
afterAll(async () => host?.close());

interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

async function call(path: string, init: { method?: string; token?: string; json?: unknown; form?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(path.startsWith('http') ? path : `${host.url}${path}`, {
    method: init.method ?? (init.json !== undefined || init.form !== undefined ? 'POST' : 'GET'),
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : init.form !== undefined ? { body: init.form } : {}),
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : undefined;
  return { status: response.status, body: json, text, headers: response.headers } satisfies Answer;
}

async function session(accountId: string): Promise<{ accessToken: string; sessionId: string }> {
  const r = await call('/_local/tokens', { json: { accountId } });
  expect(r.status).toBe(200);
  return r.body;
}
const tokenOf = async (accountId: string) => (await session(accountId)).accessToken;

const account = async (id: string) => (await host.services.db.collection('accounts').read<AccountDoc>(id, id))!;
const securityLog = async (id: string, event: string) =>
  (await host.services.db.collection('accounts').queryAll<{ event: string }>(id, { where: "c.type = 'login-log'" })).filter((e) => e.event === event)
    .length;
const eventsOf = (id: string) => host.services.db.collection('events').queryAll<{ kind: string }>(id, {});

/** Searches the catalogue (a usage event, LOG-1) and waits for the queue to store whatever was sent. */
async function searchAndSettle(token: string): Promise<void> {
  expect((await call('/api/catalog/search?q=matem', { token })).status).toBe(200);
  await host.bus.idle();
}

const allowAll = { restricted: false, objections: { usageAnalytics: false, outcomeKeeping: false, directMarketing: false } };
const setProcessing = (token: string, choice: typeof allowAll, path = '/api/me/privacy/processing') =>
  call(path, { method: 'PUT', token, json: choice });

describe('PRIV-4: restriction and objection', () => {
  it('PRIV-4, LOG-1: restriction stops usage events for the person at once, and lifting it restores them', async () => {
    const token = await tokenOf(A.privateUser);
    const start = (await eventsOf(A.privateUser)).length;
    await searchAndSettle(token);
    expect(await eventsOf(A.privateUser)).toHaveLength(start + 1);

    const restricted = await setProcessing(token, { ...allowAll, restricted: true });
    expect(restricted.status, restricted.text).toBe(200);
    expect(restricted.body.restrictedSince).toEqual(expect.any(String));
    expect((await call('/api/me/privacy/processing', { token })).body).toMatchObject({ restrictedSince: restricted.body.restrictedSince });
    await searchAndSettle(token);
    await searchAndSettle(token);
    expect(await eventsOf(A.privateUser)).toHaveLength(start + 1);

    const lifted = await setProcessing(token, allowAll);
    expect(lifted.body.restrictedSince).toBeNull();
    await searchAndSettle(token);
    expect(await eventsOf(A.privateUser)).toHaveLength(start + 2);
  });

  it('PRIV-4: an objection to usage analytics alone stops usage events too, and is reversible', async () => {
    const token = await tokenOf(A.cmsAuthor);
    const start = (await eventsOf(A.cmsAuthor)).length;
    const objected = await setProcessing(token, { ...allowAll, objections: { ...allowAll.objections, usageAnalytics: true } });
    expect(objected.body).toMatchObject({ restrictedSince: null, objections: { usageAnalytics: expect.any(String), directMarketing: null } });
    await searchAndSettle(token);
    expect(await eventsOf(A.cmsAuthor)).toHaveLength(start);
    await setProcessing(token, allowAll);
    await searchAndSettle(token);
    expect(await eventsOf(A.cmsAuthor)).toHaveLength(start + 1);
  });

  it('PRIV-4, ACC-3: a child under 18 may restrict processing but only the confirmed parent lifts it; a stranger cannot', async () => {
    const child = await tokenOf(A.eeStudent2);
    expect((await setProcessing(child, { ...allowAll, restricted: true })).status).toBe(200);
    const lift = await setProcessing(child, allowAll);
    expect(lift.status).toBe(403);
    expect(lift.body.error.code).toBe('privacy_managed_by_parent');

    const path = `/api/children/${A.eeStudent2}/privacy/processing`;
    expect((await call(path, { token: await tokenOf(A.eeParent) })).status).toBe(403);
    const parent = await tokenOf(A.teacherParent);
    expect((await call(path, { token: parent })).body).toMatchObject({ restrictedSince: expect.any(String), managedByParent: true });
    const lifted = await setProcessing(parent, allowAll, path);
    expect(lifted.status, lifted.text).toBe(200);
    expect(lifted.body).toMatchObject({ restrictedSince: null, updatedBy: A.teacherParent });
    expect((await account(A.eeStudent2)).processing?.restrictedAt).toBeUndefined();

    // The child sees both changes, newest first, and who made them; the refused lift left no trace.
    const history = await call('/api/me/privacy/processing/history', { token: child });
    expect(history.status, history.text).toBe(200);
    expect(history.body.events).toEqual([
      { at: expect.any(String), as: 'parent', channel: 'settings', changes: [{ item: 'restriction', on: false }] },
      { at: expect.any(String), as: 'self', channel: 'settings', changes: [{ item: 'restriction', on: true }] },
    ]);
    // The parent who manages it sees the same; another parent does not.
    expect((await call(`${path}/history`, { token: parent })).body.events).toEqual(history.body.events);
    expect((await call(`${path}/history`, { token: await tokenOf(A.eeParent) })).status).toBe(403);
  });

  it('PRIV-4: every change of restriction and objections is in the history (time, who, channel), paged; a repeat records nothing', async () => {
    const token = await tokenOf(A.operatorAdmin);
    const objectToBoth = { restricted: false, objections: { usageAnalytics: true, outcomeKeeping: false, directMarketing: true } };
    expect((await setProcessing(token, objectToBoth)).status).toBe(200);
    expect((await setProcessing(token, objectToBoth)).status).toBe(200);
    host.clock.advance(1000);
    expect(
      (await setProcessing(token, { ...objectToBoth, restricted: true, objections: { ...objectToBoth.objections, usageAnalytics: false } })).status,
    ).toBe(200);
    host.clock.advance(1000);
    expect((await setProcessing(token, allowAll)).status).toBe(200);

    const first = await call('/api/me/privacy/processing/history?pageSize=2', { token });
    expect(first.status, first.text).toBe(200);
    expect(first.body.events.map((e: { changes: unknown }) => e.changes)).toEqual([
      [
        { item: 'restriction', on: false },
        { item: 'directMarketing', on: false },
      ],
      [
        { item: 'restriction', on: true },
        { item: 'usageAnalytics', on: false },
      ],
    ]);
    expect(first.body.continuation).toEqual(expect.any(String));
    const second = await call(`/api/me/privacy/processing/history?pageSize=2&continuation=${encodeURIComponent(first.body.continuation)}`, { token });
    expect(second.body.events).toEqual([
      {
        at: expect.any(String),
        as: 'self',
        channel: 'settings',
        changes: [
          { item: 'usageAnalytics', on: true },
          { item: 'directMarketing', on: true },
        ],
      },
    ]);
    expect(second.body.continuation).toBeUndefined();
  });

  it('PRIV-4: bad input is a 422 with the envelope', async () => {
    const r = await call('/api/me/privacy/processing', { method: 'PUT', token: await tokenOf(A.privateUser), json: { restricted: 'yes' } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('validation_failed');
  });
});

describe('PRIV-6: consents', () => {
  const consentOf = (body: { consents: { purpose: string }[] }, purpose: string) => body.consents.find((c) => c.purpose === purpose) as any;

  it('PRIV-6, MKT-1: consents are listed with their versioned text; giving the newsletter lets marketing go, an objection to direct marketing stops it whatever the consent', async () => {
    const token = await tokenOf(A.cmsEditor);
    const listed = await call('/api/me/consents', { token, headers: { 'accept-language': 'fi' } });
    expect(listed.status).toBe(200);
    const newsletter = consentOf(listed.body, 'newsletter');
    expect(newsletter).toMatchObject({ given: false, currentVersion: expect.any(String), text: expect.stringContaining('uutiskir') });
    expect(maySendMarketing(await account(A.cmsEditor), host.clock.now())).toBe(false);

    const given = await call('/api/me/consents', { token, json: { purpose: 'newsletter', given: true, version: newsletter.currentVersion } });
    expect(given.status, given.text).toBe(200);
    expect(consentOf(given.body, 'newsletter')).toMatchObject({ given: true, version: newsletter.currentVersion, channel: 'settings' });
    expect(maySendMarketing(await account(A.cmsEditor), host.clock.now())).toBe(true);

    await setProcessing(token, { ...allowAll, objections: { ...allowAll.objections, directMarketing: true } });
    const objecting = await account(A.cmsEditor);
    expect(objecting.consents?.newsletter?.given).toBe(true);
    expect(maySendMarketing(objecting, host.clock.now())).toBe(false);
    // Giving the consent again does not outweigh the objection: it is absolute while it stands.
    await call('/api/me/consents', { token, json: { purpose: 'newsletter', given: true } });
    expect(maySendMarketing(await account(A.cmsEditor), host.clock.now())).toBe(false);

    await setProcessing(token, allowAll);
    expect(maySendMarketing(await account(A.cmsEditor), host.clock.now())).toBe(true);
    await setProcessing(token, { ...allowAll, restricted: true });
    expect(maySendMarketing(await account(A.cmsEditor), host.clock.now()), 'restricted').toBe(false);
    await setProcessing(token, allowAll);
  });

  it('MKT-1, PRIV-6: a child under 13 cannot give the newsletter consent alone (403) and is never sent marketing; a 14-year-old student can', async () => {
    // Mihkel (EE) was born 2014-03-09, Eero (FI) 2012-05-02: GDPR Article 8's age is 13 in both countries.
    const child = await tokenOf(A.eeStudent);
    const refused = await call('/api/me/consents', {
      token: child,
      json: { purpose: 'newsletter', given: true },
      headers: { 'accept-language': 'et' },
    });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body.error.code).toBe('consent_needs_parent');
    expect(refused.body.error.message).toContain('lapsevanem');
    expect((await account(A.eeStudent)).consents?.newsletter?.given).not.toBe(true);
    // Withdrawing is always allowed.
    expect((await call('/api/me/consents', { token: child, json: { purpose: 'newsletter', given: false } })).status).toBe(200);
    // A consent stored for the child anyway (before this rule) does not let marketing through.
    const stored = {
      ...(await account(A.eeStudent)),
      processing: undefined,
      consents: { newsletter: { given: true, version: '2026-01', at: host.clock.now().toISOString(), channel: 'settings' as const } },
    };
    expect(maySendMarketing(stored, host.clock.now())).toBe(false);
    expect(maySendMarketing(stored, new Date('2027-03-08T12:00:00Z'))).toBe(false);
    // The same child on their 13th birthday may.
    expect(maySendMarketing(stored, new Date('2027-03-09T12:00:00Z'))).toBe(true);
    // A student whose age is not known is treated as a possible child; a teacher of unknown age is not.
    const { personalCode: _code, birthDate: _birth, ...unknownAge } = stored;
    expect(maySendMarketing(unknownAge, host.clock.now())).toBe(false);
    expect(maySendMarketing({ ...unknownAge, schoolRoles: [{ schoolId: 'x', role: 'teacher' }] }, host.clock.now())).toBe(true);

    const teen = await tokenOf(A.fiStudent);
    const given = await call('/api/me/consents', { token: teen, json: { purpose: 'newsletter', given: true } });
    expect(given.status, given.text).toBe(200);
    expect(maySendMarketing(await account(A.fiStudent), host.clock.now())).toBe(true);
  });

  it('PRIV-6: an outdated text version is refused with 409', async () => {
    const r = await call('/api/me/consents', {
      token: await tokenOf(A.cmsEditor),
      json: { purpose: 'productResearch', given: true, version: '1999-01' },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('consent_version_outdated');
  });

  it('PRIV-6, MKT-1: opening the unsubscribe link changes nothing; its RFC 8058 one-click POST withdraws at once without signing in, idempotently; settings withdraw too; all in the history', async () => {
    const token = await tokenOf(A.municipality);
    const version = consentOf((await call('/api/me/consents', { token })).body, 'newsletter').currentVersion;
    expect((await call('/api/me/consents', { token, json: { purpose: 'newsletter', given: true, version } })).status).toBe(200);
    expect(maySendMarketing(await account(A.municipality), host.clock.now())).toBe(true);

    const link = unsubscribeLinkFor(host.services, A.municipality, 'newsletter').replace(host.services.config.API_PUBLIC_URL, host.url);
    // Opening the link (a person, or a mail scanner) only shows the page: its button posts the one-click body.
    const before = await account(A.municipality);
    for (let i = 0; i < 2; i++) {
      const opened = await call(link, { headers: { 'accept-language': 'en' } });
      expect(opened.text).toContain('Press the button');
      expect(opened.status, opened.text).toBe(200);
      expect(opened.headers.get('content-type')).toMatch(/^text\/html/);
      expect(opened.text).toContain('<form method="post"');
      expect(opened.text).toContain('name="List-Unsubscribe" value="One-Click"');
    }
    const untouched = await account(A.municipality);
    expect(untouched._etag).toBe(before._etag);
    expect(maySendMarketing(untouched, host.clock.now())).toBe(true);

    const clicked = await call(link, { form: 'List-Unsubscribe=One-Click' });
    expect(clicked.status, clicked.text).toBe(200);
    expect(clicked.headers.get('content-type')).toMatch(/^text\/html/);
    expect(maySendMarketing(await account(A.municipality), host.clock.now())).toBe(false);
    expect((await account(A.municipality)).consents?.newsletter).toMatchObject({ given: false, version, channel: 'unsubscribe-link' });
    // The page now says there is nothing left to withdraw; the one-click POST again (no body, as from a multipart
    // sender we do not parse): the same answer, nothing more recorded.
    const english = { headers: { 'accept-language': 'en' } };
    expect((await call(link, english)).text).toContain('already unsubscribed');
    expect((await call(link, { method: 'POST' })).status).toBe(200);

    // Given again in settings, withdrawn by the one-click POST, given, then withdrawn in settings.
    await call('/api/me/consents', { token, json: { purpose: 'newsletter', given: true, version } });
    expect((await call(link, { form: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect(maySendMarketing(await account(A.municipality), host.clock.now())).toBe(false);
    await call('/api/me/consents', { token, json: { purpose: 'newsletter', given: true, version } });
    const withdrawn = await call('/api/me/consents', { token, json: { purpose: 'newsletter', given: false } });
    expect(consentOf(withdrawn.body, 'newsletter')).toMatchObject({ given: false, channel: 'settings' });
    expect(maySendMarketing(await account(A.municipality), host.clock.now())).toBe(false);

    const history = await call('/api/me/consents/history', { token });
    expect(history.status).toBe(200);
    expect(history.body.events.map((e: { given: boolean; channel: string }) => `${e.given ? 'given' : 'withdrawn'}:${e.channel}`)).toEqual([
      'withdrawn:settings',
      'given:settings',
      'withdrawn:unsubscribe-link',
      'given:settings',
      'withdrawn:unsubscribe-link',
      'given:settings',
    ]);
    expect(history.body.events.every((e: { version: string }) => e.version === version)).toBe(true);
  });

  it('PRIV-6: consents ticked at sign-up are recorded with the text version shown and channel sign-up; an older text is 409; a taken address gets none', async () => {
    const list = await call('/api/me/consents', { token: await tokenOf(A.privateUser) });
    const version = consentOf(list.body, 'newsletter').currentVersion;
    const signUp = (email: string, consents: unknown, ip: string) =>
      call('/api/auth/password/signup', {
        json: { email, password: 'a long fresh password 46', firstName: 'Liisa', lastName: 'Lõhmus', consents },
        headers: { 'x-forwarded-for': ip },
      });
    const outdated = await signUp('liisa.outdated@example.com', [{ purpose: 'newsletter', version: '1999-01' }], '10.97.0.1');
    expect(outdated.status).toBe(409);
    expect(outdated.body.error.code).toBe('consent_version_outdated');
    expect(
      (
        await signUp(
          'liisa.twice@example.com',
          [
            { purpose: 'newsletter', version },
            { purpose: 'newsletter', version },
          ],
          '10.97.0.2',
        )
      ).status,
    ).toBe(422);
    expect((await signUp('liisa.unknown@example.com', [{ purpose: 'marketing', version }], '10.97.0.3')).status).toBe(422);

    const email = 'liisa.lohmus@example.com';
    expect((await signUp(email, [{ purpose: 'newsletter', version }], '10.97.0.4')).status).toBe(202);
    await host.bus.idle();
    const mail = (await call('/_local/outbox')).body.filter((m: { to: string }) => m.to === email).at(-1);
    expect((await call('/api/auth/password/verify', { json: { token: decodeURIComponent(/token=([^\s]+)/.exec(mail.text)![1]!) } })).status).toBe(
      200,
    );
    const signedIn = await call('/api/auth/password/login', {
      json: { email, password: 'a long fresh password 46' },
      headers: { 'x-session-delivery': 'body', 'x-forwarded-for': '10.97.0.5' },
    });
    expect(signedIn.status, signedIn.text).toBe(200);
    const token = signedIn.body.accessToken;
    const mine = await call('/api/me/consents', { token });
    expect(consentOf(mine.body, 'newsletter')).toMatchObject({ given: true, version, channel: 'sign-up' });
    expect(consentOf(mine.body, 'productResearch')).toMatchObject({ given: false });
    expect(maySendMarketing(await account(signedIn.body.accountId), host.clock.now())).toBe(true);
    const history = await call('/api/me/consents/history', { token });
    expect(history.body.events).toEqual([{ purpose: 'newsletter', given: true, version, channel: 'sign-up', at: expect.any(String), as: 'self' }]);

    // Signing up again with the taken address (the same 202) changes nothing on the account that has it.
    const before = await account(signedIn.body.accountId);
    expect((await signUp(email, [{ purpose: 'productResearch', version }], '10.97.0.6')).status).toBe(202);
    expect((await account(signedIn.body.accountId))._etag).toBe(before._etag);
  });

  it('PRIV-6: a tampered or forged unsubscribe token is refused with the envelope and changes nothing', async () => {
    const token = await tokenOf(A.operatorAdmin);
    const version = consentOf((await call('/api/me/consents', { token })).body, 'newsletter').currentVersion;
    await call('/api/me/consents', { token, json: { purpose: 'newsletter', given: true, version } });
    const real = new URL(unsubscribeLinkFor(host.services, A.operatorAdmin, 'newsletter')).searchParams.get('token')!;
    const [who, purpose, mac] = real.split('.') as [string, string, string];
    const otherPerson = `${Buffer.from(A.privateUser).toString('base64url')}.${purpose}.${mac}`;
    const otherPurpose = `${who}.productResearch.${mac}`;
    const flipped = `${who}.${purpose}.${mac.slice(0, -2)}${mac.at(-2) === 'A' ? 'B' : 'A'}${mac.at(-1)}`;
    // Signed with a session key: those keys sign sessions only (UNSUBSCRIBE_SIGNING_KEYS are their own).
    const sessionSigned = unsubscribeToken(host.services.config.SESSION_SIGNING_KEYS, A.operatorAdmin, 'newsletter');
    expect(sessionSigned).not.toBe(real);
    for (const forged of [otherPerson, otherPurpose, flipped, sessionSigned]) {
      for (const method of ['GET', 'POST']) {
        const r = await call(`/api/unsubscribe?token=${encodeURIComponent(forged)}`, { method });
        expect(r.status, `${method} ${forged}`).toBe(403);
        expect(r.body.error.code).toBe('unsubscribe_link_forged');
      }
    }
    for (const garbage of ['nonsense', `${who}.newsletter`, `${who}.marketing.${mac}`]) {
      const r = await call(`/api/unsubscribe?token=${encodeURIComponent(garbage)}`);
      expect(r.status, garbage).toBe(400);
      expect(r.body.error.code).toBe('unsubscribe_link_invalid');
    }
    expect((await call('/api/unsubscribe')).status).toBe(400);
    expect(maySendMarketing(await account(A.operatorAdmin), host.clock.now())).toBe(true);
  });
});

describe('PRIV-8: closing an account', () => {
  it('PRIV-8: a school user cannot close their own account; the school closes it', async () => {
    const r = await call('/api/me/account/close', { token: await tokenOf(A.fiStudent), json: { confirm: true, password: demo.password } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('account_closed_by_school');
    expect((await account(A.fiStudent)).status).toBe('active');
  });

  it("PRIV-8, ACL-1: another school's administrator cannot close a student's account; the student's own administrator does, once", async () => {
    const path = (schoolId: string) => `/api/schools/${schoolId}/members/${A.eeStudent}/close-account`;
    // Koivula's administrator (a teacher at Kuusiku): no administrator rights at Kuusiku, and Mihkel is not Koivula's.
    const foreign = await tokenOf(A.twoSchools);
    expect((await call(path(S.ee), { token: foreign, json: { confirm: true } })).status).toBe(403);
    const notTheirs = await call(path(S.fi), { token: foreign, json: { confirm: true } });
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.body.error.code).toBe('member_not_found');
    // A parent cannot close their child's account (PRIV-8 names the person and the school only).
    expect((await call(path(S.ee), { token: await tokenOf(A.eeParent), json: { confirm: true } })).status).toBe(403);
    expect((await account(A.eeStudent)).status).toBe('active');

    const studentSession = await tokenOf(A.eeStudent);
    const admin = await tokenOf(A.eeAdmin);
    // The school enters his personal code (ACC-5): a verified code, indexed for sign-in, which closure must release.
    const code = estonianCode('2014-03-09', 'male');
    const entered = await call(`/api/schools/${S.ee}/students/${A.eeStudent}`, {
      method: 'PATCH',
      token: admin,
      json: { personalCode: { country: 'EE', code } },
    });
    expect(entered.status, entered.text).toBe(200);
    expect(await host.services.db.collection('logins').read(`pcode:EE:${code}`, `pcode:EE:${code}`)).toBeDefined();
    const closed = await call(path(S.ee), { token: admin, json: { confirm: true } });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedBy: 'school', closedAt: expect.any(String) });
    const again = await call(path(S.ee), { token: admin, json: { confirm: true } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(closed.body);

    // Sessions ended at once; the password and the personal code sign no one in any more.
    expect((await call('/api/me', { token: studentSession })).status).toBe(401);
    const signIn = await call('/api/auth/password/login', {
      json: { email: 'mihkel.saar@kuusiku.example', password: demo.password },
      headers: { 'x-session-delivery': 'body', 'x-forwarded-for': '10.99.0.1' },
    });
    expect(signIn.status).toBe(401);
    // The request closed the account (and ended every session with it); the queue removes the rest.
    expect(await account(A.eeStudent)).toMatchObject({
      status: 'closed',
      closure: { as: 'school', by: A.eeAdmin, schoolId: S.ee },
      activeSessions: [],
    });
    await host.bus.idle();
    const stored = await account(A.eeStudent);
    expect(stored).toMatchObject({ status: 'closed', logins: [], activeSessions: [] });
    const logins = await host.services.db.collection('logins').queryAll<{ id: string }>('email:mihkel.saar%40kuusiku.example', {});
    expect(logins).toEqual([]);
    expect(await host.services.db.collection('logins').read(`pcode:EE:${code}`, `pcode:EE:${code}`)).toBeUndefined();
    const event = await host.services.db.collection('jobs').read<AccountClosureDoc>(`account-closure:${A.eeStudent}`, A.eeStudent);
    expect(event).toMatchObject({ type: 'account-closure', closedAt: closed.body.closedAt, as: 'school' });
    const sessions = await host.services.db.collection('accounts').queryAll<{ status: string }>(A.eeStudent, { where: "c.type = 'session'" });
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((x) => x.status === 'revoked')).toBe(true);
    expect(await securityLog(A.eeStudent, 'account-closed')).toBe(1);

    // The same message again (Service Bus delivers at least once): nothing changes, nothing fails.
    const before = { event: event!._etag, account: stored._etag };
    await host.services.bus.send('account-closure', { body: { accountId: A.eeStudent, client: {} }, messageId: 'closure-repeat-1' });
    await host.bus.idle();
    expect((await host.services.db.collection('jobs').read<AccountClosureDoc>(event!.id, A.eeStudent))!._etag).toBe(before.event);
    expect((await account(A.eeStudent))._etag).toBe(before.account);
    expect(await securityLog(A.eeStudent, 'account-closed')).toBe(1);
    // A run killed before its last step (the event) is finished by the next delivery, without error.
    await host.services.db.collection('jobs').delete(event!.id, A.eeStudent);
    await host.services.bus.send('account-closure', { body: { accountId: A.eeStudent, client: {} }, messageId: 'closure-repeat-2' });
    await host.bus.idle();
    expect(await host.services.db.collection('jobs').read<AccountClosureDoc>(event!.id, A.eeStudent)).toMatchObject({
      closedAt: closed.body.closedAt,
    });
    expect(host.bus.deadLetters('account-closure')).toEqual([]);
  });

  it('PRIV-8, ACL-1, ACL-2: a student the school closed drops out of its member and class lists (memberships ended with the account)', async () => {
    // Mihkel was closed by his school above; the closure queue ended his memberships.
    const memberships = await host.services.db.collection('schools').queryAll<{
      status: string;
      endedBy?: string;
    }>(S.ee, { where: "c.type = 'membership' AND c.accountId = @a", parameters: [{ name: '@a', value: A.eeStudent }] });
    expect(memberships.length).toBeGreaterThan(0);
    expect(memberships.every((m) => m.status === 'ended' && m.endedBy === 'account-closed')).toBe(true);
    const listed = async (as: string, query = '') => {
      const r = await call(`/api/schools/${S.ee}/members${query}`, { token: await tokenOf(as), method: 'GET' });
      expect(r.status, r.text).toBe(200);
      return (r.body.members as { accountId: string }[]).map((m) => m.accountId);
    };
    expect(await listed(A.eeAdmin)).not.toContain(A.eeStudent);
    expect(await listed(A.eeClassTeacher, `?classId=${demo.classes.ee5a}`)).not.toContain(A.eeStudent);
    // His classmate stays listed: only the closed account went.
    expect(await listed(A.eeAdmin)).toContain(A.eeStudent2);
  });

  it('PRIV-8: a private user closes their own account after re-entering the password; every session ends; the e-mail can register again', async () => {
    const email = 'peeter.parn@example.com';
    const first = await session(A.privateUser);
    const other = await session(A.privateUser);
    const close = (json: unknown) => call('/api/me/account/close', { token: first.accessToken, json, headers: { 'x-forwarded-for': '10.98.0.1' } });
    expect((await close({})).status).toBe(422);
    const noPassword = await close({ confirm: true });
    expect(noPassword.status).toBe(403);
    expect(noPassword.body.error.code).toBe('reauthentication_required');
    const wrong = await close({ confirm: true, password: 'not the password at all' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('wrong_password');
    expect((await account(A.privateUser)).status).toBe('active');

    const closed = await close({ confirm: true, password: demo.password });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedBy: 'self' });
    for (const token of [first.accessToken, other.accessToken]) expect((await call('/api/me', { token })).status).toBe(401);
    const signIn = await call('/api/auth/password/login', {
      json: { email, password: demo.password },
      headers: { 'x-session-delivery': 'body', 'x-forwarded-for': '10.98.0.2' },
    });
    expect(signIn.status).toBe(401);

    // Once the queue has removed the login index, registering again with the same e-mail makes a new account.
    await host.bus.idle();
    const signup = await call('/api/auth/password/signup', {
      json: { email, password: 'a long fresh password 45', firstName: 'Peeter', lastName: 'Pärn' },
      headers: { 'x-forwarded-for': '10.98.0.3' },
    });
    expect(signup.status, signup.text).toBe(202);
    await host.bus.idle();
    const mail = (await call('/_local/outbox')).body.filter((m: { to: string }) => m.to === email).at(-1);
    const verifyToken = decodeURIComponent(/token=([^\s]+)/.exec(mail.text)![1]!);
    expect((await call('/api/auth/password/verify', { json: { token: verifyToken } })).status).toBe(200);
    const again = await call('/api/auth/password/login', {
      json: { email, password: 'a long fresh password 45' },
      headers: { 'x-session-delivery': 'body', 'x-forwarded-for': '10.98.0.4' },
    });
    expect(again.status, again.text).toBe(200);
    expect(again.body.accountId).not.toBe(A.privateUser);
  });

  it('PRIV-8: an account without a password must have signed in within the last minutes', async () => {
    const id = 'acc-consent-google-only';
    const at = host.clock.now().toISOString();
    await host.services.db.collection('logins').upsert({
      id: 'google:consent-only',
      type: 'login-index',
      accountId: id,
      kind: 'external',
      provider: 'google',
      subject: 'consent-only',
      linkedAt: at,
    });
    await host.services.db.collection('accounts').upsert<AccountDoc>({
      id,
      type: 'account',
      accountId: id,
      firstName: 'Gugl',
      lastName: 'Only',
      language: 'en',
      country: 'EE',
      status: 'active',
      logins: [{ id: 'google:consent-only', provider: 'google', linkedAt: at }],
      createdAt: at,
      updatedAt: at,
    });
    const old = await session(id);
    host.clock.advance(11 * 60_000);
    const stale = await call('/api/me/account/close', { token: old.accessToken, json: { confirm: true } });
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('reauthentication_required');
    const fresh = await session(id);
    const closed = await call('/api/me/account/close', { token: fresh.accessToken, json: { confirm: true } });
    expect(closed.status, closed.text).toBe(200);
    // Without a password to check, the request is the read that authenticates, the session's sign-in time and the
    // one write that closes (the rest is queued): within the write budget (budgets.ts).
    const counts = parseCounts(closed.headers.get('x-cosmos-ops') ?? '');
    expect(counts).toMatchObject({ pointRead: 2, write: 1, query: 0, crossPartitionQuery: 0 });
    expect((await call('/api/me', { token: fresh.accessToken })).status).toBe(401);
    await host.bus.idle();
    expect(await host.services.db.collection('logins').read('google:consent-only', 'google:consent-only')).toBeUndefined();
  });
});
