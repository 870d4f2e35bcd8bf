import { describe, expect, it } from 'vitest';
import { definitions } from '../functions/index.js';
import { capabilityTable, type Capability, type Role, type Scope } from '../shared/acl/capabilities.js';
import type { Target } from '../shared/acl/authorize.js';
import { compileRoute } from '../shared/http/routes.js';
import { demo } from '../shared/local/seed.js';
import type { HttpDefinition } from '../shared/platform/definitions.js';
import { api, tokenFor } from './helpers.js';

/**
 * ACL-1..8, generated: every HTTP route x every persona x a set of targets. The expected answer comes from the
 * capability table and the personas' facts written out below (not from the app's own evaluation), and the actual
 * answer from the running app: 403 forbidden means denied, anything else means the request got past access control.
 * Write routes get an empty body, so an allowed call stops at validation (422) and changes nothing.
 */
const S = demo.schools;
const A = demo.accounts;
const C = demo.classes;

interface Persona {
  id: string;
  schoolRoles: { schoolId: string; role: Role; classId?: string; subjects?: string[] }[];
  children: string[];
  staff?: ('support' | 'security')[];
  publishers?: string[];
  /** Publishers the persona is an editor of (the CMS role that may withdraw works). */
  editorOf?: string[];
  municipalitySchools?: string[];
}

const personas: Record<string, Persona> = {
  student: { id: A.eeStudent, schoolRoles: [{ schoolId: S.ee, role: 'student', classId: C.ee5a }], children: [] },
  classTeacher: {
    id: A.eeClassTeacher,
    schoolRoles: [
      { schoolId: S.ee, role: 'teacher' },
      { schoolId: S.ee, role: 'classTeacher', classId: C.ee5a },
    ],
    children: [],
  },
  teacher: { id: A.eeTeacher, schoolRoles: [{ schoolId: S.ee, role: 'teacher' }], children: [] },
  admin: { id: A.eeAdmin, schoolRoles: [{ schoolId: S.ee, role: 'schoolAdmin' }], children: [] },
  parent: { id: A.eeParent, schoolRoles: [], children: [A.eeStudent] },
  privateUser: { id: A.privateUser, schoolRoles: [], children: [] },
  fiTeacher: {
    id: A.fiTeacher,
    schoolRoles: [
      { schoolId: S.fi, role: 'teacher' },
      { schoolId: S.fi, role: 'classTeacher', classId: C.fi7a },
    ],
    children: [],
  },
  twoSchools: {
    id: A.twoSchools,
    schoolRoles: [
      { schoolId: S.ee, role: 'teacher' },
      { schoolId: S.fi, role: 'schoolAdmin' },
    ],
    children: [],
  },
  teacherParent: { id: A.teacherParent, schoolRoles: [{ schoolId: S.fi, role: 'teacher' }], children: [A.eeStudent2] },
  staff: { id: A.staff, schoolRoles: [], children: [], staff: ['support', 'security'] },
  cmsAuthor: { id: A.cmsAuthor, schoolRoles: [], children: [], publishers: [demo.publishers.ee] },
  cmsEditor: { id: A.cmsEditor, schoolRoles: [], children: [], publishers: [demo.publishers.ee], editorOf: [demo.publishers.ee] },
  municipality: { id: A.municipality, schoolRoles: [], children: [], municipalitySchools: [S.ee] },
};

function rolesOf(p: Persona): Set<Role> {
  const held = new Set<Role>(['user', ...p.schoolRoles.map((r) => r.role)]);
  if (p.children.length) held.add('parent');
  for (const s of p.staff ?? []) held.add(s);
  if (p.publishers?.length) held.add('cmsUser');
  if (p.municipalitySchools) held.add('municipality');
  if (!p.schoolRoles.length && !p.staff?.length && !p.publishers?.length && !p.municipalitySchools) held.add('privateUser');
  return held;
}

/** The table's answer, evaluated from the persona's facts. */
function expectedAllowed(capability: Capability, persona: Persona, target: Target): boolean {
  const row = capabilityTable[capability] as Partial<Record<Role, Scope>>;
  const held = rolesOf(persona);
  return (Object.entries(row) as [Role, Scope][]).some(([role, scope]) => {
    if (!held.has(role)) return false;
    switch (scope) {
      case 'own':
        return !target.accountId || target.accountId === persona.id;
      case 'ownSchool':
        return role === 'municipality'
          ? Boolean(target.schoolId && persona.municipalitySchools?.includes(target.schoolId))
          : persona.schoolRoles.some((r) => r.role === role && r.schoolId === target.schoolId);
      case 'ownClass':
        return persona.schoolRoles.some((r) => r.role === 'classTeacher' && r.schoolId === target.schoolId && r.classId === target.classId);
      case 'ownSubject':
        return persona.schoolRoles.some((r) => r.role === role && r.schoolId === target.schoolId && Boolean(target.subject) && (r.subjects ?? []).includes(target.subject!));
      case 'ownChild':
        return Boolean(target.accountId && persona.children.includes(target.accountId));
      case 'ownMinorChild': // both seeded children are under 18
        return Boolean(target.accountId && persona.children.includes(target.accountId));
      case 'publisher':
        return Boolean(target.publisherId && persona.publishers?.includes(target.publisherId));
      case 'publisherEditor':
        return Boolean(target.publisherId && persona.editorOf?.includes(target.publisherId));
      case 'staff':
        return true;
    }
  });
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
  workId: () => ['work-ee-math-5'],
  publisherId: () => [demo.publishers.ee, demo.publishers.fi],
  invoiceNumber: () => ['2026-000999'],
  flagKey: () => ['payment-mismatch:none'],
  requestId: () => ['support:none'],
  caseId: () => ['case:none'],
  sessionId: () => ['00000000-0000-4000-8000-000000000000'],
  provider: () => ['google'],
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
    const undeclared = sessionRoutes.filter((d) => !d.contract.capabilityDeclared).map((d) => d.name);
    expect(undeclared, 'routes without a capability').toEqual([]);
    for (const d of definitions) if (d.kind === 'http') expect(Object.keys(capabilityTable), d.name).toContain(d.contract.capability);
  });

  it('ACL-8: no capability gives municipalities a person: only aggregate statistics', () => {
    for (const [capability, row] of Object.entries(capabilityTable))
      if ('municipality' in row) expect(capability, 'a municipality grant outside statistics').toMatch(/^stats\.aggregate\./);
  });

  it('ACL-5: parents hold no write capability', () => {
    const writes = Object.entries(capabilityTable).filter(([c, row]) => 'parent' in row && !/\.read$/.test(c) && c !== 'child.privacy.update');
    expect(writes.map(([c]) => c)).toEqual([]);
  });
});

describe('ACL: every route x every persona', () => {
  for (const [personaName, persona] of Object.entries(personas)) {
    it(`ACL-1..8: ${personaName} (${[...rolesOf(persona)].join(', ')}) is allowed exactly what the table says`, async () => {
      const token = await tokenFor(persona.id);
      const mismatches: string[] = [];
      for (const route of sessionRoutes) {
        for (const params of expand(route.route, persona)) {
          const target = route.contract.target?.({ params, query: {}, principal: { accountId: persona.id } }) ?? {};
          const expected = expectedAllowed(route.contract.capability, persona, target);
          for (const method of route.methods) {
            const path = `/api/${compileRoute(route.route).segments.map((s) => (s.kind === 'literal' ? s.text : encodeURIComponent(params[s.name]!))).join('/')}`;
            // Signing out would end the session the other requests use: it gets a session of its own.
            const callToken = route.name === 'auth-logout' ? await tokenFor(persona.id) : token;
            const response = await api(path, { method, token: callToken, ...(method === 'GET' ? {} : { json: {} }) });
            const denied = response.status === 403 && response.body?.error?.code === 'forbidden';
            if (response.status >= 500) mismatches.push(`${method} ${path}: ${response.status}`);
            if (response.status === 401) mismatches.push(`${method} ${path}: 401 ${response.body?.error?.code}`);
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
    (await api<{ members: { accountId: string; email?: string; roles: { role: string; subjects?: string[] }[] }[] }>(`/api/schools/${schoolId}/members`, { token: await tokenFor(who) })).body.members;

  it("ACL-1: an administrator sees everyone of their school, with roles, classes and e-mails, and no one else's", async () => {
    const rows = await members(A.eeAdmin, S.ee);
    const ids = rows.map((r) => r.accountId);
    expect(ids).toEqual(expect.arrayContaining([A.eeStudent, A.eeStudent2, A.eeClassTeacher, A.eeTeacher, A.eeAdmin, A.twoSchools]));
    expect(ids).not.toContain(A.fiStudent);
    expect(ids).not.toContain(A.fiTeacher);
    expect(rows.find((r) => r.accountId === A.eeClassTeacher)!.roles.map((r) => r.role).sort()).toEqual(['classTeacher', 'teacher']);
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
