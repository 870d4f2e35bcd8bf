import { randomUUID } from 'node:crypto';

import type { AccountDoc } from '../accounts/index.js';
import type { Grant } from '../acl/index.js';
import { type Doc, DocumentExistsError, type Page, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { keyedId } from '../platform/idempotency.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { journalIdFor } from './journal-ids.js';
import { type GradingScale, type JournalDoc, type JournalView, type Person, type TaskDoc, type TaskView } from './model.js';

/**
 * Journals (LRN-1) and who sees them. The capability table lets a school's teachers, class teachers and
 * administrators reach the school's journal routes (`journal.read`, `journal.write`: scope ownSchool); the journal
 * itself decides which journal each of them reaches and how much of it:
 * - its teachers (owner and co-teachers, ACL-2): everything, and only they change it, assign tasks and grade;
 * - the class teacher of its class (ACL-3): the journal with its tasks (its works and statistics), not the answers;
 * - the school's administrator (ACL-1): the students, teachers and works used, nothing of tasks or results.
 * Anyone else (another teacher of the school, another school) gets 404: a journal they may not see does not exist.
 */

export type JournalRole = 'teacher' | 'classTeacher' | 'admin';

type SchoolPerson = Pick<AccountDoc, 'accountId' | 'schoolRoles'>;

const holds = (account: SchoolPerson, schoolId: string, role: string, classId?: string) =>
  (account.schoolRoles ?? []).some((r) => r.schoolId === schoolId && r.role === role && (classId === undefined || r.classId === classId));

/** The caller's relation to a journal, strongest first; undefined: the journal is not theirs to see. */
export function journalRoleOf(journal: Pick<JournalDoc, 'schoolId' | 'teacherIds' | 'classId'>, account: SchoolPerson): JournalRole | undefined {
  // ACC-4: a school's access ends with the role: a co-teacher listed on the journal whose teacher role ended sees nothing.
  if (journal.teacherIds.includes(account.accountId) && holds(account, journal.schoolId, 'teacher')) return 'teacher';
  if (journal.classId && holds(account, journal.schoolId, 'classTeacher', journal.classId)) return 'classTeacher';
  if (holds(account, journal.schoolId, 'schoolAdmin')) return 'admin';
  return undefined;
}

/** Archived when a teacher archived it, or once its school year has ended (no job needed: it is read so). */
export const isArchived = (journal: Pick<JournalDoc, 'archivedAt' | 'endsAt'>, now: Date) =>
  Boolean(journal.archivedAt) || now.toISOString() >= journal.endsAt;

export function journalView(doc: JournalDoc, now: Date): JournalView {
  return {
    id: doc.id,
    schoolId: doc.schoolId,
    name: doc.name,
    subject: doc.subject,
    ...(doc.classId ? { classId: doc.classId } : {}),
    ...(doc.groupName ? { groupName: doc.groupName } : {}),
    schoolYear: doc.schoolYear,
    gradingScale: doc.gradingScale,
    archived: isArchived(doc, now),
    ownerId: doc.ownerId,
    teachers: doc.teachers,
    students: doc.students,
    workIds: doc.workIds,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function taskView(doc: TaskDoc, withStudents: boolean): TaskView {
  return {
    id: doc.id,
    journalId: doc.journalId,
    title: doc.title,
    ...(doc.instructions ? { instructions: doc.instructions } : {}),
    workId: doc.workId,
    ...(doc.workVersion !== undefined ? { workVersion: doc.workVersion } : {}),
    items: doc.items,
    maxPoints: doc.maxPoints,
    ...(withStudents ? { studentIds: doc.studentIds } : {}),
    dueAt: doc.dueAt,
    ...(doc.opensAt ? { opensAt: doc.opensAt } : {}),
    ...(doc.closesAt ? { closesAt: doc.closesAt } : {}),
    createdAt: doc.createdAt,
  };
}

/** The school year a date falls in ("2026/2027" from 1 August 2026) and its end. */
export function schoolYearOf(now: Date): string {
  const year = now.getUTCFullYear();
  return now.getUTCMonth() >= 7 ? `${year}/${year + 1}` : `${year - 1}/${year}`;
}

export function schoolYearEnd(schoolYear: string): string {
  const end = /^(\d{4})\/(\d{4})$/.exec(schoolYear)?.[2];
  if (!end) throw new AppError('journal_class_not_found');
  return `${end}-08-01T00:00:00.000Z`;
}

/** The scales a school may grade on: its country's numeric scale, pass/fail and a percentage (LRN-3). */
export function allowedScales(country: 'EE' | 'FI'): GradingScale[] {
  return [country === 'FI' ? 'fi-4-10' : 'ee-1-5', 'pass-fail', 'percentage'];
}

interface SchoolFacts {
  country: 'EE' | 'FI';
  classDoc?: Doc & { schoolYear?: string };
  /** Active students of the school among those asked about (or of the class), with their names. */
  students: Map<string, Person & { classId?: string }>;
  teachers: Map<string, Person>;
}

interface MembershipRow extends Doc {
  accountId: string;
  role: string;
  classId?: string;
  subjects?: string[];
  firstName?: string;
  lastName?: string;
}

/**
 * The school's country, the class and the active memberships of the people named (or of the class's students): one
 * single-partition query.
 */
async function schoolFacts(
  services: Pick<Services, 'db'>,
  schoolId: string,
  ids: string[],
  classId: string | undefined,
  subject: string,
): Promise<SchoolFacts> {
  const rows = await services.db.collection('schools').queryAll<MembershipRow & { country?: 'EE' | 'FI'; schoolYear?: string }>(schoolId, {
    where:
      "c.type = 'school' OR (c.type = 'class' AND c.id = @classId) OR (c.type = 'membership' AND c.status = 'active' AND (ARRAY_CONTAINS(@ids, c.accountId) OR (c.role = 'student' AND c.classId = @classId)))",
    parameters: [
      { name: '@ids', value: ids },
      { name: '@classId', value: classId ?? '' },
    ],
    pageSize: 1000,
  });
  const school = rows.find((r) => r.type === 'school');
  if (!school) throw new AppError('journal_not_found');
  const facts: SchoolFacts = { country: school.country ?? 'EE', students: new Map(), teachers: new Map() };
  const classDoc = rows.find((r) => r.type === 'class');
  if (classDoc) facts.classDoc = classDoc;
  for (const m of rows.filter((r) => r.type === 'membership')) {
    const person: Person = {
      accountId: m.accountId,
      ...(m.firstName ? { firstName: m.firstName } : {}),
      ...(m.lastName ? { lastName: m.lastName } : {}),
    };
    if (m.role === 'student') facts.students.set(m.accountId, { ...person, ...(m.classId ? { classId: m.classId } : {}) });
    // ACL-2: a journal's teachers teach its subject (the door lets only them in).
    if (m.role === 'teacher' && (m.subjects ?? []).includes(subject)) facts.teachers.set(m.accountId, person);
  }
  return facts;
}

export interface JournalInput {
  name: string;
  subject: string;
  classId?: string | undefined;
  groupName?: string | undefined;
  schoolYear?: string | undefined;
  gradingScale?: GradingScale | undefined;
  studentIds?: string[] | undefined;
  workIds: string[];
  coTeacherIds?: string[] | undefined;
}

const unique = (ids: readonly string[]) => [...new Set(ids)];

function peopleOrRefuse(wanted: string[], known: Map<string, Person>): Person[] {
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length) throw new AppError('journal_people_invalid');
  return wanted.map((id) => known.get(id)!);
}

/**
 * A teacher creates a journal for a class or a study group and a subject they teach (LRN-1, ACL-2). Without a student
 * list a class journal gets the class's students. With an idempotency key a retry returns the journal the first
 * attempt created. Costs: the replay read (with a key), one query, one write.
 */
export async function createJournal(
  services: Pick<Services, 'db' | 'clock'>,
  teacher: AccountDoc,
  schoolId: string,
  input: JournalInput,
  key?: string,
): Promise<{ journal: JournalDoc; replayed: boolean }> {
  if (!(teacher.schoolRoles ?? []).some((r) => r.schoolId === schoolId && r.role === 'teacher' && (r.subjects ?? []).includes(input.subject)))
    throw new AppError('journal_subject_not_taught');
  const schools = services.db.collection('schools');
  const id = journalIdFor(input.subject, input.classId, key ? keyedId(teacher.accountId, key) : randomUUID());
  const replay = async () => {
    const existing = await schools.read<JournalDoc>(id, schoolId);
    return existing?.type === 'journal' && existing.ownerId === teacher.accountId ? { journal: existing, replayed: true } : undefined;
  };
  if (key) {
    const earlier = await replay();
    if (earlier) return earlier;
  }
  const coTeacherIds = unique(input.coTeacherIds ?? []).filter((t) => t !== teacher.accountId);
  const askedStudents = input.studentIds ? unique(input.studentIds) : undefined;
  const facts = await schoolFacts(services, schoolId, [...(askedStudents ?? []), ...coTeacherIds, teacher.accountId], input.classId, input.subject);
  if (input.classId && !facts.classDoc) throw new AppError('journal_class_not_found');
  const studentIds =
    askedStudents ?? [...facts.students.values()].filter((s) => input.classId && s.classId === input.classId).map((s) => s.accountId);
  const students = peopleOrRefuse(studentIds, facts.students);
  const teachers = peopleOrRefuse(
    [teacher.accountId, ...coTeacherIds],
    new Map([...facts.teachers, [teacher.accountId, { accountId: teacher.accountId, firstName: teacher.firstName, lastName: teacher.lastName }]]),
  );
  const gradingScale = input.gradingScale ?? allowedScales(facts.country)[0]!;
  if (!allowedScales(facts.country).includes(gradingScale)) throw new AppError('grading_scale_not_allowed');
  const now = services.clock.now();
  const schoolYear = input.schoolYear ?? facts.classDoc?.schoolYear ?? schoolYearOf(now);
  const at = now.toISOString();
  const journal: JournalDoc = {
    id,
    type: 'journal',
    schoolId,
    journalId: id,
    sortKey: '0',
    name: input.name,
    subject: input.subject,
    ...(input.classId ? { classId: input.classId } : {}),
    ...(input.groupName ? { groupName: input.groupName } : {}),
    schoolYear,
    endsAt: schoolYearEnd(schoolYear),
    gradingScale,
    ownerId: teacher.accountId,
    teacherIds: teachers.map((t) => t.accountId),
    teachers,
    studentIds: students.map((s) => s.accountId),
    students,
    workIds: unique(input.workIds),
    createdAt: at,
    updatedAt: at,
  };
  try {
    return { journal: await schools.create(journal), replayed: false };
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    const earlier = key ? await replay() : undefined;
    if (earlier) return earlier;
    throw error;
  }
}

/** Reads a journal the caller may see in this role; otherwise (missing, another school's, not theirs) 404. */
export async function readJournal(
  services: Pick<Services, 'db'>,
  account: SchoolPerson,
  schoolId: string,
  journalId: string,
  roles: readonly JournalRole[] = ['teacher', 'classTeacher', 'admin'],
): Promise<{ journal: JournalDoc & Stored; role: JournalRole }> {
  return visibleJournal(await services.db.collection('schools').read<JournalDoc>(journalId, schoolId), account, roles);
}

/** The journal when the caller may see it in one of these roles; otherwise 404. */
export function visibleJournal<J extends JournalDoc>(
  journal: J | undefined,
  account: SchoolPerson,
  roles: readonly JournalRole[] = ['teacher', 'classTeacher', 'admin'],
): { journal: J; role: JournalRole } {
  const role = journal?.type === 'journal' ? journalRoleOf(journal, account) : undefined;
  if (!journal || !role || !roles.includes(role)) throw new AppError('journal_not_found');
  return { journal, role };
}

export interface JournalChange {
  name?: string | undefined;
  studentIds?: string[] | undefined;
  workIds?: string[] | undefined;
  coTeacherIds?: string[] | undefined;
  archived?: boolean | undefined;
}

/**
 * A journal's teacher changes it (LRN-1): name, students, works, co-teachers (the owner only), archived. Lists are
 * given whole, so repeating a change changes nothing. Once its school year has ended the journal is read-only.
 */
export async function changeJournal(
  services: Pick<Services, 'db' | 'clock'>,
  teacher: AccountDoc,
  schoolId: string,
  journalId: string,
  change: JournalChange,
): Promise<JournalDoc> {
  const { journal } = await readJournal(services, teacher, schoolId, journalId, ['teacher']);
  const now = services.clock.now();
  if (now.toISOString() >= journal.endsAt) throw new AppError('journal_archived');
  if (journal.archivedAt && change.archived !== false) throw new AppError('journal_archived');
  if (change.coTeacherIds && teacher.accountId !== journal.ownerId) throw new AppError('journal_owner_only');
  const newPeople = [
    ...(change.studentIds ?? []).filter((id) => !journal.studentIds.includes(id)),
    ...(change.coTeacherIds ?? []).filter((id) => !journal.teacherIds.includes(id)),
  ];
  const facts = newPeople.length ? await schoolFacts(services, schoolId, unique(newPeople), undefined, journal.subject) : undefined;
  const knownStudents = new Map([...journal.students.map((s) => [s.accountId, s] as const), ...(facts?.students ?? new Map<string, Person>())]);
  const knownTeachers = new Map([...journal.teachers.map((t) => [t.accountId, t] as const), ...(facts?.teachers ?? new Map<string, Person>())]);
  const students = change.studentIds ? peopleOrRefuse(unique(change.studentIds), knownStudents) : undefined;
  const teachers = change.coTeacherIds
    ? peopleOrRefuse([journal.ownerId, ...unique(change.coTeacherIds).filter((t) => t !== journal.ownerId)], knownTeachers)
    : undefined;

  const updated = await updateWithEtag<JournalDoc>(
    services.db.collection('schools'),
    journalId,
    schoolId,
    (current) => {
      const next: JournalDoc = { ...current };
      if (change.name !== undefined) next.name = change.name;
      if (students) {
        next.students = students;
        next.studentIds = students.map((s) => s.accountId);
      }
      if (teachers) {
        next.teachers = teachers;
        next.teacherIds = teachers.map((t) => t.accountId);
      }
      if (change.workIds) next.workIds = unique(change.workIds);
      if (change.archived === true && !current.archivedAt) next.archivedAt = now.toISOString();
      if (change.archived === false) delete next.archivedAt;
      const same = JSON.stringify({ ...next, updatedAt: '' }) === JSON.stringify({ ...current, updatedAt: '' });
      return same ? undefined : { ...next, updatedAt: now.toISOString() };
    },
    { type: 'journal', current: journal },
  );
  if (!updated) throw new AppError('journal_not_found');
  return updated.doc;
}

/**
 * The journal view (LRN-1): the journal and its tasks, ordered by due date, in ONE single-partition query page. The
 * first page starts with the journal itself (sortKey "0"), on which the caller's access is decided; a continuation is
 * sealed for this caller's query (their id is one of its parameters), so later pages are reachable only through the
 * first. The administrator's query asks for the journal alone (ACL-1: no tasks or results).
 */
export async function journalPage(
  services: Pick<Services, 'db' | 'config' | 'clock'>,
  account: SchoolPerson,
  grants: Grant[],
  schoolId: string,
  journalId: string,
  page: PageRequest,
): Promise<{ journal?: JournalView; role?: JournalRole; tasks: TaskView[]; continuation?: string }> {
  // Administrators who teach nothing in the school get the journal alone (ACL-1); a teacher's query includes tasks,
  // and a teacher who sees the journal only as administrator gets no tasks either (checked on the journal below).
  const staffTeaches = grants.some((g) => g.role === 'teacher' || g.role === 'classTeacher');
  const rows = await pageOf<JournalDoc | TaskDoc>(
    services,
    {
      container: 'schools',
      partitionKey: schoolId,
      where: `c.journalId = @journal AND ${staffTeaches ? "(c.type = 'journal' OR c.type = 'task')" : "c.type = 'journal'"} AND @caller != ''`,
      parameters: [
        { name: '@journal', value: journalId },
        { name: '@caller', value: account.accountId },
      ],
      orderBy: 'c.sortKey',
      defaultPageSize: 50,
    },
    page,
  );
  const now = services.clock.now();
  const journal = rows.items.find((r): r is JournalDoc => r.type === 'journal');
  const role = journal ? journalRoleOf(journal, account) : undefined;
  if (!page.continuation && (!journal || !role)) throw new AppError('journal_not_found');
  const tasks = role === 'admin' ? [] : rows.items.filter((r): r is TaskDoc => r.type === 'task').map((t) => taskView(t, true));
  return {
    ...(journal && role ? { journal: journalView(journal, now), role } : {}),
    tasks,
    ...(rows.continuation && role !== 'admin' ? { continuation: rows.continuation } : {}),
  };
}

/**
 * The journals the caller may see in a school, one single-partition query page (LRN-1): the administrator every
 * journal (ACL-1: with its students and works, so the works used in each student's journals; `studentId` narrows to
 * one student's); a teacher the journals they teach of the subject named (ACL-2); a class teacher every journal of the
 * class named (ACL-3). The door granted each of these for the subject and class in the query.
 */
export async function listJournals(
  services: Pick<Services, 'db' | 'config' | 'clock'>,
  account: SchoolPerson,
  grants: Grant[],
  schoolId: string,
  filter: { subject?: string | undefined; classId?: string | undefined; studentId?: string | undefined; archived?: boolean | undefined },
  page: PageRequest,
): Promise<Page<JournalView>> {
  const conditions = ["c.type = 'journal'"];
  const parameters: { name: string; value: string }[] = [];
  if (filter.subject) {
    conditions.push('c.subject = @subject');
    parameters.push({ name: '@subject', value: filter.subject });
  }
  if (filter.classId) {
    conditions.push('c.classId = @classId');
    parameters.push({ name: '@classId', value: filter.classId });
  }
  if (filter.studentId) {
    conditions.push('ARRAY_CONTAINS(c.studentIds, @studentId)');
    parameters.push({ name: '@studentId', value: filter.studentId });
  }
  if (!grants.some((g) => g.role === 'schoolAdmin')) {
    // A teacher's own journals of the subject; a class teacher's class (both filtered above to what the door granted).
    const ways = [
      ...(grants.some((g) => g.role === 'teacher') ? ['ARRAY_CONTAINS(c.teacherIds, @me)'] : []),
      ...(grants.some((g) => g.role === 'classTeacher') && filter.classId ? ['true'] : []),
    ];
    if (ways.length === 0) return { items: [] };
    conditions.push(`(${ways.join(' OR ')})`);
    parameters.push({ name: '@me', value: account.accountId });
  }
  const rows = await pageOf<JournalDoc>(
    services,
    { container: 'schools', partitionKey: schoolId, where: conditions.join(' AND '), parameters, orderBy: 'c.name', defaultPageSize: 50 },
    page,
  );
  const now = services.clock.now();
  // Archived or not is filtered here: it depends on the time, and a continuation is bound to its query's parameters.
  const items = rows.items.filter((j) => filter.archived === undefined || isArchived(j, now) === filter.archived).map((j) => journalView(j, now));
  return { items, ...(rows.continuation ? { continuation: rows.continuation } : {}) };
}
