import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/index.js';
import { emailLoginId, type LoginIndexDoc } from '../shared/auth/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { queueEmail } from '../shared/messaging/index.js';
import { apiAt } from './helpers.js';

/**
 * Issue 15, the gaps left last session: mail to an address with no account (OPS-3), consents of children under 13
 * given by a parent (MKT-1, PRIV-6), students of unknown age. Its own host: the Finnish site and sender configured as
 * in production (as test/countries.e2e.test.ts).
 */
let host: LocalHost;
const EE_SITE = 'http://localhost:5173';
const FI_SITE = 'https://www.opiq.fi';
const FI_SENDER = 'noreply@opiq.fi';
const PASSWORD = 'Kolm-rohelist-Kassi-2026';

beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    sweepIntervalMs: 0,
    env: { PUBLIC_WEB_URL: EE_SITE, PUBLIC_WEB_URL_FI: FI_SITE, EMAIL_FROM_FI: FI_SENDER },
  });
});
afterAll(async () => host?.close());

const call = apiAt(() => host.url);

async function tokenFor(accountId: string): Promise<string> {
  return (await call('/_local/tokens', { method: 'POST', json: { accountId } })).body.accessToken as string;
}

async function signUpFrom(origin: string, email: string, language: 'et' | 'fi' | 'en') {
  const r = await call('/api/auth/password/signup', {
    method: 'POST',
    headers: { origin },
    json: { email, password: PASSWORD, firstName: 'Test', lastName: 'Person', language },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  await host.bus.idle();
  return host.outbox.messages.filter((m) => m.to === email);
}

describe('issue 15: mail to an address with no account', () => {
  it('OPS-3: a sign-up from the Finnish site in English becomes a Finnish account: Finnish sender and site, the footer in English', async () => {
    const mails = await signUpFrom(FI_SITE, 'new.reader@example.fi', 'en');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: FI_SENDER, fromName: 'Opiq (E-Oppi Oy)', country: 'FI' });
    expect(mails[0]!.text).toContain(`${FI_SITE}/verify-email?token=`);
    expect(mails[0]!.text).toContain('The service is operated by E-Oppi Oy, on behalf of Star Cloud OÜ');
    expect(mails[0]!.text).toContain('Supervisory authority: Data Protection Ombudsman (Finland)');
  });

  it("OPS-3: the 'account exists' notice whose account is gone by the time it is sent goes from the site's country, with its footer", async () => {
    const email = 'gone.reader@example.fi';
    await signUpFrom(FI_SITE, email, 'fi');
    const login = await host.services.db.collection('logins').read<LoginIndexDoc>(emailLoginId(email), emailLoginId(email));
    await host.services.db.collection('accounts').delete(login!.accountId, login!.accountId);
    const mails = await signUpFrom(FI_SITE, email, 'fi');
    const notice = mails.at(-1)!;
    expect(mails).toHaveLength(2);
    expect(notice).toMatchObject({ from: FI_SENDER, country: 'FI' });
    expect(notice.text).toContain(`${FI_SITE}/reset-password?token=`);
    expect(notice.text).toContain('Palvelun tarjoaa E-Oppi Oy');
  });

  it("OPS-3: an invitation to an address with no account goes as the inviting school's country, though the inviter is Estonian", async () => {
    const email = 'not.registered.yet@example.fi';
    const invited = await call(`/api/schools/${demo.schools.fi}/invitations`, {
      method: 'POST',
      token: await tokenFor(demo.accounts.twoSchools),
      json: { email, role: 'student', classId: demo.classes.fi7a, language: 'en' },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    await host.bus.idle();
    const mail = host.outbox.messages.find((m) => m.to === email)!;
    expect(mail).toMatchObject({ from: FI_SENDER, country: 'FI' });
    expect(mail.text).toContain(`${FI_SITE}/invitations/accept?token=`);
    expect(mail.text).toContain('The service is operated by E-Oppi Oy');
  });

  it('OPS-3: mail queued with no country at all still ends with a footer: the Estonian sender and the Estonian footer', async () => {
    await queueEmail(host.services, { to: 'nobody.known@example.ee', subject: 'Teade', text: 'Tere.', category: 'service' }, 'issue15-no-country');
    await host.bus.idle();
    const mail = host.outbox.messages.find((m) => m.to === 'nobody.known@example.ee')!;
    expect(mail).toMatchObject({ fromName: 'Opiq (Star Cloud OÜ)', country: 'EE' });
    expect(mail.text).toContain('Teenust osutab Star Cloud OÜ, 12731921');
    expect(mail.text).toContain('Järelevalveasutus: Andmekaitse Inspektsioon (info@aki.ee, https://www.aki.ee)');
  });
});

const now = () => host.clock.now().toISOString();
const accounts = () => host.services.db.collection('accounts');
const readAccount = async (id: string) => (await accounts().read<AccountDoc>(id, id))!;

/**
 * A parent and a student of Kuusiku whose link the school confirmed (recorded on both sides, as confirming writes
 * it, ACC-3); the child's birth date as given (none: age unknown).
 */
async function family(childBirthDate: string | undefined) {
  const tag = randomUUID().slice(0, 8);
  const parentId = `acc-i15-parent-${tag}`;
  const childId = `acc-i15-child-${tag}`;
  const linkId = `parent-link:${tag}`;
  const base = (id: string, firstName: string) => ({
    id,
    type: 'account' as const,
    accountId: id,
    firstName,
    lastName: 'Consent',
    email: `${id}@example.ee`,
    language: 'et' as const,
    country: 'EE' as const,
    status: 'active' as const,
    createdAt: now(),
    updatedAt: now(),
  });
  await accounts().upsert<AccountDoc>({ ...base(parentId, 'Vanem'), children: [{ accountId: childId, schoolId: demo.schools.ee, linkId }] });
  await accounts().upsert<AccountDoc>({
    ...base(childId, 'Laps'),
    ...(childBirthDate ? { birthDate: childBirthDate } : {}),
    schoolRoles: [{ schoolId: demo.schools.ee, role: 'student', classId: demo.classes.ee5a }],
    parents: [{ accountId: parentId, schoolId: demo.schools.ee, linkId }],
  });
  return { parentId, childId, parent: await tokenFor(parentId), child: await tokenFor(childId) };
}

const newsletter = (consents: { purpose: string }[]) => consents.find((c) => c.purpose === 'newsletter') as Record<string, unknown>;
const ownConsent = (token: string, given: boolean) => call('/api/me/consents', { method: 'POST', token, json: { purpose: 'newsletter', given } });
const parentConsent = (token: string, childId: string, given: boolean) =>
  call(`/api/children/${childId}/consents`, { method: 'POST', token, json: { purpose: 'newsletter', given, version: '2026-01' } });

/** How many people a newsletter to Estonia's students would reach now (MKT-1: `maySendMarketing` for each). */
async function studentAudience(): Promise<number> {
  const token = await tokenFor(demo.accounts.operatorAdmin);
  const content = { subject: 'Uudised', text: 'Opiqi uudised.' };
  const created = await call('/api/ops/mailings', {
    method: 'POST',
    token,
    json: { kind: 'marketing', audience: { country: 'EE', roles: ['student'] }, content: { et: content, fi: content, en: content } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const preview = await call(`/api/ops/mailings/${created.body.id}/audience`, { token });
  expect(preview.status).toBe(200);
  return preview.body.count as number;
}

describe('issue 15: consents of children who cannot consent alone (GDPR Article 8)', () => {
  it("MKT-1, PRIV-6: a parent gives the newsletter consent of a child under 13, recorded as the parent's (who, when, version); the child's own attempt stays 403; the newsletter may reach the child", async () => {
    const f = await family('2016-05-05');
    const refused = await ownConsent(f.child, true);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('consent_needs_parent');
    const before = await studentAudience();

    const given = await parentConsent(f.parent, f.childId, true);
    expect(given.status, JSON.stringify(given.body)).toBe(200);
    expect(newsletter(given.body.consents)).toMatchObject({ given: true, version: '2026-01', channel: 'settings', as: 'parent', needsParent: true });
    // The child sees it in their own settings and history as the parent's; the proof names the parent.
    expect(newsletter((await call('/api/me/consents', { token: f.child })).body.consents)).toMatchObject({ given: true, as: 'parent' });
    const history = await call('/api/me/consents/history', { token: f.child });
    expect(history.body.events).toEqual([expect.objectContaining({ purpose: 'newsletter', given: true, version: '2026-01', as: 'parent' })]);
    const events = await accounts().queryAll<{ by: string; as?: string }>(f.childId, { where: "c.type = 'consent-event'" });
    expect(events).toEqual([
      expect.objectContaining({ purpose: 'newsletter', by: f.parentId, as: 'parent', version: '2026-01', at: expect.any(String) }),
    ]);
    expect(await studentAudience()).toBe(before + 1);

    // The parent reads the child's consents; the child's own consent stays refused while the parent's stands.
    expect(newsletter((await call(`/api/children/${f.childId}/consents`, { token: f.parent })).body.consents)).toMatchObject({
      given: true,
      as: 'parent',
    });
    expect((await ownConsent(f.child, true)).status).toBe(403);
    // Withdrawing: the parent's, as the child's own, is at once.
    const withdrawn = await parentConsent(f.parent, f.childId, false);
    expect(newsletter(withdrawn.body.consents)).toMatchObject({ given: false, as: 'parent' });
    expect(await studentAudience()).toBe(before);
    expect((await parentConsent(f.parent, f.childId, true)).status).toBe(200);
    expect((await ownConsent(f.child, false)).status).toBe(200);
    expect(await studentAudience()).toBe(before);
  });

  it('MKT-1, PRIV-6: a child of 13 or more decides alone: the parent is refused (403), the child consents', async () => {
    const f = await family('2012-01-15');
    const refused = await parentConsent(f.parent, f.childId, true);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await call(`/api/children/${f.childId}/consents`, { token: f.parent })).status).toBe(403);
    const own = await ownConsent(f.child, true);
    expect(own.status).toBe(200);
    expect(newsletter(own.body.consents)).toMatchObject({ given: true, as: 'self', needsParent: false });
  });

  it('MKT-1, PRIV-6: a student whose age is not known counts as under 13: 403 alone, a parent may give it; a recorded birth date of 13+ lets them decide alone', async () => {
    const f = await family(undefined);
    const listed = await call('/api/me/consents', { token: f.child });
    expect(newsletter(listed.body.consents)).toMatchObject({ given: false, needsParent: true });
    expect((await ownConsent(f.child, true)).body.error.code).toBe('consent_needs_parent');
    const before = await studentAudience();
    expect((await parentConsent(f.parent, f.childId, true)).status).toBe(200);
    expect(await studentAudience()).toBe(before + 1);

    // The school records the birth date: 14 years old, the child's own choice now counts and the parent's route is closed.
    await accounts().upsert<AccountDoc>({ ...(await readAccount(f.childId)), birthDate: '2012-02-02' });
    expect((await ownConsent(f.child, false)).status).toBe(200);
    expect((await ownConsent(f.child, true)).status).toBe(200);
    expect((await parentConsent(f.parent, f.childId, false)).status).toBe(403);
  });

  it('PRIV-6: a person not named as the child’s parent on the child’s side is refused', async () => {
    const f = await family('2016-05-05');
    const stranger = await family(undefined);
    expect((await parentConsent(stranger.parent, f.childId, true)).status).toBe(403);
    expect((await readAccount(f.childId)).consents).toBeUndefined();
  });
});
