import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { demo } from '../shared/local/seed.js';
import { api, tokenFor } from './helpers.js';
import { adminToken, birthDateIn, mailedToken, newPerson, newStudent, outboxFor } from './people.js';

/**
 * Issue 17, "other findings": an invitation link gave a staff role to whoever opened it, and a parent link could name
 * a password account whose address was never verified. Each attack as reproduced, on the shared host.
 */
const ee = demo.schools.ee;
const invitations = `/api/schools/${ee}/invitations`;
const accept = (token: string, invitationToken: string) =>
  api('/api/invitations/accept', { method: 'POST', token, json: { token: invitationToken }, headers: { 'accept-language': 'en' } });

async function invite(role: string, extra: Record<string, unknown> = {}) {
  const email = `${role.toLowerCase()}-${randomUUID()}@example.com`;
  const invited = await api(invitations, { method: 'POST', token: await adminToken(), json: { email, role, ...extra } });
  expect(invited.status).toBe(201);
  return { email, id: invited.body.id as string, token: await mailedToken(email, /Kutse kooli/) };
}

describe('ACC-2: an invitation link alone does not give a staff role', () => {
  it('ACC-2, ACL-1: a Finnish student with a forwarded teacher invitation does not become a teacher in the Estonian school nor read its students', async () => {
    const invitation = await invite('teacher');
    const eero = await tokenFor(demo.accounts.fiStudent);
    const claimed = await accept(eero, invitation.token);
    expect(claimed.status).toBe(202);
    expect(claimed.body).toEqual({ status: 'awaiting-school-confirmation', schoolId: ee, role: 'teacher' });
    expect((await api('/api/me', { token: eero })).body.schoolRoles).toEqual([
      { schoolId: demo.schools.fi, role: 'student', classId: demo.classes.fi7a },
    ]);
    expect((await api(`/api/schools/${ee}/members`, { token: eero })).status).toBe(403);

    // The school sees the claim and is told; the real invitee (holding the address, verified) still gets the role.
    const listed = (await api(invitations, { token: await adminToken() })).body.invitations.find((i: any) => i.id === invitation.id);
    expect(listed).toMatchObject({ status: 'pending', claims: [{ accountId: demo.accounts.fiStudent, firstName: 'Eero' }] });
    expect((await outboxFor('kadri.kask@kuusiku.example')).some((m) => m.text.includes(invitation.email))).toBe(true);
    const invitee = await newPerson('Tarmo', { email: invitation.email });
    const accepted = await accept(invitee.token, invitation.token);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', role: 'teacher' });
    // The claim can no longer be confirmed: the invitation is used.
    const late = await api(`${invitations}/${encodeURIComponent(invitation.id)}/claims/${demo.accounts.fiStudent}/confirm`, {
      method: 'POST',
      token: await adminToken(),
    });
    expect(late.status).toBe(410);
  });

  it('ACC-2: a person who signed up with another address gets the administrator role only once the school confirms their claim', async () => {
    const invitation = await invite('schoolAdmin');
    const person = await newPerson('Reet');
    expect((await accept(person.token, invitation.token)).status).toBe(202);
    expect((await api(`/api/schools/${ee}/members`, { token: person.token })).status).toBe(403);

    // A teacher cannot confirm; an unknown claimant is 404.
    expect(
      (
        await api(`${invitations}/${encodeURIComponent(invitation.id)}/claims/${person.accountId}/confirm`, {
          method: 'POST',
          token: await tokenFor(demo.accounts.eeTeacher),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api(`${invitations}/${encodeURIComponent(invitation.id)}/claims/${demo.accounts.privateUser}/confirm`, {
          method: 'POST',
          token: await adminToken(),
        })
      ).status,
    ).toBe(404);

    const confirmed = await api(`${invitations}/${encodeURIComponent(invitation.id)}/claims/${person.accountId}/confirm`, {
      method: 'POST',
      token: await adminToken(),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ schoolId: ee, role: 'schoolAdmin' });
    expect((await api(`/api/schools/${ee}/members`, { token: person.token })).status).toBe(200);
    expect((await api(`/_local/documents/schools/${ee}/${encodeURIComponent(invitation.id)}`)).body).toMatchObject({
      acceptedBy: person.accountId,
      confirmedBy: demo.accounts.eeAdmin,
    });
  });

  it("ACC-2: a student invitation is limited to the school's country", async () => {
    const invitation = await invite('student', { classId: demo.classes.ee5a });
    const refused = await accept(await tokenFor(demo.accounts.fiTeacher), invitation.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('invitation_wrong_country');
    expect((await api(`/api/schools/${ee}`, { token: await tokenFor(demo.accounts.fiTeacher) })).status).toBe(403);
  });
});

describe('ACC-3: parent links name only verified addresses', () => {
  it('ACC-3: a student naming a password account whose e-mail was never verified gets the usual answer and no link request is made', async () => {
    const email = `unverified-${randomUUID()}@example.com`;
    const signup = await api('/api/auth/password/signup', {
      method: 'POST',
      headers: { 'x-forwarded-for': `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
      json: { email, password: 'a long test password 42', firstName: 'Vale', lastName: 'Vanem', language: 'et' },
    });
    expect(signup.status).toBe(202);
    const child = await newStudent('Kevin', birthDateIn(2013));
    const asked = await api('/api/me/parents', { method: 'POST', token: child.token, json: { parentEmail: email } });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ status: 'requested' });
    const review = await api<{ parentLinks: { childAccountId: string }[] }>(`/api/schools/${ee}/parent-links?status=requested`, {
      token: await adminToken(),
    });
    expect(review.body.parentLinks.filter((l) => l.childAccountId === child.accountId)).toEqual([]);
  });
});
