import type { Target } from '../shared/acl/authorize.js';
import type { Capability, Role, Scope } from '../shared/acl/capabilities.js';

/**
 * Who may do what, written from REQUIREMENTS ACL-1..8 (the privacy notices' section 4 "access to personal data",
 * seeds 000/001/003) and the ACC, AUTH, OPS and STORE rows they lean on, independently of shared/acl. Only the
 * vocabulary (capability, role and scope names) is shared, as types; no value comes from the code's table.
 *
 * The code's table must equal this one (shared/acl/capabilities.test.ts), and the route x role walk
 * (test/acl-matrix.e2e.test.ts) takes its expected answers from here. Widening or narrowing a grant in the code
 * therefore fails a test; changing a rule means changing it here too, with the requirement that justifies it.
 *
 * Typed as a Record over every capability: a new capability does not compile until someone writes down its rule.
 */
export const expectedGrants: Record<Capability, Partial<Record<Role, Scope>>> = {
  /** Health, OpenAPI, sign-in and payment callbacks: no principal at all. */
  public: {},

  // ACL-4, ACL-5, ACL-6: everyone reaches their own data; ACC-5/PRIV-5: and corrects it (the handler keeps a
  // student's name and personal code for the school).
  'self.read': { user: 'own' },
  'self.update': { user: 'own' },

  // The school itself, for the people who have a role in it; never another school (ACC-1, the Canvas leak).
  'school.read': { student: 'ownSchool', teacher: 'ownSchool', classTeacher: 'ownSchool', schoolAdmin: 'ownSchool' },
  // ACL-1: the administrator sees the school's people; ACL-2: a teacher the e-mails of the school's students;
  // ACL-3: a class teacher has a teacher's rights. ACL-4: a student sees no other person.
  'school.members.read': { schoolAdmin: 'ownSchool', teacher: 'ownSchool', classTeacher: 'ownSchool' },
  // PRIV-8 (school users' accounts are closed by the school's authorised person), ACC-4 (a school role ends).
  'school.members.manage': { schoolAdmin: 'ownSchool' },
  // ACC-1 (a student of a school and class) and ACL-1 (the administrator's own school): the administrator keeps the
  // school's classes; teachers and students only belong to them.
  'school.classes.manage': { schoolAdmin: 'ownSchool' },
  // ACC-5: the school, not the student, corrects a student's name and personal code.
  'school.members.rectify': { schoolAdmin: 'ownSchool' },
  // ACC-2 "who invited them (an invitation from another user, with the inviter's details)": teachers invite their
  // students, administrators anyone. Section 4 does not speak of invitations; this row is a reading of ACC-2.
  'school.invitations.manage': { schoolAdmin: 'ownSchool', teacher: 'ownSchool', classTeacher: 'ownSchool' },
  // ACC-3: a parent-child link counts only when the school confirmed it.
  'school.parentLinks.review': { schoolAdmin: 'ownSchool' },
  // ACC-5, AUTH-3: the school holds its students' identification data, so it confirms an eID sign-in that carries its
  // student's code under other names before that login is linked.
  'school.codeLinks.review': { schoolAdmin: 'ownSchool' },
  // OPS-1: the operator suspends "together with the school": the school's administrator sees the cases about its people.
  'school.cases.review': { schoolAdmin: 'ownSchool' },
  'invitation.accept': { user: 'own' },
  // ACC-3: the student links parents (and a parent may ask); the school decides.
  'parentLink.request': { user: 'own' },
  // Either side ends their own link; the school that confirmed it can end it too.
  'parentLink.end': { user: 'own', schoolAdmin: 'ownSchool' },

  // ACL-5: a parent sees their child's data, as long as the child shares it with parents (ACC-4, at once).
  'child.read': { parent: 'ownChild' },
  // ACC-3 / seed 004: a parent manages the privacy settings of a child under 18, even one hiding from parents.
  'child.privacy.update': { parent: 'ownMinorChild' },
  // MKT-1, PRIV-6: GDPR Article 8 (13 in Estonia and Finland): below it, consent is given by the holder of parental
  // responsibility; a student of unknown age is taken to be below it (README "Consents of children").
  'child.consents.update': { parent: 'ownYoungChild' },

  // ACL-7: operator staff see what their duties need. Support handles user cases; security investigates misuse
  // (AUTH-4) and suspends on a suspected leak (AUTH-5, OPS-1).
  'ops.account.read': { support: 'staff', security: 'staff' },
  'ops.account.suspend': { support: 'staff', security: 'staff' },
  // ACC-6: support requests are visible to the user and to support staff; not to security.
  'ops.support.read': { support: 'staff' },
  'ops.support.reply': { support: 'staff' },
  // STORE-3..6: invoices paid, orders cancelled and refunded: the shop's back office is support's duty.
  'ops.store.manage': { support: 'staff' },
  // OPS-2: the operator, or the publisher itself, stops distributing a work (STORE-6: every buyer's licence ends).
  // "The publisher" acts through its editors, not every CMS person: ACL-6 gives authors and designers the materials
  // tied to them, not the publisher's distribution (narrowed in main by the identity work, issue 17).
  'catalog.work.withdraw': { support: 'staff', cmsUser: 'publisherEditor' },

  // ACC-1: "operator staff create and change schools, appoint a school's first administrator, create publishers and
  // give CMS and municipality roles": a back-office duty of the operator's administrators; ACL-7 (staff see only what
  // their duties need) keeps it from support and security, whose duties are people's cases and misuse.
  'ops.organisations.manage': { operatorAdmin: 'staff' },
  // School licences are recorded by operator staff against an invoice or a contract (issue 18): the same duty.
  'ops.schoolLicences.manage': { operatorAdmin: 'staff' },
  // ACL-1 "the sets of materials used ... in their own school only": an administrator sees their school's licences.
  'school.licences.read': { schoolAdmin: 'ownSchool' },

  // Journals (LRN-1). ACL-1: the administrator, the sets of materials in their school's journals; ACL-2: a
  // teacher, their own subject's journals; ACL-3: a class teacher, every journal of their class; ACL-4: a student,
  // their own; ACL-5: a parent, their child's results.
  'journal.read': { teacher: 'ownSubject', classTeacher: 'ownClass', schoolAdmin: 'ownSchool', student: 'own', parent: 'ownChild' },
  // LRN-1: journals are created or changed by teachers (of that subject); ACL-5: never by a parent.
  'journal.write': { teacher: 'ownSubject' },
  // ACL-4: the tasks sent to a student, read by them; ACL-5: by their parent, read only.
  'task.read': { student: 'own', parent: 'ownChild' },
  // ACL-4: a student's own tasks; ACL-5: a parent never solves or submits a task in the child's name.
  'task.submit': { student: 'own' },
  // LRN-4: notes and bookmarks in materials, the user's own; ACL-5: a parent never marks the child's material.
  // Every user may keep notes, progress and files of their own (LRN-4 speaks of "the user"); 'own' never reaches a
  // child, so a parent never marks or adds material in the child's name (ACL-5).
  'material.annotate': { user: 'own' },
  // ACL-4: a student's own materials; ACL-5: a parent reads the child's materials.
  'material.read': { user: 'own', parent: 'ownChild' },
  // LRN-1: journals belong to teachers; they share materials there (which journal: the handler, from journal data).
  'material.share': { teacher: 'ownSchool', classTeacher: 'ownSchool' },
  // LRN-1, ACL-4: a journal's students (and its teachers) see the materials of that journal; never another school's.
  'journal.materials.read': { student: 'ownSchool', teacher: 'ownSchool', classTeacher: 'ownSchool' },
  // ACL-6: authors, editors and the like reach the materials tied to them: their publisher's.
  'material.edit': { cmsUser: 'publisher' },
  // Issue 18 (ACC-1 CMS roles): editors publish; the other CMS roles prepare drafts.
  'material.publish': { cmsUser: 'publisherEditor' },
  // Issue 18, STORE-4: opening a work is decided by the licence, not by a role (a private user may have bought one).
  'work.open': { user: 'own' },
  // PRIV-7 (seed 002 section "rights": requests for a minor by the parent, for school users by the school's authorised
  // person) and PRIV-1 (the parent sees what is held about the child): a child under 18 only; an adult asks themselves.
  'child.rights.read': { parent: 'ownMinorChild' },
  'child.rights.request': { parent: 'ownMinorChild' },
  // PRIV-7: "forwarded to the controller (usually the school)": its administrators decide and ask for their students.
  'school.rights.review': { schoolAdmin: 'ownSchool' },
  // PRIV-7: a privacy officer answers requests; ACL-7 (only what their duty needs) keeps it from support, security and
  // the operator's administrators, and keeps the officer out of every other back-office route.
  'ops.rights.manage': { privacyOfficer: 'staff' },
  // Issue 13 item 4: retention jobs are seen by the operator's administrators and the privacy officer, who answers
  // for erasure and retention; no personal data in them, so nothing is audited.
  'ops.jobs.read': { operatorAdmin: 'staff', privacyOfficer: 'staff' },
  // PRIV-3: the privacy officer shows that an erasure happened (seed 000 section 8: the data protection officer answers
  // for data-subject rights). Whether an account id was erased is a fact about that person, so not the administrators'
  // (ACL-7: only what the duty needs); no other role.
  'ops.erasures.read': { privacyOfficer: 'staff' },
  // MKT-1 "newsletters and offers about the platform's own products", MKT-2 "service messages": the operator speaks
  // to its users, a back-office duty of its administrators (like ACC-1's). Support, security and the privacy officer
  // do other work; no school, publisher or municipality role mails the platform's users. Counts only (ACL-7).
  'ops.mailings.manage': { operatorAdmin: 'staff' },
  // ACL-8, STAT-1: municipalities get aggregates of their schools only; a school's administrator, their school's.
  'stats.aggregate.read': { municipality: 'ownSchool', schoolAdmin: 'ownSchool' },
  // GPT-1 (seed 003 section 9): "available to users with student, teacher and private user roles"; a class teacher is a
  // teacher. The licence and the parent-only case are the handler's (test/assistant.e2e.test.ts).
  'assistant.use': { student: 'own', teacher: 'own', classTeacher: 'own', privateUser: 'own' },
  // GPT-1: "the school account administrator can disable the trial version of OpiqGPT for users with student role".
  'school.assistant.manage': { schoolAdmin: 'ownSchool' },
  // GPT-1 (children use it: the operator answers for harmful output): reported answers are reviewed by the operator's
  // administrators, who tune the prompt and moderation; they hold no person, so nothing is audited (ACL-7).
  'ops.assistant.reports': { operatorAdmin: 'staff' },
  // ACL-8, STAT-1: OpiqStat reports span the official's listed schools, so the door only asks for the municipality role;
  // the report refuses any school outside the list (test/statistics.e2e.test.ts).
  'stats.aggregate.municipality': { municipality: 'own' },
  // STAT-2: a publisher's people see anonymous statistics of their own works, never another publisher's.
  'stats.aggregate.publisher': { cmsUser: 'publisher' },
  // STAT-2: anonymous statistics for the ministry leave through the operator's administrators (ACC-1: they set up
  // organisations and see no person's study data); the figures hold no person or school.
  'stats.aggregate.national': { operatorAdmin: 'staff' },
};

/**
 * ACL-7: the capabilities by which staff look at or act on another person's data, so it is written to that person's
 * audit log: their account, their support requests, their orders and invoices (the shop's back office). These are
 * written at the door, on every call. `ops.account.suspend` is not in this set on purpose: a suspension, a read-only
 * restriction and their lifting are acts, audited by the act itself with an `action` and only when it changed the
 * account (as the organisations acts are; decided in issue 19, docs/mutation-notes.md).
 */
export const expectedAudited: readonly Capability[] = ['ops.account.read', 'ops.support.read', 'ops.support.reply', 'ops.store.manage'];

// ---------------------------------------------------------------------------------------------------------------
// Personas and the scopes, evaluated from plain facts (not from the app's evaluation).

type SchoolRoleName = 'student' | 'teacher' | 'classTeacher' | 'schoolAdmin';

export interface Persona {
  id: string;
  schoolRoles: { schoolId: string; role: SchoolRoleName; classId?: string; subjects?: string[] }[];
  /** Children whose link the school confirmed, recorded on both sides (ACC-3). */
  children: string[];
  staff?: ('support' | 'security' | 'operatorAdmin' | 'privacyOfficer')[];
  publishers?: string[];
  /** Publishers the persona is an editor of (the CMS role that may withdraw works, OPS-2). */
  editorOf?: string[];
  municipalitySchools?: string[];
}

/** What the rules need to know about a child: under 18 (ACC-3), sharing with parents (ACC-4), link on both sides. */
export interface ChildFacts {
  minor: boolean;
  sharesWithParents: boolean;
  /** The child's own account names this parent too (a link recorded on one side only counts for nothing). */
  namesParent: boolean;
  /** Cannot give a consent alone (GDPR Article 8): under 13, or a student whose age is not known. */
  underConsentAge: boolean;
}

/** The roles a persona holds (ACC-1): a private user has no school, publisher, staff or municipality role. */
export function heldRoles(p: Persona): Set<Role> {
  const held = new Set<Role>(['user', ...p.schoolRoles.map((r) => r.role)]);
  if (p.children.length) held.add('parent');
  for (const s of p.staff ?? []) held.add(s);
  if (p.publishers?.length) held.add('cmsUser');
  if (p.municipalitySchools) held.add('municipality');
  if (!p.schoolRoles.length && !p.staff?.length && !p.publishers?.length && !p.municipalitySchools) held.add('privateUser');
  return held;
}

/** The requirements' answer for this persona, capability and target. */
export function oracleAllows(capability: Capability, persona: Persona, target: Target, child: (id: string) => ChildFacts | undefined): boolean {
  const held = heldRoles(persona);
  const rolesIn = (schoolId: string | undefined, role: Role) => persona.schoolRoles.filter((r) => r.role === role && r.schoolId === schoolId);
  const linkedChild = () => {
    if (!target.accountId || !persona.children.includes(target.accountId)) return undefined;
    const facts = child(target.accountId);
    return facts?.namesParent ? facts : undefined;
  };
  return (Object.entries(expectedGrants[capability]) as [Role, Scope][]).some(([role, scope]) => {
    if (!held.has(role)) return false;
    switch (scope) {
      case 'own':
        // A target without an account is the caller's own (e.g. /me).
        return !target.accountId || target.accountId === persona.id;
      case 'ownSchool':
        if (!target.schoolId) return false;
        return role === 'municipality' ? Boolean(persona.municipalitySchools?.includes(target.schoolId)) : rolesIn(target.schoolId, role).length > 0;
      case 'ownClass':
        return Boolean(target.classId) && rolesIn(target.schoolId, 'classTeacher').some((r) => r.classId === target.classId);
      case 'ownSubject':
        return Boolean(target.subject) && rolesIn(target.schoolId, role).some((r) => (r.subjects ?? []).includes(target.subject!));
      case 'ownChild':
        return Boolean(linkedChild()?.sharesWithParents);
      case 'ownMinorChild':
        return Boolean(linkedChild()?.minor);
      case 'ownYoungChild':
        return Boolean(linkedChild()?.underConsentAge);
      case 'publisher':
        return Boolean(target.publisherId && persona.publishers?.includes(target.publisherId));
      case 'publisherEditor':
        return Boolean(target.publisherId && persona.editorOf?.includes(target.publisherId));
      case 'staff':
        return true;
    }
  });
}
