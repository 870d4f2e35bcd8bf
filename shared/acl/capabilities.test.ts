import { describe, expect, it } from 'vitest';

import { type ChildFacts, expectedAudited, expectedGrants, heldRoles, oracleAllows, type Persona } from '../../test/acl-oracle.js';
import type { AccountDoc } from '../accounts/model.js';
import { authorize, rolesOf, type Target } from './authorize.js';
import { auditedCapabilities, type Capability, capabilityTable, type Role, rowOf } from './capabilities.js';

/**
 * The capability table against the requirements (issue 19): test/acl-oracle.ts is written from ACL-1..8 and the
 * privacy notices' section 4; here the code's table must equal it grant by grant, and authorize() must answer as
 * the oracle for every persona (every school, family and staff role, alone and combined) on targets inside and
 * outside each scope.
 */

const NOW = new Date('2026-11-22T12:00:00Z');
const S1 = 'school-1';
const S2 = 'school-2';
const C1 = 'class-1a';
const C2 = 'class-2b';
const P1 = 'pub-1';
const P2 = 'pub-2';

/** Children of the family personas, each with one fact that matters to the parent scopes. */
const kids: Record<string, ChildFacts & { birthDate?: string }> = {
  'kid-shares': { birthDate: '2014-03-09', minor: true, sharesWithParents: true, namesParent: true, underConsentAge: true },
  // 13 since yesterday: consents alone (GDPR Article 8).
  'kid-hides': { birthDate: '2013-11-21', minor: true, sharesWithParents: false, namesParent: true, underConsentAge: false },
  'kid-adult': { birthDate: '2000-01-15', minor: false, sharesWithParents: true, namesParent: true, underConsentAge: false },
  // 18 tomorrow: still a minor today (ACC-3 "under 18").
  'kid-almost-18': { birthDate: '2008-11-23', minor: true, sharesWithParents: false, namesParent: true, underConsentAge: false },
  // 13 tomorrow: still under the age of consent today.
  'kid-almost-13': { birthDate: '2013-11-23', minor: true, sharesWithParents: true, namesParent: true, underConsentAge: true },
  // A student with no personal code or birth date: not known to be a minor (ACC-3), taken to be under 13 for consent.
  'kid-unknown-age': { minor: false, sharesWithParents: true, namesParent: true, underConsentAge: true },
  // The parent's account lists this child, but the child's account does not name the parent: it names no one...
  'kid-one-sided': { birthDate: '2014-05-05', minor: true, sharesWithParents: true, namesParent: false, underConsentAge: true },
  // ...or only another parent.
  'kid-names-another': { birthDate: '2014-06-06', minor: true, sharesWithParents: true, namesParent: false, underConsentAge: true },
};

const personas: Record<string, Persona> = {
  privateUser: { id: 'p-private', schoolRoles: [], children: [] },
  student: { id: 'p-student', schoolRoles: [{ schoolId: S1, role: 'student', classId: C1 }], children: [] },
  teacher: { id: 'p-teacher', schoolRoles: [{ schoolId: S1, role: 'teacher', subjects: ['math'] }], children: [] },
  classTeacher: {
    id: 'p-class-teacher',
    schoolRoles: [
      { schoolId: S1, role: 'teacher', subjects: ['history'] },
      { schoolId: S1, role: 'classTeacher', classId: C1 },
    ],
    children: [],
  },
  // A class teacher's role alone carries no subject: ownSubject needs a teacher role with that subject.
  classTeacherOnly: { id: 'p-class-only', schoolRoles: [{ schoolId: S1, role: 'classTeacher', classId: C1, subjects: ['math'] }], children: [] },
  schoolAdmin: { id: 'p-admin', schoolRoles: [{ schoolId: S1, role: 'schoolAdmin' }], children: [] },
  twoSchools: {
    id: 'p-two-schools',
    schoolRoles: [
      { schoolId: S1, role: 'teacher', subjects: ['math'] },
      { schoolId: S2, role: 'schoolAdmin' },
    ],
    children: [],
  },
  parent: { id: 'p-parent', schoolRoles: [], children: Object.keys(kids) },
  teacherParent: { id: 'p-teacher-parent', schoolRoles: [{ schoolId: S2, role: 'teacher', subjects: ['physics'] }], children: ['kid-shares'] },
  supportOnly: { id: 'p-support', schoolRoles: [], children: [], staff: ['support'] },
  securityOnly: { id: 'p-security', schoolRoles: [], children: [], staff: ['security'] },
  supportAndSecurity: { id: 'p-staff-both', schoolRoles: [], children: [], staff: ['support', 'security'] },
  operatorAdmin: { id: 'p-operator-admin', schoolRoles: [], children: [], staff: ['operatorAdmin'] },
  privacyOfficer: { id: 'p-privacy-officer', schoolRoles: [], children: [], staff: ['privacyOfficer'] },
  cmsUser: { id: 'p-cms', schoolRoles: [], children: [], publishers: [P1] },
  // OPS-2: an editor of P1 who is an author at P2: withdraws P1's works only.
  cmsEditor: { id: 'p-cms-editor', schoolRoles: [], children: [], publishers: [P1, P2], editorOf: [P1] },
  municipality: { id: 'p-municipality', schoolRoles: [], children: [], municipalitySchools: [S1] },
};

/** Every role is held by some persona (a Record, so a new role does not compile until it is listed). */
const roleCoverage: Record<Role, string> = {
  user: 'privateUser',
  student: 'student',
  teacher: 'teacher',
  classTeacher: 'classTeacher',
  schoolAdmin: 'schoolAdmin',
  parent: 'parent',
  privateUser: 'privateUser',
  cmsUser: 'cmsUser',
  support: 'supportOnly',
  security: 'securityOnly',
  operatorAdmin: 'operatorAdmin',
  privacyOfficer: 'privacyOfficer',
  municipality: 'municipality',
};

const at = '2026-08-15T08:00:00.000Z';
const base = (id: string) => ({
  id,
  type: 'account' as const,
  accountId: id,
  firstName: 'F',
  lastName: 'L',
  language: 'et' as const,
  country: 'EE' as const,
  status: 'active' as const,
  createdAt: at,
  updatedAt: at,
});

function accountOf(p: Persona): AccountDoc {
  return {
    ...base(p.id),
    schoolRoles: p.schoolRoles,
    children: p.children.map((accountId) => ({ accountId, schoolId: S1, linkId: `link:${p.id}:${accountId}` })),
    ...(p.staff ? { staffRoles: p.staff } : {}),
    ...(p.publishers
      ? {
          publisherRoles: p.publishers.map((publisherId) => ({
            publisherId,
            role: p.editorOf?.includes(publisherId) ? ('editor' as const) : ('author' as const),
          })),
        }
      : {}),
    ...(p.municipalitySchools ? { municipality: { name: 'Town', schoolIds: p.municipalitySchools } } : {}),
  };
}

function kidAccount(id: string, facts: (typeof kids)[string]): AccountDoc {
  const parents = Object.values(personas).filter((p) => p.children.includes(id));
  return {
    ...base(id),
    ...(facts.birthDate ? { birthDate: facts.birthDate } : {}),
    schoolRoles: [{ schoolId: S1, role: 'student', classId: C2 }],
    parents: facts.namesParent
      ? parents.map((p) => ({ accountId: p.id, schoolId: S1, linkId: `link:${p.id}:${id}` }))
      : id === 'kid-names-another'
        ? [{ accountId: 'p-another-parent', schoolId: S1, linkId: `link:p-another-parent:${id}` }]
        : [],
    privacy: { shareWithParents: facts.sharesWithParents, shareWithPublishers: false },
  };
}

const accounts = new Map<string, AccountDoc>([
  ...Object.values(personas).map((p) => [p.id, accountOf(p)] as const),
  ...Object.entries(kids).map(([id, facts]) => [id, kidAccount(id, facts)] as const),
]);
const load = async (id: string) => accounts.get(id);
const childFacts = (id: string) => kids[id];

/** Targets inside and outside every scope: own and other accounts, schools, classes, subjects, publishers. */
function targetsFor(p: Persona): Target[] {
  const schoolTargets: Target[] = [];
  for (const schoolId of [S1, S2])
    for (const classId of [undefined, C1, C2])
      for (const subject of [undefined, 'math', 'history', 'physics'])
        schoolTargets.push({ schoolId, ...(classId ? { classId } : {}), ...(subject ? { subject } : {}) });
  return [
    {},
    { accountId: p.id },
    { accountId: 'someone-else' },
    ...Object.keys(kids).map((accountId) => ({ accountId })),
    ...schoolTargets,
    { schoolId: S1, accountId: p.id },
    { schoolId: S1, accountId: 'kid-shares' },
    { classId: C1, subject: 'math' },
    { publisherId: P1 },
    { publisherId: P2 },
  ];
}

const capabilities = Object.keys(expectedGrants) as Capability[];
const describeTarget = (t: Target) => JSON.stringify(t);

describe('ACL: the capability table equals the requirements', () => {
  it('ACL-1..8: the code declares exactly the capabilities the requirements table rules on', () => {
    expect(Object.keys(capabilityTable).sort()).toEqual([...capabilities].sort());
  });

  it('ACL-1..8: every grant (role and scope) of every capability is the one the requirements give', () => {
    const mismatches: string[] = [];
    for (const capability of capabilities) {
      const actual = rowOf(capability) as Record<string, unknown>;
      const expected = expectedGrants[capability] as Record<string, unknown>;
      for (const role of new Set([...Object.keys(actual), ...Object.keys(expected)]))
        if (actual[role] !== expected[role])
          mismatches.push(`${capability} / ${role}: code ${String(actual[role] ?? 'none')}, requirements ${String(expected[role] ?? 'none')}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('ACL-7: the staff capabilities that write to the data subject’s audit log are the ones that show their data', () => {
    expect([...auditedCapabilities].sort()).toEqual([...expectedAudited].sort());
  });
});

describe('ACL: every persona x capability x target through authorize()', () => {
  it('ACC-1: the personas hold every role, and each the roles the requirements give them', () => {
    for (const [role, name] of Object.entries(roleCoverage)) expect(heldRoles(personas[name]!).has(role as Role), `${name} holds ${role}`).toBe(true);
    for (const [name, p] of Object.entries(personas)) expect(rolesOf(accounts.get(p.id)!), name).toEqual(heldRoles(p));
  });

  for (const [name, persona] of Object.entries(personas)) {
    it(`ACL-1..8: ${name} (${[...heldRoles(persona)].join(', ')}) is granted exactly what the requirements say`, async () => {
      const account = accounts.get(persona.id)!;
      const mismatches: string[] = [];
      for (const capability of capabilities)
        for (const target of targetsFor(persona)) {
          const expected = oracleAllows(capability, persona, target, childFacts);
          const grants = await authorize(account, capability, target, load, NOW);
          if (grants.length > 0 !== expected) mismatches.push(`${capability} ${describeTarget(target)}: expected ${expected ? 'allowed' : 'denied'}`);
        }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('ACL: what a grant says', () => {
  const grants = (who: keyof typeof personas, capability: Capability, target: Target) =>
    authorize(accounts.get(personas[who]!.id)!, capability, target, load, NOW);

  it('ACL-5, ACC-3: a parent link recorded on the parent’s side only grants nothing: the child must name the parent', async () => {
    expect(await grants('parent', 'child.read', { accountId: 'kid-one-sided' })).toEqual([]);
    expect(await grants('parent', 'child.privacy.update', { accountId: 'kid-one-sided' })).toEqual([]);
    expect(await grants('parent', 'journal.read', { accountId: 'kid-one-sided' })).toEqual([]);
    // The child names a parent, just not this one.
    expect(await grants('parent', 'child.read', { accountId: 'kid-names-another' })).toEqual([]);
    expect(await grants('parent', 'child.privacy.update', { accountId: 'kid-names-another' })).toEqual([]);
    // The same child facts with the link on both sides do grant: the refusal above is the missing back-link.
    expect(await grants('parent', 'child.read', { accountId: 'kid-shares' })).toEqual([{ role: 'parent', scope: 'ownChild', schoolId: S1 }]);
  });

  it('ACL-5, ACC-3: a link in the child’s account alone grants nothing either', async () => {
    // kid-shares names teacherParent and parent; a stranger named nowhere gets nothing, and so does someone whose
    // own account lacks the link.
    const claimed = { ...accounts.get('kid-shares')!, parents: [{ accountId: personas.privateUser!.id, schoolId: S1, linkId: 'x' }] };
    const stranger = accounts.get(personas.privateUser!.id)!;
    expect(
      await authorize(stranger, 'child.read', { accountId: 'kid-shares' }, async (id) => (id === 'kid-shares' ? claimed : accounts.get(id)), NOW),
    ).toEqual([]);
  });

  it('ACC-3: a parent manages the settings of a child under 18 even when hidden from them, not of an adult child', async () => {
    expect(await grants('parent', 'child.privacy.update', { accountId: 'kid-hides' })).toEqual([
      { role: 'parent', scope: 'ownMinorChild', schoolId: S1 },
    ]);
    expect(await grants('parent', 'child.privacy.update', { accountId: 'kid-almost-18' })).toHaveLength(1);
    expect(await grants('parent', 'child.privacy.update', { accountId: 'kid-adult' })).toEqual([]);
    expect(await grants('parent', 'child.read', { accountId: 'kid-hides' })).toEqual([]);
    expect(await grants('parent', 'child.read', { accountId: 'kid-adult' })).toHaveLength(1);
  });

  it('MKT-1, PRIV-6: a parent manages the consents of a child under 13 or of unknown age, not of a child of 13', async () => {
    expect(await grants('parent', 'child.consents.update', { accountId: 'kid-shares' })).toEqual([
      { role: 'parent', scope: 'ownYoungChild', schoolId: S1 },
    ]);
    expect(await grants('parent', 'child.consents.update', { accountId: 'kid-almost-13' })).toHaveLength(1);
    expect(await grants('parent', 'child.consents.update', { accountId: 'kid-unknown-age' })).toHaveLength(1);
    expect(await grants('parent', 'child.consents.update', { accountId: 'kid-hides' })).toEqual([]);
    expect(await grants('parent', 'child.consents.update', { accountId: 'kid-one-sided' })).toEqual([]);
    expect(await grants('student', 'child.consents.update', { accountId: 'kid-shares' })).toEqual([]);
  });

  it('ACC-3: a child whose account cannot be read grants nothing', async () => {
    const parent = accounts.get(personas.parent!.id)!;
    expect(await authorize(parent, 'child.read', { accountId: 'kid-shares' }, async () => undefined, NOW)).toEqual([]);
    expect(await authorize(parent, 'child.privacy.update', { accountId: 'kid-shares' }, async () => undefined, NOW)).toEqual([]);
  });

  it('ACL-1, ACL-3: school grants name the school they hold in; staff and publisher grants carry no school', async () => {
    expect(await grants('twoSchools', 'school.members.manage', { schoolId: S2 })).toEqual([
      { role: 'schoolAdmin', scope: 'ownSchool', schoolId: S2 },
    ]);
    expect(await grants('classTeacher', 'journal.read', { schoolId: S1, classId: C1, subject: 'history' })).toEqual([
      { role: 'teacher', scope: 'ownSubject', schoolId: S1 },
      { role: 'classTeacher', scope: 'ownClass', schoolId: S1 },
    ]);
    expect(await grants('municipality', 'stats.aggregate.read', { schoolId: S1 })).toEqual([
      { role: 'municipality', scope: 'ownSchool', schoolId: S1 },
    ]);
    expect(await grants('supportAndSecurity', 'ops.account.read', { accountId: 'kid-shares' })).toEqual([
      { role: 'support', scope: 'staff' },
      { role: 'security', scope: 'staff' },
    ]);
    expect(await grants('cmsUser', 'material.edit', { publisherId: P1 })).toEqual([{ role: 'cmsUser', scope: 'publisher' }]);
    // OPS-2: an editor withdraws their publisher's works; where they are only an author, nothing.
    expect(await grants('cmsEditor', 'catalog.work.withdraw', { publisherId: P1 })).toEqual([{ role: 'cmsUser', scope: 'publisherEditor' }]);
    expect(await grants('cmsEditor', 'catalog.work.withdraw', { publisherId: P2 })).toEqual([]);
    expect(await grants('student', 'task.submit', {})).toEqual([{ role: 'student', scope: 'own' }]);
  });

  it('ACL-2: a teacher role with the subject in another school gives nothing here', async () => {
    const account = {
      ...accounts.get(personas.teacher!.id)!,
      schoolRoles: [
        { schoolId: S2, role: 'teacher' as const, subjects: ['math'] },
        { schoolId: S1, role: 'teacher' as const, subjects: ['art'] },
      ],
    };
    expect(await authorize(account, 'journal.write', { schoolId: S1, subject: 'math' }, load, NOW)).toEqual([]);
    expect(await authorize(account, 'journal.write', { schoolId: S2, subject: 'math' }, load, NOW)).toHaveLength(1);
  });

  it('ACL-3: a class teacher of the same class id in another school reads nothing here', async () => {
    const account = {
      ...accounts.get(personas.classTeacher!.id)!,
      schoolRoles: [
        { schoolId: S2, role: 'classTeacher' as const, classId: C1 },
        { schoolId: S1, role: 'classTeacher' as const, classId: C2 },
      ],
    };
    expect(await authorize(account, 'journal.read', { schoolId: S1, classId: C1 }, load, NOW)).toEqual([]);
  });

  it('ACL-3: a class-teacher role that names no class reads no journal of the school', async () => {
    const account = { ...accounts.get(personas.classTeacherOnly!.id)!, schoolRoles: [{ schoolId: S1, role: 'classTeacher' as const }] };
    expect(await authorize(account, 'journal.read', { schoolId: S1 }, load, NOW)).toEqual([]);
  });

  it('ACL-3: only the class-teacher role’s class counts, not a class the person has in another role', async () => {
    const account = {
      ...accounts.get(personas.classTeacher!.id)!,
      schoolRoles: [
        { schoolId: S1, role: 'classTeacher' as const, classId: C2 },
        { schoolId: S1, role: 'student' as const, classId: C1 },
      ],
    };
    // Another person's journal in that class (the student role reads only the person's own).
    expect(await authorize(account, 'journal.read', { schoolId: S1, classId: C1, accountId: 'someone-else' }, load, NOW)).toEqual([]);
    expect(await authorize(account, 'journal.read', { schoolId: S1, classId: C2, accountId: 'someone-else' }, load, NOW)).toHaveLength(1);
  });

  it('ACL-2: only the teacher role’s subjects count, not subjects listed on another role', async () => {
    const account = {
      ...accounts.get(personas.classTeacher!.id)!,
      schoolRoles: [
        { schoolId: S1, role: 'teacher' as const, subjects: ['history'] },
        { schoolId: S1, role: 'classTeacher' as const, classId: C1, subjects: ['math'] },
      ],
    };
    expect(await authorize(account, 'journal.write', { schoolId: S1, subject: 'math' }, load, NOW)).toEqual([]);
    expect(await authorize(account, 'journal.write', { schoolId: S1, subject: 'history' }, load, NOW)).toHaveLength(1);
  });

  it('ACL-6: a CMS person working for two publishers edits the materials of each', async () => {
    const account = {
      ...accounts.get(personas.cmsUser!.id)!,
      publisherRoles: [
        { publisherId: P1, role: 'author' as const },
        { publisherId: P2, role: 'editor' as const },
      ],
    };
    expect(await authorize(account, 'material.edit', { publisherId: P1 }, load, NOW)).toHaveLength(1);
    expect(await authorize(account, 'material.edit', { publisherId: P2 }, load, NOW)).toHaveLength(1);
    expect(await authorize(account, 'material.edit', { publisherId: 'pub-3' }, load, NOW)).toEqual([]);
  });

  it('ACL-8: a municipality official with no schools listed sees no school', async () => {
    const account = { ...accounts.get(personas.municipality!.id)!, municipality: { name: 'Town', schoolIds: [] } };
    expect(await authorize(account, 'stats.aggregate.read', { schoolId: S1 }, load, NOW)).toEqual([]);
  });
});
