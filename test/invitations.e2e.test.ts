import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { api, tokenFor } from './helpers.js';
import { adminToken, mailedToken, newPerson, outboxFor } from './people.js';

const ee = demo.schools.ee;
const invitations = (schoolId: string = ee) => `/api/schools/${schoolId}/invitations`;
const accept = (token: string, invitationToken: string, language = 'en') =>
  api('/api/invitations/accept', { method: 'POST', token, json: { token: invitationToken }, headers: { 'accept-language': language } });

describe('ACC-2: invitations', () => {
  it('ACC-2: an administrator invites into any role; the invitee accepts and holds the role at once, with who invited them', async () => {
    const email = `teacher-${randomUUID()}@example.com`;
    const admin = await adminToken();
    const invited = await api(invitations(), { method: 'POST', token: admin, json: { email, role: 'teacher', subjects: ['physics', 'chemistry'] } });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      schoolId: ee,
      email,
      role: 'teacher',
      subjects: ['physics', 'chemistry'],
      status: 'pending',
      invitedBy: demo.accounts.eeAdmin,
      inviter: { accountId: demo.accounts.eeAdmin, firstName: 'Kadri', lastName: 'Kask', email: 'kadri.kask@kuusiku.example' },
    });
    expect(Date.parse(invited.body.expiresAt) - Date.parse(invited.body.invitedAt)).toBe(14 * 86_400_000);
    expect(JSON.stringify(invited.body)).not.toMatch(/token/i);

    // The e-mail (in the school's language) names the inviter, the school and the role, and carries the link.
    const [mail] = await outboxFor(email);
    expect(mail).toMatchObject({ subject: 'Kutse kooli Kuusiku Põhikool', category: 'service' });
    expect(mail!.text).toContain('Kadri Kask (kadri.kask@kuusiku.example)');
    expect(mail!.text).toContain('rolli: õpetaja');
    expect(mail!.text).toMatch(/http:\/\/127\.0\.0\.1:3000\/invitations\/accept\?token=school-ee-kuusiku\.[A-Za-z0-9_-]{43}\s/);

    // Stored: only the token's hash; the id is that hash; closed-or-expired retention as a ttl.
    const stored = (await api(`/_local/documents/schools/${ee}/${encodeURIComponent(invited.body.id)}`)).body;
    const token = await mailedToken(email, /Kutse kooli/);
    expect(JSON.stringify(stored)).not.toContain(token.split('.').at(-1));
    expect(stored).toMatchObject({ type: 'invitation', tokenHash: invited.body.id.slice('invitation:'.length), ttl: (14 + 30) * 86_400 });

    const invitee = await newPerson('Tõnu', { email });
    expect((await api(`/api/schools/${ee}`, { token: invitee.token })).status).toBe(403);
    const accepted = await accept(invitee.token, token);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ schoolId: ee, role: 'teacher' });

    // The role counts at once: the account's summary has it and school routes open.
    expect((await api('/api/me', { token: invitee.token })).body.schoolRoles).toEqual([
      { schoolId: ee, role: 'teacher', subjects: ['physics', 'chemistry'] },
    ]);
    expect((await api(`/api/schools/${ee}`, { token: invitee.token })).status).toBe(200);
    const membership = (await api(`/_local/documents/schools/${ee}/${encodeURIComponent(accepted.body.membershipId)}`)).body;
    expect(membership).toMatchObject({
      type: 'membership',
      accountId: invitee.accountId,
      role: 'teacher',
      status: 'active',
      invitedBy: demo.accounts.eeAdmin,
      inviter: { firstName: 'Kadri', lastName: 'Kask' },
      invitationId: invited.body.id,
      firstName: 'Tõnu',
      email,
    });

    // Accepting again is harmless; someone else cannot use the same link.
    const repeat = await accept(invitee.token, token);
    expect(repeat.status).toBe(200);
    expect(repeat.body.membershipId).toBe(accepted.body.membershipId);
    expect((await api('/api/me', { token: invitee.token })).body.schoolRoles).toHaveLength(1);
    const other = await newPerson('Teine');
    const used = await accept(other.token, token);
    expect(used.status).toBe(410);
    expect(used.body.error).toEqual({ code: 'invitation_used', message: 'This invitation has already been used.' });

    const listed = (await api(invitations(), { token: admin })).body.invitations.find((i: any) => i.id === invited.body.id);
    expect(listed).toMatchObject({ status: 'accepted', acceptedBy: invitee.accountId });
    const closed = (await api(`/_local/documents/schools/${ee}/${encodeURIComponent(invited.body.id)}`)).body;
    expect(closed.ttl).toBe(30 * 86_400);
    // An accepted invitation cannot be withdrawn (the role is ended among the members instead).
    expect((await api(`${invitations()}/${encodeURIComponent(invited.body.id)}`, { method: 'DELETE', token: admin })).status).toBe(409);
  });

  it('ACC-2: a teacher invites students only, into a class of their own school, and sees the invitations they sent', async () => {
    const teacher = await tokenFor(demo.accounts.eeClassTeacher);
    const asTeacher = await api(invitations(), {
      method: 'POST',
      token: teacher,
      json: { email: `t-${randomUUID()}@example.com`, role: 'teacher' },
      headers: { 'accept-language': 'en' },
    });
    expect(asTeacher.status).toBe(403);
    expect(asTeacher.body.error.code).toBe('invitation_role_not_allowed');
    for (const json of [{ role: 'classTeacher', classId: demo.classes.ee5a }, { role: 'schoolAdmin' }])
      expect((await api(invitations(), { method: 'POST', token: teacher, json: { email: `t-${randomUUID()}@example.com`, ...json } })).status).toBe(
        403,
      );

    const foreignClass = await api(invitations(), {
      method: 'POST',
      token: teacher,
      json: { email: `s-${randomUUID()}@example.com`, role: 'student', classId: demo.classes.fi7a },
    });
    expect(foreignClass.status).toBe(422);
    expect(foreignClass.body.error.code).toBe('class_not_found');

    const email = `student-${randomUUID()}@example.com`;
    const invited = await api(invitations(), {
      method: 'POST',
      token: teacher,
      json: { email, role: 'student', classId: demo.classes.ee5a, language: 'en' },
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      role: 'student',
      classId: demo.classes.ee5a,
      invitedBy: demo.accounts.eeClassTeacher,
      inviter: { firstName: 'Mari' },
    });
    const [mail] = await outboxFor(email);
    expect(mail).toMatchObject({ subject: 'Invitation to Kuusiku Põhikool' });
    expect(mail!.text).toContain('Mari Mets (mari.mets@kuusiku.example) invites you to Kuusiku Põhikool on Opiq as student, class 5.a');

    // The teacher lists what they sent; the administrator sees everything, including the teacher's.
    const mine = (await api(invitations(), { token: teacher })).body.invitations;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((i: any) => i.invitedBy === demo.accounts.eeClassTeacher)).toBe(true);
    const all = (await api(`${invitations()}?status=pending`, { token: await adminToken() })).body.invitations;
    expect(all.map((i: any) => i.id)).toContain(invited.body.id);
    expect(all.every((i: any) => i.status === 'pending')).toBe(true);

    const student = await newPerson('Sten', { email });
    const accepted = await accept(student.token, await mailedToken(email, /Invitation to/));
    expect(accepted.body).toMatchObject({ role: 'student', classId: demo.classes.ee5a });
    expect((await api('/api/me', { token: student.token })).body.schoolRoles).toEqual([
      { schoolId: ee, role: 'student', classId: demo.classes.ee5a },
    ]);
  });

  it('ACC-2: a class teacher invitation names a class of the school; only students and class teachers have one', async () => {
    const admin = await adminToken();
    const noClass = await api(invitations(), {
      method: 'POST',
      token: admin,
      json: { email: `ct-${randomUUID()}@example.com`, role: 'classTeacher' },
    });
    expect([noClass.status, noClass.body.error.code]).toEqual([422, 'class_required']);
    const teacherWithClass = await api(invitations(), {
      method: 'POST',
      token: admin,
      json: { email: `ct-${randomUUID()}@example.com`, role: 'teacher', classId: demo.classes.ee5a },
    });
    expect([teacherWithClass.status, teacherWithClass.body.error.code]).toEqual([422, 'validation_failed']);
    const badEmail = await api(invitations(), { method: 'POST', token: admin, json: { email: 'not an address', role: 'student' } });
    expect(badEmail.status).toBe(422);

    const email = `ct-${randomUUID()}@example.com`;
    const invited = await api(invitations(), { method: 'POST', token: admin, json: { email, role: 'classTeacher', classId: demo.classes.ee6b } });
    expect(invited.status).toBe(201);
    const person = await newPerson('Kaie', { email });
    expect((await accept(person.token, await mailedToken(email, /Kutse kooli/))).body).toMatchObject({
      role: 'classTeacher',
      classId: demo.classes.ee6b,
    });
    expect((await api('/api/me', { token: person.token })).body.schoolRoles).toEqual([
      { schoolId: ee, role: 'classTeacher', classId: demo.classes.ee6b },
    ]);
  });

  it('ACC-2: a withdrawn invitation cannot be used; only the administrator or the inviter withdraws it', async () => {
    const email = `revoke-${randomUUID()}@example.com`;
    const mari = await tokenFor(demo.accounts.eeClassTeacher);
    const invited = await api(invitations(), { method: 'POST', token: mari, json: { email, role: 'student', classId: demo.classes.ee5a } });
    const path = `${invitations()}/${encodeURIComponent(invited.body.id)}`;

    // Another teacher of the same school did not send it.
    expect((await api(path, { method: 'DELETE', token: await tokenFor(demo.accounts.eeTeacher) })).status).toBe(403);
    expect((await api(path, { method: 'DELETE', token: mari })).status).toBe(204);
    expect((await api(path, { method: 'DELETE', token: mari })).status).toBe(204);
    expect((await api(`${invitations()}/invitation:nope`, { method: 'DELETE', token: mari })).status).toBe(404);

    const person = await newPerson('Robert', { email });
    const refused = await accept(person.token, await mailedToken(email, /Kutse kooli/));
    expect(refused.status).toBe(410);
    expect(refused.body.error.code).toBe('invitation_revoked');
    expect((await api('/api/me', { token: person.token })).body.schoolRoles).toEqual([]);
    const listed = (await api(invitations(), { token: await adminToken() })).body.invitations.find((i: any) => i.id === invited.body.id);
    expect(listed).toMatchObject({ status: 'revoked', revokedBy: demo.accounts.eeClassTeacher });

    // The administrator may withdraw a teacher's invitation.
    const second = await api(invitations(), { method: 'POST', token: mari, json: { email: `r2-${randomUUID()}@example.com`, role: 'student' } });
    expect((await api(`${invitations()}/${encodeURIComponent(second.body.id)}`, { method: 'DELETE', token: await adminToken() })).status).toBe(204);
  });

  it('ACC-2: unknown or malformed invitation links are refused with invitation_invalid', async () => {
    const person = await tokenFor(demo.accounts.privateUser);
    for (const token of ['nonsense', `${ee}.${'A'.repeat(43)}`, `school-nowhere.${'B'.repeat(43)}`, `${ee}.short`]) {
      const r = await accept(person, token);
      expect(r.status, token).toBe(400);
      expect(r.body.error).toEqual({ code: 'invitation_invalid', message: 'The invitation link is not valid. Check that you copied all of it.' });
    }
    expect((await api('/api/invitations/accept', { method: 'POST', json: { token: 'x' } })).status).toBe(401);
  });

  it("ACL-1: people of another school, students and parents cannot invite into or list a school's invitations", async () => {
    for (const accountId of [demo.accounts.fiTeacher, demo.accounts.eeStudent, demo.accounts.eeParent, demo.accounts.privateUser]) {
      const token = await tokenFor(accountId);
      expect(
        (await api(invitations(), { method: 'POST', token, json: { email: `x-${randomUUID()}@example.com`, role: 'student' } })).status,
        accountId,
      ).toBe(403);
      expect((await api(invitations(), { token })).status, accountId).toBe(403);
    }
    // Helena administers Koivula and teaches at Kuusiku: at Kuusiku she may invite students only.
    const helena = await tokenFor(demo.accounts.twoSchools);
    expect(
      (await api(invitations(), { method: 'POST', token: helena, json: { email: `x-${randomUUID()}@example.com`, role: 'schoolAdmin' } })).body.error
        .code,
    ).toBe('invitation_role_not_allowed');
    expect(
      (await api(invitations(demo.schools.fi), { method: 'POST', token: helena, json: { email: `x-${randomUUID()}@example.com`, role: 'teacher' } }))
        .status,
    ).toBe(201);
  });
});

describe('ACC-2: invitation expiry (own host: the clock moves)', () => {
  let host: LocalHost;
  const call = async (path: string, init: { method?: string; token?: string; json?: unknown } = {}) => {
    const response = await fetch(`${host.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', 'accept-language': 'en', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const tokenOn = async (accountId: string) => (await call('/_local/tokens', { method: 'POST', json: { accountId } })).body.accessToken as string;

  beforeAll(async () => {
    host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, redeliveryDelayMs: 5 });
  });
  afterAll(async () => host?.close());

  it('ACC-2: an invitation expires after 14 days (410 invitation_expired) and Cosmos removes it 30 days later', async () => {
    const email = `late-${randomUUID()}@example.com`;
    const invited = await call(invitations(), { method: 'POST', token: await tokenOn(demo.accounts.eeAdmin), json: { email, role: 'student' } });
    expect(invited.status).toBe(201);
    let mail = host.outbox.messages.find((m) => m.to === email);
    for (let i = 0; i < 40 && !mail; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      mail = host.outbox.messages.find((m) => m.to === email);
    }
    const token = decodeURIComponent(/token=([^\s]+)/.exec(mail!.text)![1]!);

    host.clock.advance(14 * 86_400_000 + 1000);
    const late = await call('/api/invitations/accept', { method: 'POST', token: await tokenOn(demo.accounts.privateUser), json: { token } });
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('invitation_expired');
    const listed = (await call(invitations(), { token: await tokenOn(demo.accounts.eeAdmin) })).body.invitations.find(
      (i: any) => i.id === invited.body.id,
    );
    expect(listed.status).toBe('expired');

    host.clock.advance(30 * 86_400_000);
    await host.sweeper.sweepOnce();
    expect(await host.services.db.collection('schools').read(invited.body.id, ee)).toBeUndefined();
  });
});
