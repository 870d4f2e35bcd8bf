import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { definitions } from '../functions/index.js';
import type { AccountDoc } from '../shared/accounts/model.js';
import { rolesOf } from '../shared/acl/authorize.js';
import { capabilityTable } from '../shared/acl/capabilities.js';
import { compileRoute } from '../shared/http/routes.js';
import { journalIdFor } from '../shared/learning/journal-ids.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { HttpDefinition } from '../shared/platform/definitions.js';
import { type ChildFacts, expectedGrants, heldRoles, oracleAllows, type Persona } from './acl-oracle.js';
import { api, tokenFor } from './helpers.js';

/**
 * ACL-1..8, generated: every HTTP route x every persona x a set of targets. The expected answer comes from the
 * requirements' table in test/acl-oracle.ts and the personas' facts written out below (not from the app's table or
 * its evaluation), and the actual answer from the running app: 403 forbidden means denied, anything else means the
 * request got past access control. Write routes get an empty body, so an allowed call stops at validation (422) and
 * changes nothing. The walk runs on a host of its own, started in this test worker: its data stays as seeded (other
 * files change privacy settings and links), it can add staff personas the seed lacks, and mutation testing reaches it.
 */
const S = demo.schools;
const A = demo.accounts;
const C = demo.classes;

/** Security staff alone (ACL-7): added to this file's host; the seed has support-only and support + security staff. */
const securityOnly = 'acc-staff-security-only';

const personas: Record<string, Persona> = {
  student: { id: A.eeStudent, schoolRoles: [{ schoolId: S.ee, role: 'student', classId: C.ee5a }], children: [] },
  classTeacher: {
    id: A.eeClassTeacher,
    schoolRoles: [
      { schoolId: S.ee, role: 'teacher', subjects: ['mathematics'] },
      { schoolId: S.ee, role: 'classTeacher', classId: C.ee5a },
    ],
    children: [],
  },
  teacher: { id: A.eeTeacher, schoolRoles: [{ schoolId: S.ee, role: 'teacher', subjects: ['estonian'] }], children: [] },
  admin: { id: A.eeAdmin, schoolRoles: [{ schoolId: S.ee, role: 'schoolAdmin' }], children: [] },
  parent: { id: A.eeParent, schoolRoles: [], children: [A.eeStudent] },
  privateUser: { id: A.privateUser, schoolRoles: [], children: [] },
  fiTeacher: {
    id: A.fiTeacher,
    schoolRoles: [
      { schoolId: S.fi, role: 'teacher', subjects: ['mathematics'] },
      { schoolId: S.fi, role: 'classTeacher', classId: C.fi7a },
    ],
    children: [],
  },
  twoSchools: {
    id: A.twoSchools,
    schoolRoles: [
      { schoolId: S.ee, role: 'teacher', subjects: ['history'] },
      { schoolId: S.fi, role: 'schoolAdmin' },
    ],
    children: [],
  },
  teacherParent: { id: A.teacherParent, schoolRoles: [{ schoolId: S.fi, role: 'teacher', subjects: ['physics'] }], children: [A.eeStudent2] },
  supportOnly: { id: A.supportStaff, schoolRoles: [], children: [], staff: ['support'] },
  securityOnly: { id: securityOnly, schoolRoles: [], children: [], staff: ['security'] },
  supportAndSecurity: { id: A.staff, schoolRoles: [], children: [], staff: ['support', 'security'] },
  operatorAdmin: { id: A.operatorAdmin, schoolRoles: [], children: [], staff: ['operatorAdmin'] },
  privacyOfficer: { id: A.privacyOfficer, schoolRoles: [], children: [], staff: ['privacyOfficer'] },
  cmsAuthor: { id: A.cmsAuthor, schoolRoles: [], children: [], publishers: [demo.publishers.ee] },
  cmsEditor: { id: A.cmsEditor, schoolRoles: [], children: [], publishers: [demo.publishers.ee], editorOf: [demo.publishers.ee] },
  municipality: { id: A.municipality, schoolRoles: [], children: [], municipalitySchools: [S.ee] },
};

/** GDPR Article 8: under 13 today, from a seeded birth date (shared/local/seed.ts). */
function under13(birthDate: string): boolean {
  const thirteenth = new Date(`${Number(birthDate.slice(0, 4)) + 13}${birthDate.slice(4)}T00:00:00Z`);
  return Date.now() < thirteenth.getTime();
}

/** The seeded children: both under 18, sharing with parents (the default), links confirmed on both sides. */
const seededChildren: Record<string, ChildFacts> = {
  [A.eeStudent]: { minor: true, sharesWithParents: true, namesParent: true, underConsentAge: under13('2014-03-09') },
  [A.eeStudent2]: { minor: true, sharesWithParents: true, namesParent: true, underConsentAge: under13('2013-11-21') },
};
const childFacts = (id: string) => seededChildren[id];

let host: LocalHost;
beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  const at = new Date('2026-08-15T08:00:00Z').toISOString();
  await host.services.db.collection('accounts').upsert<AccountDoc>({
    id: securityOnly,
    type: 'account',
    accountId: securityOnly,
    firstName: 'Turve',
    lastName: 'Staff',
    email: `${securityOnly}@opiq.example`,
    language: 'et',
    country: 'EE',
    status: 'active',
    staffRoles: ['security'],
    createdAt: at,
    updatedAt: at,
  });
});
afterAll(async () => host?.close());

async function walkToken(accountId: string): Promise<string> {
  const r = await fetch(`${host.url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

async function walkCall(path: string, method: string, token: string): Promise<{ status: number; code?: string }> {
  const r = await fetch(`${host.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
    ...(method === 'GET' ? {} : { body: '{}' }),
    redirect: 'manual',
  });
  const text = await r.text();
  const code =
    (r.headers.get('content-type') ?? '').includes('json') && text ? (JSON.parse(text) as { error?: { code?: string } }).error?.code : undefined;
  return { status: r.status, ...(code ? { code } : {}) };
}

/**
 * Values tried for each path parameter: the persona's own and someone else's school, account and so on. A route
 * with a parameter not listed here fails the test, so new routes get covered.
 */
const candidates: Record<string, (p: Persona) => string[]> = {
  schoolId: () => [S.ee, S.fi],
  accountId: (p) => [...new Set([p.id, A.eeStudent, A.fiStudent])],
  childId: (p) => [...new Set([A.eeStudent, A.eeStudent2, p.id])],
  loginId: () => ['google:not-linked'],
  invitationId: () => ['invitation:none'],
  linkId: () => ['parent-link:none'],
  orderId: () => ['order-none'],
  workId: () => ['work-ee-math-5', 'pub-ee-naide.matemaatika-6'],
  versionNo: () => ['1'],
  chapterId: () => ['ch-none'],
  publisherId: () => [demo.publishers.ee, demo.publishers.fi],
  invoiceNumber: () => ['2026-000999'],
  flagKey: () => ['payment-mismatch:none'],
  requestId: () => ['support:none', `rights-request:${A.eeStudent}:00000000-0000-4000-8000-000000000000`],
  caseId: () => ['case:none'],
  sessionId: () => ['00000000-0000-4000-8000-000000000000'],
  provider: () => ['google'],
  annotationId: () => ['annotation-none-0001'],
  materialId: () => ['material-none-0001'],
  ownerId: (p) => [...new Set([p.id, A.eeTeacher])],
  // Journal ids carry their subject and class: the class teacher's class and subject, another's, a group's.
  journalId: () => [
    journalIdFor('mathematics', C.ee5a, 'none'),
    journalIdFor('estonian', C.ee6b, 'none'),
    journalIdFor('history', undefined, 'none'),
    'j-none',
  ],
  subject: () => ['mathematics', 'physics'],
  taskId: () => ['t-none'],
  studentId: (p) => [...new Set([p.id, A.eeStudent])],
  licenceId: () => ['school-licence:none', demo.schoolLicence.id],
  exportId: () => ['export:none'],
  mailingId: () => ['00000000-0000-4000-8000-000000000000'],
  // PRIV-3: an erasure's keyed hash (none is filed under this one: the officer gets 404, others 403).
  hash: () => ['A'.repeat(32)],
  // The export download is public (a signed link): not in the session matrix, but its route has a parameter.
  token: () => ['not-a-link'],
};

function expand(route: string, persona: Persona): Record<string, string>[] {
  const names = compileRoute(route).segments.flatMap((s) => (s.kind === 'literal' ? [] : [s.name]));
  let combos: Record<string, string>[] = [{}];
  for (const name of names) {
    const values = candidates[name];
    if (!values) throw new Error(`No candidate values for path parameter {${name}} of route ${route}: add them to test/acl-matrix.e2e.test.ts`);
    combos = combos.flatMap((c) => values(persona).map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}

const sessionRoutes = definitions.filter((d): d is HttpDefinition => d.kind === 'http' && d.contract.auth === 'session');

describe('ACL: the capability table covers every route', () => {
  it('ACL-1..8: every session route names its capability, and every capability is a row of the table', () => {
    // The type requires it; a session route naming 'public' would still be a route without a capability.
    const undeclared = sessionRoutes.filter((d) => d.contract.capability === 'public').map((d) => d.name);
    expect(undeclared, 'routes without a capability').toEqual([]);
    for (const d of definitions) if (d.kind === 'http') expect(Object.keys(capabilityTable), d.name).toContain(d.contract.capability);
  });

  it('ACL-1..8: every capability a route names has a rule in the requirements table', () => {
    for (const d of definitions) if (d.kind === 'http') expect(Object.keys(expectedGrants), d.name).toContain(d.contract.capability);
  });

  it('ACL-8: no capability gives municipalities a person: only aggregate statistics', () => {
    for (const [capability, row] of Object.entries(capabilityTable))
      if ('municipality' in row) expect(capability, 'a municipality grant outside statistics').toMatch(/^stats\.aggregate\./);
  });

  // PRIV-7: a parent's data-subject request for a minor child is the parent's own act of parental responsibility, not
  // study work in the child's name, as is managing the minor's privacy settings (ACC-3) and a young child's consents (GDPR Art. 8).
  it('ACL-5: parents hold no write capability', () => {
    const parentsOwnActs = ['child.privacy.update', 'child.rights.request', 'child.consents.update'];
    const writes = Object.entries(capabilityTable).filter(([c, row]) => 'parent' in row && !/\.read$/.test(c) && !parentsOwnActs.includes(c));
    expect(writes.map(([c]) => c)).toEqual([]);
  });
});

describe('ACL: every route x every persona', () => {
  it('ACC-1: the personas are the accounts as stored: the roles the app derives are the ones written above', async () => {
    for (const [name, persona] of Object.entries(personas)) {
      const account = await host.services.db.collection('accounts').read<AccountDoc>(persona.id, persona.id);
      expect(account && rolesOf(account), name).toEqual(heldRoles(persona));
    }
  });

  for (const [personaName, persona] of Object.entries(personas)) {
    it(`ACL-1..8: ${personaName} (${[...heldRoles(persona)].join(', ')}) is allowed exactly what the requirements say`, async () => {
      const token = await walkToken(persona.id);
      const mismatches: string[] = [];
      for (const route of sessionRoutes) {
        for (const params of expand(route.route, persona)) {
          const target = route.contract.target?.({ params, query: {}, principal: { accountId: persona.id } }) ?? {};
          const expected = oracleAllows(route.contract.capability, persona, target, childFacts);
          for (const method of route.methods) {
            const path = `/api/${compileRoute(route.route)
              .segments.map((s) => (s.kind === 'literal' ? s.text : encodeURIComponent(params[s.name]!)))
              .join('/')}`;
            // Signing out would end the session the other requests use: it gets a session of its own.
            const callToken = route.name === 'auth-logout' ? await walkToken(persona.id) : token;
            const response = await walkCall(path, method, callToken);
            const denied = response.status === 403 && response.code === 'forbidden';
            if (response.status >= 500) mismatches.push(`${method} ${path}: ${response.status}`);
            if (response.status === 401) mismatches.push(`${method} ${path}: 401 ${response.code}`);
            if (denied === expected) mismatches.push(`${method} ${path}: expected ${expected ? 'allowed' : 'denied'}, got ${response.status}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('ACL: the scope of returned rows', () => {
  const members = async (who: string, schoolId: string) =>
    (
      await api<{ members: { accountId: string; email?: string; roles: { role: string; subjects?: string[] }[] }[] }>(
        `/api/schools/${schoolId}/members`,
        { token: await tokenFor(who) },
      )
    ).body.members;

  it("ACL-1: an administrator sees everyone of their school, with roles, classes and e-mails, and no one else's", async () => {
    const rows = await members(A.eeAdmin, S.ee);
    const ids = rows.map((r) => r.accountId);
    expect(ids).toEqual(expect.arrayContaining([A.eeStudent, A.eeStudent2, A.eeClassTeacher, A.eeTeacher, A.eeAdmin, A.twoSchools]));
    expect(ids).not.toContain(A.fiStudent);
    expect(ids).not.toContain(A.fiTeacher);
    expect(
      rows
        .find((r) => r.accountId === A.eeClassTeacher)!
        .roles.map((r) => r.role)
        .sort(),
    ).toEqual(['classTeacher', 'teacher']);
    expect(rows.find((r) => r.accountId === A.eeStudent)!.email).toBe('mihkel.saar@kuusiku.example');
  });

  it("ACL-2: a teacher sees the school's students with their e-mails, not the staff", async () => {
    // Other test files add students to this school as they run: compare with the administrator's view, not a fixed list.
    const rows = await members(A.eeTeacher, S.ee);
    const adminView = await members(A.eeAdmin, S.ee);
    const studentsForAdmin = new Set(adminView.filter((r) => r.roles.some((role) => role.role === 'student')).map((r) => r.accountId));
    const ids = rows.map((r) => r.accountId);
    expect(ids).toEqual(expect.arrayContaining([A.eeStudent, A.eeStudent2]));
    for (const id of ids) expect(studentsForAdmin.has(id), id).toBe(true);
    for (const staff of [A.eeAdmin, A.eeTeacher, A.eeClassTeacher, A.twoSchools]) expect(ids).not.toContain(staff);
    expect(rows.every((r) => r.roles.every((role) => role.role === 'student' && role.subjects === undefined))).toBe(true);
    expect(rows.find((r) => r.accountId === A.eeStudent)!.email).toBe('mihkel.saar@kuusiku.example');
  });

  it('ACC-1: a person with roles in two schools sees each school by the role held there', async () => {
    const asTeacher = await members(A.twoSchools, S.ee);
    expect(asTeacher.every((r) => r.roles.every((role) => role.role === 'student'))).toBe(true);
    const asAdmin = await members(A.twoSchools, S.fi);
    expect(asAdmin.map((r) => r.accountId)).toEqual(expect.arrayContaining([A.fiTeacher, A.fiStudent, A.teacherParent]));
  });

  it("ACL-1: cross-school: Kuusiku's administrator is refused Koivula's people and their records", async () => {
    const token = await tokenFor(A.eeAdmin);
    expect((await api(`/api/schools/${S.fi}/members`, { token })).status).toBe(403);
    expect((await api(`/api/schools/${S.fi}/members/${A.fiStudent}`, { token })).status).toBe(403);
    expect((await api(`/api/schools/${S.fi}/students/${A.fiStudent}`, { method: 'PATCH', token, json: { firstName: 'Hacked' } })).status).toBe(403);
  });

  it('ACL-5: a teacher who is also a parent in another school sees their child through the parent link only', async () => {
    const token = await tokenFor(A.teacherParent);
    expect((await api(`/api/schools/${S.ee}/members`, { token })).status).toBe(403);
    expect((await api(`/api/schools/${S.fi}/members`, { token })).status).toBe(200);
  });
});
