import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type StaffAccessDoc, writeStaffAccess } from '../shared/acl/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { AccountChangeDoc } from '../shared/schools/members.js';

/** Changes to seeded people: this file runs its own host so the shared one keeps its seed for the access matrix. */
let host: LocalHost;
const A = demo.accounts;
const S = demo.schools;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false });
});
afterAll(async () => host?.close());

async function token(accountId: string): Promise<string> {
  const response = await fetch(`${host.url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function call(path: string, options: { method?: string; as: string; json?: unknown; language?: string }) {
  const response = await fetch(`${host.url}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      authorization: `Bearer ${await token(options.as)}`,
      'accept-language': options.language ?? 'en',
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('ACC-4: a school role ends, and with it the school’s access', () => {
  it('ACC-4: when the administrator ends a student’s role, the school no longer sees the student and the student no longer sees the school', async () => {
    expect((await call(`/api/schools/${S.ee}/members/${A.eeStudent2}`, { as: A.eeAdmin })).status).toBe(200);
    expect((await call(`/api/schools/${S.ee}`, { as: A.eeStudent2 })).status).toBe(200);

    const ended = await call(`/api/schools/${S.ee}/members/${A.eeStudent2}/end-role`, { method: 'POST', as: A.eeAdmin, json: { role: 'student' } });
    expect(ended.status).toBe(200);

    const gone = await call(`/api/schools/${S.ee}/members/${A.eeStudent2}`, { as: A.eeAdmin });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('member_not_found');
    const list = await call(`/api/schools/${S.ee}/members`, { as: A.eeTeacher });
    expect(list.body.members.map((m: { accountId: string }) => m.accountId)).not.toContain(A.eeStudent2);
    expect((await call(`/api/schools/${S.ee}`, { as: A.eeStudent2 })).status).toBe(403);
    expect((await call('/api/me', { as: A.eeStudent2 })).body.schoolRoles).toEqual([]);

    // Ending it again is harmless: there is nothing left to end.
    expect(
      (await call(`/api/schools/${S.ee}/members/${A.eeStudent2}/end-role`, { method: 'POST', as: A.eeAdmin, json: { role: 'student' } })).status,
    ).toBe(404);
  });

  it('ACL-1: a teacher cannot end roles', async () => {
    const r = await call(`/api/schools/${S.ee}/members/${A.eeStudent}/end-role`, { method: 'POST', as: A.eeClassTeacher, json: { role: 'student' } });
    expect(r.status).toBe(403);
  });
});

describe('ACC-5, PRIV-5: rectification', () => {
  it('ACC-5: a student cannot change their own name or personal code, but can their phone', async () => {
    const name = await call('/api/me/profile', { method: 'PATCH', as: A.eeStudent, json: { firstName: 'Mikk' } });
    expect(name.status).toBe(403);
    expect(name.body.error).toMatchObject({ code: 'school_managed_field', details: [{ path: 'firstName', issue: 'managed by the school' }] });
    const code = await call('/api/me/profile', { method: 'PATCH', as: A.eeStudent, json: { personalCode: { country: 'EE', code: '51403090216' } } });
    expect(code.status).toBe(403);
    const phone = await call('/api/me/profile', { method: 'PATCH', as: A.eeStudent, json: { phone: '+372 5555 1234' } });
    expect(phone.status).toBe(200);
    expect(phone.body).toMatchObject({ firstName: 'Mihkel', phone: '+372 5555 1234' });
  });

  it("ACC-5: the school corrects the student's name and personal code; every change is recorded; lists show the new name", async () => {
    const r = await call(`/api/schools/${S.ee}/students/${A.eeStudent}`, {
      method: 'PATCH',
      as: A.eeAdmin,
      json: { firstName: 'Mikk', personalCode: { country: 'EE', code: '51403090216' } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ firstName: 'Mikk', personalCode: { country: 'EE', code: '51403090216' }, birthDate: '2014-03-09' });

    const changes = await host.services.db.collection('accounts').queryAll<AccountChangeDoc>(A.eeStudent, { where: "c.type = 'account-change'" });
    const bySchool = changes.find((c) => c.via === `school:${S.ee}`)!;
    expect(bySchool.by).toBe(A.eeAdmin);
    expect(bySchool.changes).toEqual(
      expect.arrayContaining([
        { field: 'firstName', from: 'Mihkel', to: 'Mikk' },
        { field: 'personalCode', to: { country: 'EE', code: '51403090216' } },
      ]),
    );
    expect(bySchool.ttl).toBe((5 * 365 + 2) * 86_400);
    // The name copies on the memberships are the queue's (member-name-copies, issue 11).
    await host.bus.idle();
    const list = await call(`/api/schools/${S.ee}/members`, { as: A.eeTeacher });
    expect(list.body.members.find((m: { accountId: string }) => m.accountId === A.eeStudent).firstName).toBe('Mikk');
  });

  it('AUTH-3: an invalid personal code is refused with a clear error', async () => {
    const r = await call('/api/me/profile', { method: 'PATCH', as: A.privateUser, json: { personalCode: { country: 'EE', code: '39112120752' } } });
    expect(r.status).toBe(422);
    expect(r.body.error.details).toEqual([{ path: 'personalCode.code', issue: 'invalid personal code (checksum)' }]);
  });

  // Issue 17: answering 409 for a taken code let anyone test whether a code is registered. A typed code is now
  // stored unverified (never a link target), and the answer does not depend on whether someone else has it.
  it('AUTH-3, ACC-5: a personal code held by another account is stored unverified, with the same answer as a free one', async () => {
    const r = await call('/api/me/profile', { method: 'PATCH', as: A.privateUser, json: { personalCode: { country: 'EE', code: '47502124911' } } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ personalCode: { country: 'EE', code: '47502124911' }, personalCodeVerified: false });
    // Mari's verified code still points at Mari.
    const index = await host.services.db
      .collection('logins')
      .read<{ id: string; type: string; accountId: string }>('pcode:EE:47502124911', 'pcode:EE:47502124911');
    expect(index?.accountId).toBe(A.eeClassTeacher);
  });

  it('ACL-5: a parent cannot rectify their child through the school route', async () => {
    expect((await call(`/api/schools/${S.ee}/students/${A.eeStudent}`, { method: 'PATCH', as: A.eeParent, json: { firstName: 'X' } })).status).toBe(
      403,
    );
  });
});

describe('ACL-7: support staff access is audited for the person to see', () => {
  it('ACL-7: support sees what the case needs (no personal code), and the person sees that they looked', async () => {
    const seen = await call(`/api/ops/accounts/${A.eeClassTeacher}`, { as: A.staff });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id: A.eeClassTeacher, firstName: 'Mari', email: 'mari.mets@kuusiku.example', signInMethods: ['password'] });
    expect(JSON.stringify(seen.body)).not.toContain('47502124911');

    // The record was queued before the answer (issue 11); written once the queue ran.
    await host.bus.idle();
    const audit = await call('/api/me/audit', { as: A.eeClassTeacher });
    expect(audit.status).toBe(200);
    expect(audit.body.entries).toEqual([expect.objectContaining({ staffAccountId: A.staff, capability: 'ops.account.read' })]);
  });

  it('ACL-7: the queued record is written once however often its message is delivered', async () => {
    const message = {
      id: 'staff-access:repeat-test',
      subjectId: A.eeStudent,
      staffAccountId: A.staff,
      capability: 'ops.account.read',
      correlationId: 'c-repeat',
      at: host.clock.now().toISOString(),
    };
    await writeStaffAccess(host.services, message);
    const first = await host.services.db.collection('audit').read<StaffAccessDoc>(message.id, A.eeStudent);
    await writeStaffAccess(host.services, message);
    expect((await host.services.db.collection('audit').read<StaffAccessDoc>(message.id, A.eeStudent))?._etag).toBe(first?._etag);
    expect(first).toMatchObject({ type: 'staff-access', subjectId: A.eeStudent, capability: 'ops.account.read' });
    await host.services.db.collection('audit').delete(message.id, A.eeStudent);
  });

  it('ACL-7: a teacher cannot use the support view', async () => {
    expect((await call(`/api/ops/accounts/${A.eeStudent}`, { as: A.eeTeacher })).status).toBe(403);
    expect((await call('/api/me/audit', { as: A.eeStudent })).body.entries).toEqual([]);
  });
});

describe('OPS-1: suspension with the school involved; repeated breaches cancel access', () => {
  it('OPS-1: the school involved is recorded; the third breach cancels access and cannot be lifted', async () => {
    const subject = A.fiStudent;
    const suspend = (reason: string) =>
      call(`/api/ops/accounts/${subject}/suspend`, { method: 'POST', as: A.staff, json: { reason, schoolId: S.fi } });
    const reinstate = () => call(`/api/ops/accounts/${subject}/reinstate`, { method: 'POST', as: A.staff });

    expect((await suspend('unusual-usage')).status).toBe(200);
    expect((await call(`/api/ops/accounts/${subject}`, { as: A.staff })).body.suspension).toMatchObject({ reason: 'unusual-usage', schoolId: S.fi });
    expect((await reinstate()).status).toBe(200);
    expect((await suspend('malicious-activity')).status).toBe(200);
    expect((await reinstate()).status).toBe(200);
    expect((await suspend('terms-breach')).status).toBe(200);
    const refused = await reinstate();
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('access_cancelled');
  });

  it('AUTH-5: a suspected password leak is not counted as a breach', async () => {
    const subject = A.fiTeacher;
    for (let i = 0; i < 3; i++) {
      expect((await call(`/api/ops/accounts/${subject}/suspend`, { method: 'POST', as: A.staff, json: { reason: 'password-leak' } })).status).toBe(
        200,
      );
      expect((await call(`/api/ops/accounts/${subject}/reinstate`, { method: 'POST', as: A.staff })).status).toBe(200);
    }
  });
});
