import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { LoginIndexDoc } from '../shared/auth/identity.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { Browser } from '../shared/local/identity/browser.js';
import { demo } from '../shared/local/seed.js';

/**
 * Issue 17, "account takeover through personal codes": each attack as it was reproduced on the running app (the
 * real sign-in flows against the identity stand-ins), and now failing. Own host: the attacks change seeded people.
 * HarID stand-in users carry `amr`: idcard / mID / smartid are eID grade, Uku Uus ('harid', a password) is not.
 */
let host: LocalHost;
const WEB = 'http://127.0.0.1:3000';
const A = demo.accounts;
const S = demo.schools;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0 });
});
afterAll(async () => host?.close());

async function token(accountId: string): Promise<string> {
  const r = await fetch(`${host.url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

async function call(path: string, options: { method?: string; as: string; json?: unknown }) {
  const r = await fetch(`${host.url}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      authorization: `Bearer ${await token(options.as)}`,
      'accept-language': 'en',
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : undefined };
}

async function signInWith(provider: string, loginHint: string, options: { school?: string } = {}) {
  const browser = new Browser();
  const start = new URL(`${host.url}/api/auth/${provider}/login`);
  start.searchParams.set('loginHint', loginHint);
  start.searchParams.set('returnTo', '/shop');
  if (options.school) start.searchParams.set('school', options.school);
  const callback = await browser.followUntil(start, `${host.url}/api/auth/${provider}/callback`);
  const done = await browser.navigate(callback, { stopAt: WEB });
  const landed = new URL(done.url);
  const signedIn = browser.jar.get('__Host-opiq_at', `${host.url}/api/me`) !== undefined;
  const me = signedIn ? ((await (await browser.request(`${host.url}/api/me`)).json()) as Record<string, any>) : undefined;
  return { landed, signedIn, me };
}

const pcodeIndex = (code: string) => host.services.db.collection('logins').read<LoginIndexDoc>(`pcode:EE:${code}`, `pcode:EE:${code}`);
const loginsOf = async (accountId: string) =>
  (await call('/api/me/logins', { as: accountId })).body.logins.map((l: { provider: string }) => l.provider) as string[];
/** E-mails reach the outbox through the queue. */
async function mailsTo(to: string, subject: RegExp) {
  await host.bus.idle();
  return host.outbox.messages.filter((m) => m.to === to && subject.test(m.subject));
}

describe('AUTH-3: a personal code typed into a profile is never proof', () => {
  it('AUTH-3: takeover by profile: a private user types a stranger’s code; the stranger’s eID sign-in gets an account of their own', async () => {
    const typed = await call('/api/me/profile', {
      method: 'PATCH',
      as: A.privateUser,
      json: { personalCode: { country: 'EE', code: '38511210519' } },
    });
    expect(typed.status).toBe(200);
    expect(typed.body).toMatchObject({ personalCode: { code: '38511210519' }, personalCodeVerified: false });
    expect(await pcodeIndex('38511210519')).toBeUndefined();

    const victim = await signInWith('harid', 'kristjan.kivi@example.com'); // ID-card
    expect(victim.signedIn).toBe(true);
    expect(victim.me!.id).not.toBe(A.privateUser);
    expect(victim.me).toMatchObject({ firstName: 'Kristjan', personalCode: { code: '38511210519' }, personalCodeVerified: true });
    expect(await loginsOf(A.privateUser)).not.toContain('harid');
    // The eID-verified code is now the link target, and it points at Kristjan.
    expect((await pcodeIndex('38511210519'))?.accountId).toBe(victim.me!.id);

    // Kristjan removes it from his profile: the index goes at once (a removed code links nobody).
    const removed = await call('/api/me/profile', { method: 'PATCH', as: victim.me!.id, json: { personalCode: null } });
    expect(removed.status).toBe(200);
    expect(removed.body.personalCode).toBeUndefined();
    expect(await pcodeIndex('38511210519')).toBeUndefined();
  });

  it('AUTH-3: the answer for a taken code is the same as for a free one (status, body shape, storage work), and code changes are throttled', async () => {
    const taken = await call('/api/me/profile', { method: 'PATCH', as: A.cmsAuthor, json: { personalCode: { country: 'EE', code: '47502124911' } } });
    const free = await call('/api/me/profile', {
      method: 'PATCH',
      as: A.municipality,
      json: { personalCode: { country: 'EE', code: '50903150414' } },
    });
    expect(taken.status).toBe(200);
    expect(free.status).toBe(200);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(free.body).sort());
    expect(taken.body.personalCodeVerified).toBe(false);
    // Same Cosmos operations on both paths: nothing looks the code up.
    expect(taken.headers.get('x-cosmos-ops')).toBe(free.headers.get('x-cosmos-ops'));

    const codes = ['36805280109', '47302200234', '38207146522', '51208230619'];
    for (const code of codes)
      expect((await call('/api/me/profile', { method: 'PATCH', as: A.cmsAuthor, json: { personalCode: { country: 'EE', code } } })).status).toBe(200);
    const limited = await call('/api/me/profile', {
      method: 'PATCH',
      as: A.cmsAuthor,
      json: { personalCode: { country: 'EE', code: '47502124911' } },
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('too_many_attempts');
    // The owner is told each time their code changed.
    expect((await mailsTo('anu.autor@naide.example', /personal identification code|isikukood/i)).length).toBeGreaterThanOrEqual(1);
  });

  it('AUTH-3: a HarID password sign-in (amr "harid") is not eID grade: its code is kept unverified and links nothing', async () => {
    const uku = await signInWith('harid', 'uku.uus@kuusiku.example');
    expect(uku.me).toMatchObject({ personalCode: { code: '51401200276' }, personalCodeVerified: false });
    expect(await pcodeIndex('51401200276')).toBeUndefined();
  });
});

describe('AUTH-3: a typed code becomes proof only through the person’s own eID', () => {
  it('AUTH-3: linking one’s own eID-grade HarID login while signed in verifies the code one typed; the owner is told', async () => {
    expect(
      (await call('/api/me/profile', { method: 'PATCH', as: A.cmsEditor, json: { personalCode: { country: 'EE', code: '37705150332' } } })).body
        .personalCodeVerified,
    ).toBe(false);
    const browser = new Browser();
    const login = await browser.request(`${host.url}/api/auth/password/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'enn.editor@naide.example', password: demo.password }),
    });
    expect(login.status).toBe(200);
    // Linking starts with a CSRF-protected POST; the browser then goes where it answers.
    const linkHarid = async () => {
      const started = await browser.request(`${host.url}/api/auth/harid/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': browser.jar.get('__Host-opiq_csrf', `${host.url}/`) ?? '' },
        body: JSON.stringify({ loginHint: 'enn.editor@naide.example', returnTo: '/shop' }),
      });
      expect(started.status).toBe(200);
      const callback = await browser.followUntil(((await started.json()) as { location: string }).location, `${host.url}/api/auth/harid/callback`);
      await browser.navigate(callback, { stopAt: WEB });
    };
    await linkHarid();
    const me = (await (await browser.request(`${host.url}/api/me`)).json()) as Record<string, any>;
    expect(me).toMatchObject({ id: A.cmsEditor, personalCodeVerified: true });
    expect((await pcodeIndex('37705150332'))?.accountId).toBe(A.cmsEditor);
    expect(await mailsTo('enn.editor@naide.example', /new way to sign in|uus sisselogimisviis/i)).toHaveLength(1);

    // Removing a login is told to the owner too.
    const logins = (await call('/api/me/logins', { as: A.cmsEditor })).body.logins as { id: string; provider: string }[];
    const harid = logins.find((l) => l.provider === 'harid')!;
    expect((await call(`/api/me/logins/${encodeURIComponent(harid.id)}`, { method: 'DELETE', as: A.cmsEditor })).status).toBe(204);
    expect(await mailsTo('enn.editor@naide.example', /removed|eemaldati/i)).toHaveLength(1);

    // Linked again within the hour the e-mail queue drops repeated message ids: told again, it is news again.
    await linkHarid();
    expect(await mailsTo('enn.editor@naide.example', /new way to sign in|uus sisselogimisviis/i)).toHaveLength(2);
  });
});

describe('AUTH-3: eKool and Stuudium never link by code; Stuudium only for schools on the platform', () => {
  it('AUTH-3: takeover by eKool: an eKool assertion of a seeded person’s code lands in a new account, not theirs', async () => {
    const before = await loginsOf(A.eeParent);
    const ekool = await signInWith('ekool', 'tiina.saar@example.com');
    expect(ekool.signedIn).toBe(true);
    expect(ekool.me!.id).not.toBe(A.eeParent);
    expect(await loginsOf(A.eeParent)).toEqual(before);
    expect((await pcodeIndex('36805280109'))?.accountId).toBe(A.eeParent);
  });

  it('AUTH-3: takeover by Stuudium: the code it asserts does not link; an installation not on the platform cannot even start', async () => {
    const stuudium = await signInWith('stuudium', 'jaan.tamm@kuusiku.example', { school: 'kuusiku' });
    expect(stuudium.me!.id).not.toBe(A.eeTeacher);
    expect(await loginsOf(A.eeTeacher)).not.toContain('stuudium');

    const unknown = await fetch(`${host.url}/api/auth/stuudium/login?school=tammiku&loginHint=toomas.teine@tammiku.example`, {
      redirect: 'manual',
      headers: { 'accept-language': 'en' },
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.code).toBe('school_not_on_platform');
    // The allow-list is checked again at the callback: a school taken off it stops signing people in.
    const browser = new Browser();
    const callback = await browser.followUntil(
      `${host.url}/api/auth/stuudium/login?school=kuusiku&loginHint=liis.saar@kuusiku.example`,
      `${host.url}/api/auth/stuudium/callback`,
    );
    await host.services.db.collection('logins').delete('stuudium-installation:kuusiku', 'stuudium-installation:kuusiku');
    try {
      const landed = new URL((await browser.navigate(callback, { stopAt: WEB })).url);
      expect(landed.searchParams.get('error')).toBe('wrong_school');
    } finally {
      await host.services.db
        .collection('logins')
        .upsert({ id: 'stuudium-installation:kuusiku', type: 'stuudium-installation', subdomain: 'kuusiku', schoolId: S.ee });
    }
  });
});

describe('ACC-5, AUTH-3: codes the school enters', () => {
  it('ACC-5: an eID sign-in with the school-entered code and the same names links to the student; the owner and the school are e-mailed', async () => {
    const entered = await call(`/api/schools/${S.ee}/students/${A.eeStudent2}`, {
      method: 'PATCH',
      as: A.eeAdmin,
      json: { personalCode: { country: 'EE', code: '61311210219' } },
    });
    expect(entered.status).toBe(200);
    expect(entered.body.personalCodeVerified).toBe(true);
    expect(await pcodeIndex('61311210219')).toMatchObject({ accountId: A.eeStudent2, verification: 'school', schoolId: S.ee });

    const liis = await signInWith('harid', 'liis.saar@kuusiku.example'); // Smart-ID, names match
    expect(liis.me!.id).toBe(A.eeStudent2);
    expect(await mailsTo('liis.saar@kuusiku.example', /new way to sign in|uus sisselogimisviis/i)).toHaveLength(1);
    expect(await mailsTo('kadri.kask@kuusiku.example', /linked to a sign-in|seoti sisselogimisega/i)).toHaveLength(1);
  });

  it('AUTH-3: takeover by school rectification: after the school corrects a code, the old code’s owner no longer gets in; the index is released at once', async () => {
    const wrong = await call(`/api/schools/${S.ee}/students/${A.eeStudent}`, {
      method: 'PATCH',
      as: A.eeAdmin,
      json: { personalCode: { country: 'EE', code: '51403090216' } },
    });
    expect(wrong.status).toBe(200);
    expect((await pcodeIndex('51403090216'))?.accountId).toBe(A.eeStudent);
    const corrected = await call(`/api/schools/${S.ee}/students/${A.eeStudent}`, {
      method: 'PATCH',
      as: A.eeAdmin,
      json: { personalCode: { country: 'EE', code: '51208230619' } },
    });
    expect(corrected.status).toBe(200);
    expect(await pcodeIndex('51403090216')).toBeUndefined();
    expect((await pcodeIndex('51208230619'))?.accountId).toBe(A.eeStudent);

    const oldOwner = await signInWith('harid', 'mihkel.saar@kuusiku.example'); // Mobile-ID, code 51403090216
    expect(oldOwner.signedIn).toBe(true);
    expect(oldOwner.me!.id).not.toBe(A.eeStudent);
    expect(await loginsOf(A.eeStudent)).not.toContain('harid');
  });

  it('ACC-5: an eID sign-in with the school-entered code but other names waits for the school; the administrator lists it and refuses', async () => {
    // Mihkel's account now holds Oskar Org's code (the correction above): Oskar signs in with Smart-ID.
    const first = await signInWith('harid', 'oskar.org@example.com');
    expect(first.signedIn).toBe(false);
    expect(first.landed.searchParams.get('error')).toBe('school_confirmation_pending');
    expect(await mailsTo('kadri.kask@kuusiku.example', /confirm a student|kinnita õpilase/i)).toHaveLength(1);

    const waiting = await call(`/api/schools/${S.ee}/code-links?status=requested`, { as: A.eeAdmin });
    expect(waiting.status).toBe(200);
    const request = waiting.body.codeLinks.find((l: { accountId: string }) => l.accountId === A.eeStudent);
    expect(request).toMatchObject({
      provider: 'harid',
      asserted: { firstName: 'Oskar', lastName: 'Org' },
      student: { firstName: 'Mihkel', lastName: 'Saar' },
    });
    // Others cannot see or decide it (ACL-1).
    expect((await call(`/api/schools/${S.ee}/code-links`, { as: A.eeTeacher })).status).toBe(403);
    expect(
      (await call(`/api/schools/${S.ee}/code-links/${encodeURIComponent(request.id)}/confirm`, { method: 'POST', as: A.twoSchools })).status,
    ).toBe(403);

    // Signing in again while it waits does not get in, nor does it ask the school twice.
    expect((await signInWith('harid', 'oskar.org@example.com')).signedIn).toBe(false);
    expect(await mailsTo('kadri.kask@kuusiku.example', /confirm a student|kinnita õpilase/i)).toHaveLength(1);

    const refused = await call(`/api/schools/${S.ee}/code-links/${encodeURIComponent(request.id)}/refuse`, { method: 'POST', as: A.eeAdmin });
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('refused');
    expect((await call(`/api/schools/${S.ee}/code-links/${encodeURIComponent(request.id)}/confirm`, { method: 'POST', as: A.eeAdmin })).status).toBe(
      409,
    );
    const own = await signInWith('harid', 'oskar.org@example.com');
    expect(own.signedIn).toBe(true);
    expect(own.me!.id).not.toBe(A.eeStudent);
  });

  it('ACC-5: the school confirms an eID sign-in with other names (a changed surname): it is linked and the student told', async () => {
    // Koivula's administrator (Helena) enters the code for Eero; Marten Mänd's Smart-ID carries it.
    expect(
      (
        await call(`/api/schools/${S.fi}/students/${A.fiStudent}`, {
          method: 'PATCH',
          as: A.twoSchools,
          json: { personalCode: { country: 'EE', code: '50903150414' } },
        })
      ).status,
    ).toBe(200);
    expect((await signInWith('harid', 'marten.mand@example.com')).landed.searchParams.get('error')).toBe('school_confirmation_pending');
    const [request] = (await call(`/api/schools/${S.fi}/code-links?status=requested`, { as: A.twoSchools })).body.codeLinks;
    const confirmed = await call(`/api/schools/${S.fi}/code-links/${encodeURIComponent(request.id)}/confirm`, { method: 'POST', as: A.twoSchools });
    expect(confirmed.status).toBe(200);
    expect(
      (await call(`/api/schools/${S.fi}/code-links/${encodeURIComponent(request.id)}/confirm`, { method: 'POST', as: A.twoSchools })).status,
    ).toBe(200);
    const marten = await signInWith('harid', 'marten.mand@example.com');
    expect(marten.me!.id).toBe(A.fiStudent);
    expect(await mailsTo('eero.korhonen@koivula.example', /kirjautumistapa|new way to sign in/i)).toHaveLength(1);
  });

  it('AUTH-3: the school’s answer for a code another account holds is the same as for a free one (status, storage work)', async () => {
    // Liis and Eero both hold a school-entered code: one gets Mari's (taken), the other a free one.
    const taken = await call(`/api/schools/${S.ee}/students/${A.eeStudent2}`, {
      method: 'PATCH',
      as: A.eeAdmin,
      json: { personalCode: { country: 'EE', code: '47502124911' } },
    });
    const free = await call(`/api/schools/${S.fi}/students/${A.fiStudent}`, {
      method: 'PATCH',
      as: A.twoSchools,
      json: { personalCode: { country: 'EE', code: '36001010005' } },
    });
    expect(taken.status).toBe(200);
    expect(free.status).toBe(200);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(free.body).sort());
    expect(taken.headers.get('x-cosmos-ops')).toBe(free.headers.get('x-cosmos-ops'));
    // The taken code stays Mari's link target; it is not moved to the student.
    expect((await pcodeIndex('47502124911'))?.accountId).toBe(A.eeClassTeacher);
  });

  it('AUTH-3: removing a code releases its index at once', async () => {
    const removed = await call(`/api/schools/${S.ee}/students/${A.eeStudent}`, { method: 'PATCH', as: A.eeAdmin, json: { personalCode: null } });
    expect(removed.status).toBe(200);
    expect(removed.body.personalCode).toBeUndefined();
    expect(await pcodeIndex('51208230619')).toBeUndefined();
  });
});
