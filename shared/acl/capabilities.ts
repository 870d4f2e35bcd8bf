/**
 * Access control as data (ACL-1..8): one table of capability x role -> scope. Every HTTP route names its capability;
 * the wrapper grants access only through this table, and a generated test walks every route x every role against it.
 * A person can hold several roles in several schools; a school role grants nothing outside its own school.
 */

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the list exists to give Role one commented member per role
const roles = [
  /** Everyone signed in, for their own data. */
  'user',
  'student',
  'teacher',
  'classTeacher',
  'schoolAdmin',
  /** Has at least one child whose link the school confirmed (ACC-3). */
  'parent',
  /** No school role and no publisher role (ACC-1). */
  'privateUser',
  /** Author, editor, designer or technical editor of a publisher (ACC-1, ACL-6). */
  'cmsUser',
  /** Operator staff (ACL-7): every access to another person's data is audited. */
  'support',
  'security',
  /** Operator staff who set up organisations and record school licences (ACC-1); sees no person's study data. */
  'operatorAdmin',
  /** Operator staff who answer data-subject requests (PRIV-7) from their own queue, ordered by due date. */
  'privacyOfficer',
  /** A municipality's education official: aggregates only (ACL-8). */
  'municipality',
] as const;
export type Role = (typeof roles)[number];

export type Scope =
  /** The caller's own data. */
  | 'own'
  /** A child whose parent link the school confirmed, and who has not hidden their data from parents. */
  | 'ownChild'
  /**
   * A child under 18 whose parent link the school confirmed, whatever their sharing settings: the parent manages a
   * minor's privacy settings (ACC-3), so hiding the data from parents must not lock the parent out of undoing it.
   */
  | 'ownMinorChild'
  /**
   * A child whose parent link the school confirmed and who cannot give a consent alone (GDPR Article 8): under 13, or
   * a student whose age is not known (`needsParentForConsent`).
   */
  | 'ownYoungChild'
  /** A class the caller is class teacher of. */
  | 'ownClass'
  /** A subject the caller teaches in that school (ACL-2: teachers see their own subject's journals). */
  | 'ownSubject'
  /** The school in which the caller holds this role. */
  | 'ownSchool'
  /** A publisher the caller works for. */
  | 'publisher'
  /** A publisher the caller is an editor of (the CMS role that may stop distributing its works). */
  | 'publisherEditor'
  /** Operator staff, limited to the fields the task needs and audited. */
  | 'staff';

type Row = Partial<Record<Role, Scope>>;

/**
 * Capabilities of HTTP routes (and of routes to come: they are declared so the rules are written down once).
 * `satisfies` alone, not `as const`: the types stay literal either way, and StrykerJS does not mutate inside
 * `as const`, so the table's grants could not be mutation-tested (issue 19).
 */
export const capabilityTable = {
  /** Public routes (health, OpenAPI, sign-in, provider and payment callbacks): no principal needed. */
  public: {},
  'self.read': { user: 'own' },
  'self.update': { user: 'own' },

  'school.read': { student: 'ownSchool', teacher: 'ownSchool', classTeacher: 'ownSchool', schoolAdmin: 'ownSchool' },
  // ACL-1: administrators see their school's people; ACL-2: teachers see the school's students (names, e-mails).
  'school.members.read': { schoolAdmin: 'ownSchool', teacher: 'ownSchool', classTeacher: 'ownSchool' },
  'school.members.manage': { schoolAdmin: 'ownSchool' },
  // ACC-1: the school's classes, kept by its administrator.
  'school.classes.manage': { schoolAdmin: 'ownSchool' },
  // ACC-5: the school, not the student, corrects a student's name and personal code.
  'school.members.rectify': { schoolAdmin: 'ownSchool' },
  'school.invitations.manage': { schoolAdmin: 'ownSchool', teacher: 'ownSchool', classTeacher: 'ownSchool' },
  'school.parentLinks.review': { schoolAdmin: 'ownSchool' },
  // ACC-5, AUTH-3: the school confirms an eID sign-in with its student's code but other names before it is linked.
  'school.codeLinks.review': { schoolAdmin: 'ownSchool' },
  // OPS-1: the school's administrators see and comment on the operator's measures against their school's people.
  'school.cases.review': { schoolAdmin: 'ownSchool' },
  'invitation.accept': { user: 'own' },
  'parentLink.request': { user: 'own' },
  'parentLink.end': { user: 'own', schoolAdmin: 'ownSchool' },

  // ACL-5: parents read their child's data and manage a minor's privacy settings, nothing more.
  'child.read': { parent: 'ownChild' },
  'child.privacy.update': { parent: 'ownMinorChild' },
  // MKT-1, PRIV-6 (GDPR Article 8): a parent gives and withdraws the consents of a child who cannot consent alone.
  'child.consents.update': { parent: 'ownYoungChild' },

  // ACL-7: support sees what a case needs (no personal code), every look audited for the person to see.
  'ops.account.read': { support: 'staff', security: 'staff' },
  'ops.account.suspend': { support: 'staff', security: 'staff' },
  // ACC-6: support reads and answers a person's support requests (audited like any look at their data).
  'ops.support.read': { support: 'staff' },
  'ops.support.reply': { support: 'staff' },
  // The shop's back office (STORE-3..6): record invoice payments, cancel and refund orders, see flagged orders.
  'ops.store.manage': { support: 'staff' },
  // OPS-2: the operator, or the publisher's editors (not every CMS role: authors and designers cannot end every buyer's
  // licence, issue 17), stop distributing a work; reversible until the job runs.
  'catalog.work.withdraw': { support: 'staff', cmsUser: 'publisherEditor' },

  // ACC-1: schools, their first administrator, publishers, CMS and municipality roles are set up by the operator's
  // administrators, not by support (who handle people's cases) or security (misuse): least privilege (ACL-7).
  'ops.organisations.manage': { operatorAdmin: 'staff' },
  // School licences recorded against an invoice or a contract with the school (STORE-1, ACC-1).
  'ops.schoolLicences.manage': { operatorAdmin: 'staff' },
  // ACL-1: a school's administrators see their own school's licences (which works its people may open).
  'school.licences.read': { schoolAdmin: 'ownSchool' },

  // LRN-1..3: parents never act in the child's name (ACL-5). ACL-2: a teacher, their subject's journals; ACL-3: a class
  // teacher, also every journal of their class; ACL-1: the administrator, the school's. A journal's id carries its
  // subject and class (shared/learning/journal-ids.ts), so these scopes are decided at the door; the journal itself then
  // narrows a subject's teachers to its own teachers, and a student to nothing (404).
  'journal.read': { teacher: 'ownSubject', classTeacher: 'ownClass', schoolAdmin: 'ownSchool', student: 'own', parent: 'ownChild' },
  'journal.write': { teacher: 'ownSubject' },
  // ACL-4: a student, the tasks sent to them and their answers; ACL-5: a parent, their child's, read-only.
  'task.read': { student: 'own', parent: 'ownChild' },
  // ACL-4: a student answers as themselves (the task must be sent to them); ACL-5: never a parent for the child.
  'task.submit': { student: 'own' },
  // LRN-4: notes, bookmarks, highlights, progress and own files are every user's own (a parent, an administrator or
  // CMS user keeps theirs too); ACL-5: 'own' never reaches a child, so a parent never writes in the child's name.
  'material.annotate': { user: 'own' },
  // ACL-4: the user's own materials; ACL-5: a parent reads the child's (while the child shares with parents, ACC-4).
  'material.read': { user: 'own', parent: 'ownChild' },
  // LRN-1, LRN-4: teachers share their own materials with the journals they teach (the handler checks the journal).
  'material.share': { teacher: 'ownSchool', classTeacher: 'ownSchool' },
  // LRN-1: a journal's teachers and students open what was shared with it (the handler checks membership).
  'journal.materials.read': { student: 'ownSchool', teacher: 'ownSchool', classTeacher: 'ownSchool' },
  'material.edit': { cmsUser: 'publisher' },
  // Issue 18: publishing a version (immutable, what every reader and answer then meets) is an editor's act, like stopping
  // distribution; authors, designers and technical editors edit drafts.
  'material.publish': { cmsUser: 'publisherEditor' },
  // Issue 18: anyone signed in may ask to open a work; the licence (own or school, `mayOpenWork`) decides, in the handler.
  'work.open': { user: 'own' },
  // PRIV-7: a parent makes and follows data-subject requests for a child under 18 (parental responsibility), and sees
  // what the platform holds about the child (PRIV-1); never for an adult child, who asks for themselves.
  'child.rights.read': { parent: 'ownMinorChild' },
  'child.rights.request': { parent: 'ownMinorChild' },
  // PRIV-7: requests about students' school data are forwarded to the school, the controller; its administrators
  // decide them and make requests for their students (seed 002: "the school's authorised person").
  'school.rights.review': { schoolAdmin: 'ownSchool' },
  // PRIV-7: the privacy officer's queue and every step of a request; each step is in the request's history, which the
  // person sees, so it is not audited a second time (ACL-7).
  'ops.rights.manage': { privacyOfficer: 'staff' },
  // e-retention (issue 13, RET-9): the progress of retention jobs; they hold no personal data.
  'ops.jobs.read': { operatorAdmin: 'staff', privacyOfficer: 'staff' },
  // PRIV-3 (issue 13): the erasure evidence, for the privacy officer who answers for erasures. Looking an account id
  // up tells whether that person was erased, a fact about them: not the administrators' duty (ACL-7).
  'ops.erasures.read': { privacyOfficer: 'staff' },
  // MKT-1, MKT-2 (issue 15): newsletters and service messages are the operator's own acts, composed and sent by its
  // administrators; they see audience counts, never who is in the audience. A service message needs a second one.
  'ops.mailings.manage': { operatorAdmin: 'staff' },
  // STAT, ACL-8: municipalities get aggregates through statistics routes, never a capability on a person.
  'stats.aggregate.read': { municipality: 'ownSchool', schoolAdmin: 'ownSchool' },
  // GPT-1: the OpiqGPT trial, for students, teachers and private users with a licence (the handler checks the licence,
  // and refuses a parent with no other role, whom the table cannot tell from a private user).
  'assistant.use': { student: 'own', teacher: 'own', classTeacher: 'own', privateUser: 'own' },
  // GPT-1: the school's administrator switches the trial off (and on) for the school's students.
  'school.assistant.manage': { schoolAdmin: 'ownSchool' },
  // GPT-1: the answers users reported as bad, reviewed by the operator's administrators (no person in them).
  'ops.assistant.reports': { operatorAdmin: 'staff' },
  // STAT-1, ACL-8: OpiqStat, a municipality official's report over the schools operator staff listed for them (the
  // handler refuses any other school: a report spans several schools, so the door cannot name one).
  'stats.aggregate.municipality': { municipality: 'own' },
  // STAT-2: a publisher's CMS users see anonymous statistics of their own publisher's works.
  'stats.aggregate.publisher': { cmsUser: 'publisher' },
  // STAT-2: the ministry's anonymous statistics, exported by the operator's administrators (the ministry has no account).
  'stats.aggregate.national': { operatorAdmin: 'staff' },
} satisfies Record<string, Row>;

export type Capability = keyof typeof capabilityTable;

export function rowOf(capability: Capability): Row {
  return capabilityTable[capability];
}

/** Capabilities whose grants to staff are written to the data subject's audit log (ACL-7). */
export const auditedCapabilities: ReadonlySet<Capability> = new Set<Capability>([
  'ops.account.read',
  'ops.support.read',
  'ops.support.reply',
  'ops.store.manage',
]);

/** CMS roles that may stop distributing their publisher's works (OPS-2). */
export const WITHDRAWING_PUBLISHER_ROLES: readonly string[] = ['editor'];
