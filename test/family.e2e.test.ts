import { describe, expect, it, vi } from 'vitest';

import { demo } from '../shared/local/seed.js';
import { api, tokenFor } from './helpers.js';
import { adminToken, birthDateIn, confirmedLink, estonianCode, newPerson, newStudent, outboxFor, requestedLinkId } from './people.js';

const ee = demo.schools.ee;
const linkPath = (linkId: string, action: string, schoolId: string = ee) =>
  `/api/schools/${schoolId}/parent-links/${encodeURIComponent(linkId)}/${action}`;

describe('ACC-3: parent links', () => {
  it('ACC-3: a parent link counts only once the school confirms it', async () => {
    const child = await newStudent('Kaspar', birthDateIn(2014));
    const parent = await newPerson('Kersti');

    const asked = await api('/api/me/children', {
      method: 'POST',
      token: parent.token,
      json: { personalCode: { country: 'EE', code: child.personalCode } },
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ status: 'requested' });

    // Requested is nothing yet: no access to the child, no child on the parent's side, no parent role.
    expect((await api(`/api/children/${child.accountId}`, { token: parent.token })).status).toBe(403);
    expect((await api('/api/me/children', { token: parent.token })).body).toEqual({ children: [] });
    expect((await api('/api/me/parents', { token: child.token })).body).toEqual({ parents: [] });

    const admin = await adminToken();
    const review = await api(`/api/schools/${ee}/parent-links?status=requested`, { token: admin });
    expect(review.status).toBe(200);
    const pending = review.body.parentLinks.find((l: any) => l.childAccountId === child.accountId);
    expect(pending).toMatchObject({
      status: 'requested',
      requestedBy: 'parent',
      parentAccountId: parent.accountId,
      parent: { firstName: 'Kersti', email: parent.email },
      child: { firstName: 'Kaspar', classId: demo.classes.ee5a },
      history: [{ status: 'requested', by: parent.accountId, as: 'parent' }],
    });

    const confirmed = await api(linkPath(pending.id, 'confirm'), { method: 'POST', token: admin });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', decidedBy: demo.accounts.eeAdmin });
    expect(confirmed.body.history.map((h: any) => [h.status, h.by])).toEqual([
      ['requested', parent.accountId],
      ['confirmed', demo.accounts.eeAdmin],
    ]);
    expect((await outboxFor(parent.email)).map((m) => m.subject)).toContain('Kool kinnitas seose sinu lapsega');

    // Now it counts on both sides: the parent's at once, the child's (and with it the access) once the queue
    // family-link-confirmations ran, moments later.
    let profile = await api(`/api/children/${child.accountId}`, { token: parent.token });
    await vi.waitFor(
      async () => {
        profile = await api(`/api/children/${child.accountId}`, { token: parent.token });
        expect(profile.status).toBe(200);
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(profile.body).toEqual({
      id: child.accountId,
      firstName: 'Kaspar',
      lastName: 'Test',
      minor: true,
      schools: [{ schoolId: ee, schoolName: 'Kuusiku Põhikool', classId: demo.classes.ee5a, className: '5.a' }],
    });
    expect((await api('/api/me/children', { token: parent.token })).body.children).toEqual([
      { accountId: child.accountId, firstName: 'Kaspar', lastName: 'Test', schoolId: ee, linkId: pending.id },
    ]);
    expect((await api('/api/me/parents', { token: child.token })).body.parents).toEqual([
      { accountId: parent.accountId, firstName: 'Kersti', lastName: 'Test', schoolId: ee, linkId: pending.id },
    ]);

    // confirmed -> confirmed is not a transition.
    const again = await api(linkPath(pending.id, 'confirm'), { method: 'POST', token: admin, headers: { 'accept-language': 'en' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'parent_link_transition',
      details: [{ path: 'status', issue: 'confirmed -> confirmed is not allowed' }],
    });
  });

  it('ACC-3: a student links a parent by e-mail; an unknown address gets the same answer and creates nothing', async () => {
    const child = await newStudent('Mirjam', birthDateIn(2013));
    const parent = await newPerson('Margus');

    const known = await api('/api/me/parents', { method: 'POST', token: child.token, json: { parentEmail: parent.email.toUpperCase() } });
    const unknown = await api('/api/me/parents', {
      method: 'POST',
      token: child.token,
      json: { parentEmail: `nobody-${child.accountId}@example.com` },
    });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);

    const linkId = await requestedLinkId(parent.accountId, child.accountId);
    const admin = await adminToken();
    const list = await api(`/api/schools/${ee}/parent-links`, { token: admin });
    expect(list.body.parentLinks.filter((l: any) => l.childAccountId === child.accountId)).toEqual([
      expect.objectContaining({
        id: linkId,
        requestedBy: 'child',
        status: 'requested',
        history: [expect.objectContaining({ by: child.accountId, as: 'child' })],
      }),
    ]);

    // Asking twice keeps one open request.
    expect((await api('/api/me/parents', { method: 'POST', token: child.token, json: { parentEmail: parent.email } })).status).toBe(202);
    expect(
      (await api(`/api/schools/${ee}/parent-links`, { token: admin })).body.parentLinks.filter((l: any) => l.childAccountId === child.accountId),
    ).toHaveLength(1);

    // The school refuses: final; the parent never gets access.
    const refused = await api(linkPath(linkId, 'refuse'), { method: 'POST', token: admin });
    expect(refused.body).toMatchObject({ status: 'refused', decidedBy: demo.accounts.eeAdmin });
    for (const action of ['confirm', 'refuse', 'end'])
      expect((await api(linkPath(linkId, action), { method: 'POST', token: admin })).status, action).toBe(409);
    expect((await api(`/api/children/${child.accountId}`, { token: parent.token })).status).toBe(403);

    // A new request after the refusal is a new link; the refused one keeps its history.
    expect((await api('/api/me/parents', { method: 'POST', token: child.token, json: { parentEmail: parent.email } })).status).toBe(202);
    const second = await requestedLinkId(parent.accountId, child.accountId);
    expect(second).not.toBe(linkId);
    expect(second.startsWith(`${linkId}:`)).toBe(true);
  });

  it('ACC-3: only students link parents; own addresses and codes are refused; invalid codes are 422, unknown codes 202', async () => {
    const privateUser = await newPerson('Priit');
    const notStudent = await api('/api/me/parents', {
      method: 'POST',
      token: privateUser.token,
      json: { parentEmail: 'someone@example.com' },
      headers: { 'accept-language': 'en' },
    });
    expect(notStudent.status).toBe(403);
    expect(notStudent.body.error.code).toBe('student_role_required');

    const invalid = await api('/api/me/children', {
      method: 'POST',
      token: privateUser.token,
      json: { personalCode: { country: 'EE', code: '50001010007' } },
      headers: { 'accept-language': 'en' },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error).toMatchObject({ code: 'invalid_personal_code', message: 'The personal identification code is not valid.' });
    const finnishInvalid = await api('/api/me/children', {
      method: 'POST',
      token: privateUser.token,
      json: { personalCode: { country: 'FI', code: '131052-308X' } },
    });
    expect(finnishInvalid.body.error.code).toBe('invalid_personal_code');

    const unknown = await api('/api/me/children', {
      method: 'POST',
      token: privateUser.token,
      json: { personalCode: { country: 'EE', code: estonianCode(birthDateIn(2015)) } },
    });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual({ status: 'requested' });

    const student = await newStudent('Sander', birthDateIn(2012));
    expect((await api('/api/me/parents', { method: 'POST', token: student.token, json: { parentEmail: student.email } })).body.error.code).toBe(
      'cannot_link_self',
    );
    expect(
      (await api('/api/me/children', { method: 'POST', token: student.token, json: { personalCode: { country: 'EE', code: student.personalCode } } }))
        .body.error.code,
    ).toBe('cannot_link_self');
  });

  it('ACC-3: either party or the administrator ends a confirmed link, and the access ends at once', async () => {
    const child = await newStudent('Oskar', birthDateIn(2014));
    const mother = await newPerson('Olga');
    const father = await newPerson('Olev');
    const stranger = await newPerson('Oliver');
    const motherLink = await confirmedLink(mother, child);
    const fatherLink = await confirmedLink(father, child);
    expect((await api(`/api/children/${child.accountId}`, { token: father.token })).status).toBe(200);

    // Someone who is neither a party nor the school's administrator: refused before anything is read.
    expect((await api(linkPath(motherLink, 'end'), { method: 'POST', token: stranger.token })).status).toBe(403);
    // Another school's administrator neither.
    expect((await api(linkPath(motherLink, 'end'), { method: 'POST', token: await tokenFor(demo.accounts.twoSchools) })).status).toBe(403);

    // The child ends the link to the mother.
    const ended = await api(linkPath(motherLink, 'end'), { method: 'POST', token: child.token });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: 'ended', endedBy: child.accountId });
    expect(ended.body.history.at(-1)).toMatchObject({ status: 'ended', by: child.accountId, as: 'child' });
    expect((await api(`/api/children/${child.accountId}`, { token: mother.token })).status).toBe(403);
    expect((await api('/api/me/children', { token: mother.token })).body.children).toEqual([]);
    expect((await api('/api/me/parents', { token: child.token })).body.parents.map((p: any) => p.accountId)).toEqual([father.accountId]);
    expect((await api(linkPath(motherLink, 'end'), { method: 'POST', token: child.token })).status).toBe(409);

    // The father ends his own; the administrator could have, too.
    expect((await api(linkPath(fatherLink, 'end'), { method: 'POST', token: father.token })).body.history.at(-1)).toMatchObject({ as: 'parent' });
    expect((await api(`/api/children/${child.accountId}`, { token: father.token })).status).toBe(403);
    expect((await api('/api/me', { token: father.token })).body.children).toEqual([]);

    // A requested link cannot be ended (only confirmed -> ended); the administrator gets the same 409.
    expect(
      (await api('/api/me/children', { method: 'POST', token: stranger.token, json: { personalCode: { country: 'EE', code: child.personalCode } } }))
        .status,
    ).toBe(202);
    const requested = await requestedLinkId(stranger.accountId, child.accountId);
    expect((await api(linkPath(requested, 'end'), { method: 'POST', token: await adminToken() })).status).toBe(409);
  });

  it("ACL-1: an administrator cannot review another school's parent links", async () => {
    const child = await newStudent('Rasmus', birthDateIn(2014));
    const parent = await newPerson('Reet');
    expect(
      (await api('/api/me/children', { method: 'POST', token: parent.token, json: { personalCode: { country: 'EE', code: child.personalCode } } }))
        .status,
    ).toBe(202);
    const linkId = await requestedLinkId(parent.accountId, child.accountId);

    // Helena is Koivula's administrator (and a teacher at Kuusiku): no review rights at Kuusiku.
    const otherAdmin = await tokenFor(demo.accounts.twoSchools);
    expect((await api(`/api/schools/${ee}/parent-links`, { token: otherAdmin })).status).toBe(403);
    for (const action of ['confirm', 'refuse', 'end'])
      expect((await api(linkPath(linkId, action), { method: 'POST', token: otherAdmin })).status, action).toBe(403);
    // Nor through her own school's address: the link is not in Koivula's partition.
    expect((await api(linkPath(linkId, 'confirm', demo.schools.fi), { method: 'POST', token: otherAdmin })).status).toBe(404);
    // Kuusiku's administrator does not review Koivula's; teachers review nothing.
    expect((await api(`/api/schools/${demo.schools.fi}/parent-links`, { token: await adminToken() })).status).toBe(403);
    expect((await api(`/api/schools/${ee}/parent-links`, { token: await tokenFor(demo.accounts.eeClassTeacher) })).status).toBe(403);
    expect((await api(linkPath(linkId, 'confirm'), { method: 'POST', token: await tokenFor(demo.accounts.eeClassTeacher) })).status).toBe(403);

    expect((await api(`/api/children/${child.accountId}`, { token: parent.token })).status).toBe(403);
  });

  it('ACL-5: a confirmed parent reads only their own child', async () => {
    expect((await api(`/api/children/${demo.accounts.eeStudent}`, { token: await tokenFor(demo.accounts.eeParent) })).body).toMatchObject({
      firstName: 'Mihkel',
      minor: true,
    });
    expect((await api(`/api/children/${demo.accounts.eeStudent2}`, { token: await tokenFor(demo.accounts.teacherParent) })).body).toMatchObject({
      firstName: 'Liis',
    });
    expect((await api(`/api/children/${demo.accounts.eeStudent2}`, { token: await tokenFor(demo.accounts.eeParent) })).status).toBe(403);
    // A class teacher is not a parent: teacher rights go through school routes, never the child routes.
    expect((await api(`/api/children/${demo.accounts.eeStudent}`, { token: await tokenFor(demo.accounts.eeClassTeacher) })).status).toBe(403);
  });

  it('ACL-5: parent write attempts are denied or affect only the parent', async () => {
    const child = await newStudent('Uku', birthDateIn(2014));
    const parent = await newPerson('Urve');
    const linkId = await confirmedLink(parent, child);
    const childBefore = (await api('/api/me', { token: child.token })).body;

    // The parent's own preferences and profile change the parent only.
    expect((await api('/api/me/preferences', { method: 'PATCH', token: parent.token, json: { language: 'en' } })).body).toMatchObject({
      id: parent.accountId,
      language: 'en',
    });
    expect((await api('/api/me/profile', { method: 'PATCH', token: parent.token, json: { firstName: 'Urvi' } })).body).toMatchObject({
      id: parent.accountId,
      firstName: 'Urvi',
    });
    // /me/privacy cannot be aimed at the child: the body has no such field.
    const aimed = await api('/api/me/privacy', {
      method: 'PUT',
      token: parent.token,
      json: { shareWithParents: false, shareWithPublishers: true, accountId: child.accountId },
    });
    expect(aimed.status).toBe(422);
    expect(
      (await api('/api/me/privacy', { method: 'PUT', token: parent.token, json: { shareWithParents: true, shareWithPublishers: true } })).body,
    ).toMatchObject({
      shareWithPublishers: true,
      updatedBy: parent.accountId,
    });
    // School routes that write about the child refuse a parent.
    expect(
      (await api(`/api/schools/${ee}/students/${child.accountId}`, { method: 'PATCH', token: parent.token, json: { firstName: 'Hacked' } })).status,
    ).toBe(403);
    expect((await api(linkPath(linkId, 'confirm'), { method: 'POST', token: parent.token })).status).toBe(403);
    expect(
      (await api(`/api/schools/${ee}/invitations`, { method: 'POST', token: parent.token, json: { email: 'x@example.com', role: 'student' } }))
        .status,
    ).toBe(403);
    // There is no write route in the child's name: only the privacy settings of a minor.
    expect((await api(`/api/children/${child.accountId}`, { method: 'PATCH', token: parent.token, json: { firstName: 'Hacked' } })).status).toBe(405);

    const childAfter = (await api('/api/me', { token: child.token })).body;
    expect(childAfter).toEqual(childBefore);
    expect((await api('/api/me/privacy', { token: child.token })).body).toMatchObject({
      shareWithParents: true,
      shareWithPublishers: false,
      managedByParent: true,
    });
  });
});

describe('ACC-4: privacy settings', () => {
  it('ACC-4: a minor with a confirmed parent cannot change their settings; the parent can, at once, and it is recorded', async () => {
    const child = await newStudent('Vello', birthDateIn(2013));
    const before = await api('/api/me/privacy', { token: child.token });
    expect(before.body).toEqual({ shareWithParents: true, shareWithPublishers: false, managedByParent: false });
    // Before any parent is confirmed, the minor manages their own settings.
    expect(
      (await api('/api/me/privacy', { method: 'PUT', token: child.token, json: { shareWithParents: true, shareWithPublishers: false } })).status,
    ).toBe(200);

    const parent = await newPerson('Viive');
    await confirmedLink(parent, child);
    const refused = await api('/api/me/privacy', {
      method: 'PUT',
      token: child.token,
      json: { shareWithParents: false, shareWithPublishers: true },
      headers: { 'accept-language': 'en' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 'privacy_managed_by_parent',
      message: 'The privacy settings of a student under 18 are managed by their parent.',
    });

    const set = await api(`/api/children/${child.accountId}/privacy`, {
      method: 'PUT',
      token: parent.token,
      json: { shareWithParents: true, shareWithPublishers: true },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ shareWithParents: true, shareWithPublishers: true, updatedBy: parent.accountId, managedByParent: true });
    const seen = (await api('/api/me/privacy', { token: child.token })).body;
    expect(seen).toMatchObject({ shareWithPublishers: true, updatedBy: parent.accountId, managedByParent: true });
    expect(Date.parse(seen.updatedAt)).toBeGreaterThan(Date.now() - 600_000);

    // Hiding the child's data from parents ends the parent's reading at once, but not their managing of the settings.
    expect(
      (
        await api(`/api/children/${child.accountId}/privacy`, {
          method: 'PUT',
          token: parent.token,
          json: { shareWithParents: false, shareWithPublishers: true },
        })
      ).status,
    ).toBe(200);
    expect((await api(`/api/children/${child.accountId}`, { token: parent.token })).status).toBe(403);
    expect((await api(`/api/children/${child.accountId}/privacy`, { token: parent.token })).body).toMatchObject({ shareWithParents: false });
    expect(
      (
        await api(`/api/children/${child.accountId}/privacy`, {
          method: 'PUT',
          token: parent.token,
          json: { shareWithParents: true, shareWithPublishers: false },
        })
      ).status,
    ).toBe(200);
    expect((await api(`/api/children/${child.accountId}`, { token: parent.token })).status).toBe(200);

    // Nobody else manages them.
    const other = await newPerson('Vootele');
    expect(
      (
        await api(`/api/children/${child.accountId}/privacy`, {
          method: 'PUT',
          token: other.token,
          json: { shareWithParents: false, shareWithPublishers: false },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api(`/api/children/${child.accountId}/privacy`, {
          method: 'PUT',
          token: await adminToken(),
          json: { shareWithParents: false, shareWithPublishers: false },
        })
      ).status,
    ).toBe(403);
  });

  it('ACC-4: an adult child decides alone, and hiding data from parents takes effect at once', async () => {
    const child = await newStudent('Anette', birthDateIn(2000));
    const parent = await newPerson('Aivar');
    await confirmedLink(parent, child);
    expect((await api(`/api/children/${child.accountId}`, { token: parent.token })).body).toMatchObject({ minor: false });

    // ACC-3: the parent manages the settings of a child under 18 only.
    expect(
      (
        await api(`/api/children/${child.accountId}/privacy`, {
          method: 'PUT',
          token: parent.token,
          json: { shareWithParents: true, shareWithPublishers: true },
        })
      ).status,
    ).toBe(403);
    expect((await api(`/api/children/${child.accountId}/privacy`, { token: parent.token })).status).toBe(403);

    const hidden = await api('/api/me/privacy', { method: 'PUT', token: child.token, json: { shareWithParents: false, shareWithPublishers: false } });
    expect(hidden.status).toBe(200);
    expect(hidden.body).toMatchObject({ shareWithParents: false, updatedBy: child.accountId, managedByParent: false });
    expect((await api(`/api/children/${child.accountId}`, { token: parent.token })).status).toBe(403);

    expect(
      (await api('/api/me/privacy', { method: 'PUT', token: child.token, json: { shareWithParents: true, shareWithPublishers: false } })).status,
    ).toBe(200);
    expect((await api(`/api/children/${child.accountId}`, { token: parent.token })).status).toBe(200);
  });
});

describe('ACC-3: link requests cannot be used to probe who has an account', () => {
  it('ACC-3: a person may ask for 10 links in 15 minutes; the 11th gets 429 with Retry-After', async () => {
    const parent = await newPerson('Proovija');
    for (let i = 0; i < 10; i++) {
      const r = await api('/api/me/children', {
        method: 'POST',
        token: parent.token,
        json: { personalCode: { country: 'EE', code: estonianCode(birthDateIn(2012)) } },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
    const limited = await api('/api/me/children', {
      method: 'POST',
      token: parent.token,
      json: { personalCode: { country: 'EE', code: estonianCode(birthDateIn(2012)) } },
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('too_many_attempts');
  });
});
