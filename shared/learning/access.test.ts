import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { unitConfig } from '../../test/unit-config.js';
import type { AccountDoc } from '../accounts/model.js';
import type { Grant } from '../acl/index.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Bus } from '../platform/bus.js';
import type { Clock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { deleteAnswer, giveFeedback, taskAnswersPage } from './answers.js';
import { journalIdFor, journalTarget } from './journal-ids.js';
import { changeJournal, isArchived, journalPage, journalRoleOf, listJournals, readJournal, visibleJournal } from './journals.js';
import type { AnswerDoc, JournalDoc, TaskDoc } from './model.js';
import { readJournalStats, readTaskStats } from './stats.js';
import { readJournalTask, readStudentTask, studentSchool } from './tasks.js';

/**
 * Who may read and write a journal, its tasks, answers and feedback (ACL-1..4, LRN-1..3), against the embedded Cosmos
 * server in the test worker (so mutation testing reaches it, issue 19). One school with a class journal of 7A in
 * mathematics; its people are plain account documents with the roles each case needs.
 */
const now = Date.parse('2026-10-01T08:00:00.000Z');
const clock: Clock = { now: () => new Date(now) };
const config = unitConfig();

const S = 'school-access';
const OTHER_SCHOOL = 'school-elsewhere';
const journalId = journalIdFor('mathematics', '7a', 'access-1');
const groupJournalId = journalIdFor('mathematics', undefined, 'access-group');
const taskId = 'task-access-1';
/** A journal whose task was written before the journal itself: the view must still start with the journal. */
const laterJournalId = journalIdFor('mathematics', '7b', 'access-later');

type Role = NonNullable<AccountDoc['schoolRoles']>[number];
const person = (accountId: string, ...schoolRoles: Role[]): AccountDoc =>
  ({ id: accountId, type: 'account', accountId, status: 'active', firstName: 'A', lastName: 'B', schoolRoles }) as AccountDoc;

const mathTeacher = { schoolId: S, role: 'teacher', subjects: ['mathematics'] } as Role;
const owner = person('acc-owner', mathTeacher);
const coTeacher = person('acc-co', mathTeacher);
/** Teaches mathematics in the school, but not this journal. */
const otherTeacher = person('acc-other-teacher', mathTeacher);
/** Listed on the journal, but their teacher role in the school has ended (ACC-4). */
const formerTeacher = person('acc-former');
const classTeacher = person('acc-class-teacher', { schoolId: S, role: 'classTeacher', classId: '7a' });
const classTeacher7b = person('acc-class-teacher-7b', { schoolId: S, role: 'classTeacher', classId: '7b' });
const admin = person('acc-admin', { schoolId: S, role: 'schoolAdmin' });
const otherAdmin = person('acc-other-admin', { schoolId: OTHER_SCHOOL, role: 'schoolAdmin' });
const student = person('acc-student', { schoolId: S, role: 'student', classId: '7a' });
const otherStudent = person('acc-student-2', { schoolId: S, role: 'student', classId: '7a' });
const parent: AccountDoc = { ...person('acc-parent'), children: [{ accountId: 'acc-student', schoolId: S, linkId: 'link-1' }] };

const at = new Date(now).toISOString();
const journal: JournalDoc = {
  id: journalId,
  type: 'journal',
  schoolId: S,
  journalId,
  sortKey: '0',
  name: 'Matemaatika 7A',
  subject: 'mathematics',
  classId: '7a',
  schoolYear: '2026/2027',
  endsAt: '2027-08-01T00:00:00.000Z',
  gradingScale: 'ee-1-5',
  ownerId: owner.accountId,
  teacherIds: [owner.accountId, coTeacher.accountId, formerTeacher.accountId],
  teachers: [{ accountId: owner.accountId }, { accountId: coTeacher.accountId }, { accountId: formerTeacher.accountId }],
  studentIds: [student.accountId, otherStudent.accountId],
  students: [{ accountId: student.accountId }, { accountId: otherStudent.accountId }],
  workIds: ['work-1'],
  createdAt: at,
  updatedAt: at,
};
const task: TaskDoc = {
  id: taskId,
  type: 'task',
  schoolId: S,
  journalId,
  taskId,
  sortKey: `1:${at}`,
  title: 'Fractions',
  workId: 'work-1',
  items: [{ kind: 'exercise', id: 'e1' }],
  exercises: [{ id: 'e1', kind: 'numeric', points: 2, prompt: 'Half of 3?', key: { value: 1.5, tolerance: 0 } }],
  maxPoints: 2,
  studentIds: [student.accountId],
  dueAt: '2026-10-10T08:00:00.000Z',
  createdBy: owner.accountId,
  createdAt: at,
  updatedAt: at,
};
const answerOf = (studentId: string): AnswerDoc => ({
  id: `answer:${taskId}:${studentId}`,
  type: 'answer',
  schoolId: S,
  journalId,
  taskId,
  studentId,
  workId: 'work-1',
  status: 'submitted',
  responses: { e1: '1,5' },
  results: [{ exerciseId: 'e1', score: 2, maxScore: 2, correct: true, feedback: [] }],
  score: 2,
  maxScore: 2,
  attempt: 1,
  savedAt: at,
  submittedAt: at,
});

let cosmos: EmbeddedCosmos;
let db: Database;
// Access decisions only: the statistics messages an answer change sends (LRN-5) are accepted and dropped.
const bus: Bus = { send: async () => {}, sendBatch: async () => {}, health: async () => ({ ok: true }), close: async () => {} };
const services = () => ({ db, config, clock, bus });
const grant = (role: Grant['role']): Grant[] => [{ role, scope: 'ownSchool', schoolId: S }];

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
  const schools = db.collection('schools');
  await schools.create(journal);
  await schools.create({ ...journal, id: groupJournalId, journalId: groupJournalId, name: 'Group', classId: undefined, groupName: 'Extra' });
  await schools.create(task);
  await schools.create({ ...task, id: 'task-later', taskId: 'task-later', journalId: laterJournalId });
  await schools.create({ ...journal, id: laterJournalId, journalId: laterJournalId, classId: '7b', name: 'Later' });
  await schools.create(answerOf(student.accountId));
  // Another school's journal with the same teacher id: the school is part of every check.
  await schools.create({ ...journal, schoolId: OTHER_SCHOOL });
});
afterAll(async () => {
  await cosmos?.close();
});

const code = async (work: Promise<unknown>) => {
  try {
    await work;
    return 'allowed';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

describe('journalRoleOf: the relation that decides everything else', () => {
  it('ACL-2: a teacher listed on the journal who teaches in its school is its teacher; another school’s teacher role is not enough', () => {
    expect(journalRoleOf(journal, owner)).toBe('teacher');
    expect(journalRoleOf(journal, person(owner.accountId, { ...mathTeacher, schoolId: OTHER_SCHOOL }))).toBeUndefined();
    // A student or class-teacher role in the school does not make a listed teacher a teacher of the journal.
    expect(journalRoleOf(journal, person(owner.accountId, { schoolId: S, role: 'student', classId: '7a' }))).toBeUndefined();
  });

  it('ACL-1, ACL-2: a teacher or administrator role that also names a class still counts school-wide', () => {
    expect(journalRoleOf(journal, person(owner.accountId, { ...mathTeacher, classId: '9c' }))).toBe('teacher');
    expect(journalRoleOf(journal, person(admin.accountId, { schoolId: S, role: 'schoolAdmin', classId: '9c' }))).toBe('admin');
  });

  it('ACC-4: a co-teacher whose teacher role ended sees nothing, though still listed', () => {
    expect(journalRoleOf(journal, formerTeacher)).toBeUndefined();
  });

  it('ACL-2: a teacher of the school who is not listed on the journal is refused', () => {
    expect(journalRoleOf(journal, otherTeacher)).toBeUndefined();
  });

  it('ACL-3: the class teacher of its class (in its school) sees it as class teacher; of another class, or of a group journal, not', () => {
    expect(journalRoleOf(journal, classTeacher)).toBe('classTeacher');
    expect(journalRoleOf(journal, classTeacher7b)).toBeUndefined();
    expect(journalRoleOf({ ...journal, classId: undefined }, classTeacher)).toBeUndefined();
    expect(journalRoleOf(journal, person(classTeacher.accountId, { schoolId: OTHER_SCHOOL, role: 'classTeacher', classId: '7a' }))).toBeUndefined();
  });

  it('ACL-1: the administrator of its school is admin; of another school, nothing; the strongest relation wins', () => {
    expect(journalRoleOf(journal, admin)).toBe('admin');
    expect(journalRoleOf(journal, otherAdmin)).toBeUndefined();
    const teacherAndAdmin = person(owner.accountId, mathTeacher, { schoolId: S, role: 'schoolAdmin' });
    expect(journalRoleOf(journal, teacherAndAdmin)).toBe('teacher');
    const classTeacherAndAdmin = person(classTeacher.accountId, ...classTeacher.schoolRoles!, { schoolId: S, role: 'schoolAdmin' });
    expect(journalRoleOf(journal, classTeacherAndAdmin)).toBe('classTeacher');
  });

  it('ACL-4: students and parents have no journal role; an account without school roles neither', () => {
    expect(journalRoleOf(journal, student)).toBeUndefined();
    expect(journalRoleOf(journal, parent)).toBeUndefined();
    expect(journalRoleOf(journal, { accountId: owner.accountId })).toBeUndefined();
  });
});

describe('isArchived: the end of the school year makes a journal read-only', () => {
  it('LRN-1: archived from the instant its year ends (not a millisecond before), or when archived by hand', () => {
    const ends = Date.parse(journal.endsAt);
    expect(isArchived(journal, new Date(ends - 1))).toBe(false);
    expect(isArchived(journal, new Date(ends))).toBe(true);
    expect(isArchived({ ...journal, archivedAt: at }, new Date(ends - 1))).toBe(true);
  });
});

describe('journalTarget: what the door learns from a journal id', () => {
  it('ACL-2, ACL-3: the subject and class come back from the id; a group journal names no class', () => {
    expect(journalTarget(S, journalId)).toEqual({ schoolId: S, subject: 'mathematics', classId: '7a' });
    expect(journalTarget(S, groupJournalId)).toEqual({ schoolId: S, subject: 'mathematics' });
    expect(journalTarget(S, journalIdFor('käsitöö', '5.b', 'x'))).toEqual({ schoolId: S, subject: 'käsitöö', classId: '5.b' });
  });

  it('ACL-2: an id of another shape names no subject or class, so no subject- or class-scoped grant can match it', () => {
    const subject = Buffer.from('mathematics').toString('base64url');
    for (const id of ['plain-id', `x.${subject}..u`, `j.${subject}.u`, `j.${subject}...u`, 'j...u', `j.${subject}.${subject}.u.more`])
      expect(journalTarget(S, id), id).toEqual({ schoolId: S });
  });
});

describe('readJournal and visibleJournal: a journal one may not see does not exist', () => {
  it('LRN-1: each relation reads the journal in its role; the roles asked for limit who gets it', async () => {
    expect((await readJournal(services(), owner, S, journalId)).role).toBe('teacher');
    expect((await readJournal(services(), classTeacher, S, journalId)).role).toBe('classTeacher');
    expect((await readJournal(services(), admin, S, journalId)).role).toBe('admin');
    expect(await code(readJournal(services(), admin, S, journalId, ['teacher', 'classTeacher']))).toBe('journal_not_found');
    expect(await code(readJournal(services(), classTeacher, S, journalId, ['teacher']))).toBe('journal_not_found');
  });

  it('ACL-2: another teacher, another school’s administrator, a student and a parent get 404, as for a missing journal', async () => {
    for (const who of [otherTeacher, otherAdmin, student, parent, formerTeacher])
      expect(await code(readJournal(services(), who, S, journalId)), who.accountId).toBe('journal_not_found');
    expect(await code(readJournal(services(), owner, S, 'j.none..x'))).toBe('journal_not_found');
  });

  it('LRN-1: a document that is not a journal is never taken for one, even with a teacher’s id on it', () => {
    const forged = { ...task, teacherIds: [owner.accountId], classId: '7a' } as unknown as JournalDoc;
    expect(() => visibleJournal(forged, owner)).toThrow(expect.objectContaining({ code: 'journal_not_found' }));
    expect(() => visibleJournal(undefined, owner)).toThrow(expect.objectContaining({ code: 'journal_not_found' }));
    expect(visibleJournal(journal, owner)).toEqual({ journal, role: 'teacher' });
    // Without roles named, every relation reads it.
    expect(visibleJournal(journal, classTeacher).role).toBe('classTeacher');
    expect(visibleJournal(journal, admin).role).toBe('admin');
  });
});

describe('changing a journal: its teachers only, the owner for co-teachers, never after its year', () => {
  it('LRN-1, ACL-3: the class teacher and the administrator may read the journal but not change it', async () => {
    for (const who of [classTeacher, admin, otherTeacher])
      expect(await code(changeJournal(services(), who, S, journalId, { name: 'Renamed' })), who.accountId).toBe('journal_not_found');
  });

  it('LRN-1: a co-teacher may rename it but only the owner changes the co-teachers', async () => {
    expect(await code(changeJournal(services(), coTeacher, S, journalId, { coTeacherIds: [] }))).toBe('journal_owner_only');
    expect((await changeJournal(services(), coTeacher, S, journalId, { name: 'Matemaatika 7A (kevad)' })).name).toBe('Matemaatika 7A (kevad)');
    const kept = [owner.accountId, coTeacher.accountId, formerTeacher.accountId];
    expect((await changeJournal(services(), owner, S, journalId, { coTeacherIds: kept.slice(1) })).teacherIds).toEqual(kept);
  });

  it('LRN-1: an ended school year, or a hand archive, makes it read-only; un-archiving is the one change allowed then', async () => {
    const ended = { services: () => ({ db, config, clock: { now: () => new Date(journal.endsAt) } }) };
    expect(await code(changeJournal(ended.services(), owner, S, journalId, { name: 'Late' }))).toBe('journal_archived');
    expect(await code(changeJournal(services(), owner, S, groupJournalId, { archived: true }))).toBe('allowed');
    expect(await code(changeJournal(services(), owner, S, groupJournalId, { name: 'While archived' }))).toBe('journal_archived');
    expect((await changeJournal(services(), owner, S, groupJournalId, { archived: false })).archivedAt).toBeUndefined();
  });
});

describe('the journal view and list: the administrator sees no tasks (ACL-1)', () => {
  it('LRN-1: a teacher of the journal gets it with its tasks', async () => {
    const page = await journalPage(services(), owner, grant('teacher'), S, journalId, {});
    expect(page.role).toBe('teacher');
    expect(page.journal?.id).toBe(journalId);
    expect(page.tasks.map((t) => t.id)).toEqual([taskId]);
    // The journal's teachers see whom each task was sent to.
    expect(page.tasks[0]!.studentIds).toEqual([student.accountId]);
    expect(Object.keys(page)).not.toContain('continuation');
  });

  it('LRN-1: the view starts with the journal (on which access is decided) even when a task was written before it', async () => {
    const page = await journalPage(services(), owner, grant('teacher'), S, laterJournalId, { pageSize: 1 });
    expect(page.journal?.id).toBe(laterJournalId);
    expect(page.tasks).toEqual([]);
  });

  it('LRN-1, ACL-1: a journal’s teacher who also administers the school still sees its tasks', async () => {
    const ownerAdmin = person(owner.accountId, mathTeacher, { schoolId: S, role: 'schoolAdmin' });
    const page = await journalPage(services(), ownerAdmin, [...grant('schoolAdmin'), ...grant('teacher')], S, journalId, {});
    expect(page.role).toBe('teacher');
    expect(page.tasks.map((t) => t.id)).toEqual([taskId]);
  });

  it('ACL-3: the class teacher of its class gets its tasks too', async () => {
    const page = await journalPage(services(), classTeacher, grant('classTeacher'), S, journalId, {});
    expect(page.role).toBe('classTeacher');
    expect(page.tasks.map((t) => t.id)).toEqual([taskId]);
  });

  it('ACL-1: the administrator gets the journal alone, no tasks and no continuation to them', async () => {
    const page = await journalPage(services(), admin, grant('schoolAdmin'), S, journalId, { pageSize: 1 });
    expect(page.role).toBe('admin');
    expect(page.journal?.id).toBe(journalId);
    expect(page.tasks).toEqual([]);
    expect(page.continuation).toBeUndefined();
  });

  it('ACL-1: a teacher of the school who is also its administrator but not of this journal sees it as administrator: no tasks', async () => {
    const teacherAdmin = person('acc-teacher-admin', mathTeacher, { schoolId: S, role: 'schoolAdmin' });
    const page = await journalPage(services(), teacherAdmin, [...grant('teacher'), ...grant('schoolAdmin')], S, journalId, {});
    expect(page.role).toBe('admin');
    expect(page.tasks).toEqual([]);
    // Their query reads tasks (they teach in the school), but no continuation leads to them either.
    const first = await journalPage(services(), teacherAdmin, [...grant('teacher'), ...grant('schoolAdmin')], S, journalId, { pageSize: 1 });
    expect(first.tasks).toEqual([]);
    expect(first.continuation).toBeUndefined();
  });

  it('ACL-2: another teacher of the school gets 404; a teacher’s page of one row continues to the tasks', async () => {
    expect(await code(journalPage(services(), otherTeacher, grant('teacher'), S, journalId, {}))).toBe('journal_not_found');
    const first = await journalPage(services(), owner, grant('teacher'), S, journalId, { pageSize: 1 });
    expect(first.tasks).toEqual([]);
    expect(first.continuation).toBeDefined();
    const next = await journalPage(services(), owner, grant('teacher'), S, journalId, { pageSize: 1, continuation: first.continuation! });
    expect(next.tasks.map((t) => t.id)).toEqual([taskId]);
    expect(next.journal).toBeUndefined();
  });

  it('ACL-2: a teacher lists the journals they teach; another teacher of the same subject none of them', async () => {
    const own = await listJournals(services(), owner, grant('teacher'), S, { subject: 'mathematics' }, {});
    expect(own.items.map((j) => j.id).sort()).toEqual([groupJournalId, journalId, laterJournalId].sort());
    expect((await listJournals(services(), otherTeacher, grant('teacher'), S, { subject: 'mathematics' }, {})).items).toEqual([]);
  });

  it('ACL-2: a teacher lists only their own journals of a class, not the class’s others; as its class teacher too, all of them', async () => {
    expect((await listJournals(services(), otherTeacher, grant('teacher'), S, { classId: '7a' }, {})).items).toEqual([]);
    const alsoClassTeacher = person(otherTeacher.accountId, mathTeacher, { schoolId: S, role: 'classTeacher', classId: '7a' });
    const both = [...grant('teacher'), ...grant('classTeacher')];
    expect((await listJournals(services(), alsoClassTeacher, both, S, { classId: '7a' }, {})).items.map((j) => j.id)).toEqual([journalId]);
    // The owner, also a class teacher elsewhere, still lists the journals they teach.
    const ownerClassTeacher = person(owner.accountId, mathTeacher, { schoolId: S, role: 'classTeacher', classId: '9c' });
    expect((await listJournals(services(), ownerClassTeacher, both, S, { subject: 'mathematics' }, {})).items.map((j) => j.id).sort()).toEqual(
      [groupJournalId, journalId, laterJournalId].sort(),
    );
  });

  it('ACC-4: a former teacher of a journal, now class teacher of another class, lists none of the journals they taught', async () => {
    const nowClassTeacher = person(formerTeacher.accountId, { schoolId: S, role: 'classTeacher', classId: '9c' });
    expect((await listJournals(services(), nowClassTeacher, grant('classTeacher'), S, {}, {})).items).toEqual([]);
  });

  it('ACL-1: an administrator who also teaches lists every journal of the school, not only their own', async () => {
    const teacherAdmin = person('acc-teacher-admin', mathTeacher, { schoolId: S, role: 'schoolAdmin' });
    const listed = await listJournals(services(), teacherAdmin, [...grant('teacher'), ...grant('schoolAdmin')], S, {}, {});
    expect(listed.items.map((j) => j.id).sort()).toEqual([groupJournalId, journalId, laterJournalId].sort());
  });

  it('ACL-3: a class teacher lists the journals of the class named, and nothing without a class', async () => {
    expect((await listJournals(services(), classTeacher, grant('classTeacher'), S, { classId: '7a' }, {})).items.map((j) => j.id)).toEqual([
      journalId,
    ]);
    expect((await listJournals(services(), classTeacher, grant('classTeacher'), S, {}, {})).items).toEqual([]);
  });

  it('ACL-1: the administrator lists every journal of the school; a grant with no journal role lists nothing', async () => {
    expect((await listJournals(services(), admin, grant('schoolAdmin'), S, {}, {})).items.map((j) => j.id).sort()).toEqual(
      [groupJournalId, journalId, laterJournalId].sort(),
    );
    expect((await listJournals(services(), student, grant('student'), S, {}, {})).items).toEqual([]);
  });
});

describe('tasks: students see only what was sent to them; teachers the keys', () => {
  it('ACL-4: a student reads a task sent to them; a classmate it was not sent to, or a student of another school, gets 404', async () => {
    expect((await readStudentTask(services(), student, S, taskId)).id).toBe(taskId);
    expect(await code(readStudentTask(services(), student, S, 'task-none'))).toBe('task_not_found');
    expect(await code(readStudentTask(services(), otherStudent, S, taskId))).toBe('task_not_found');
    expect(await code(readStudentTask(services(), person(student.accountId, { schoolId: OTHER_SCHOOL, role: 'student' }), S, taskId))).toBe(
      'task_not_found',
    );
  });

  it('ACC-4: a student whose role in the school ended (or who is its teacher, not student) reads no task there', async () => {
    expect(await code(readStudentTask(services(), person(student.accountId), S, taskId))).toBe('task_not_found');
    expect(await code(readStudentTask(services(), person(student.accountId, mathTeacher), S, taskId))).toBe('task_not_found');
  });

  it('ACL-4: a journal id is not a task: reading it as a task is 404 even for a listed student', async () => {
    expect(await code(readStudentTask(services(), { accountId: student.accountId, schoolRoles: student.schoolRoles }, S, journalId))).toBe(
      'task_not_found',
    );
  });

  it('LRN-2: the school of a student’s view is the one asked if theirs, or their only school as a student', () => {
    expect(studentSchool(student, S)).toBe(S);
    expect(studentSchool(student, undefined)).toBe(S);
    expect(() => studentSchool(student, OTHER_SCHOOL)).toThrow(expect.objectContaining({ code: 'task_not_found' }));
    // A teacher role elsewhere is not a school of the student's.
    expect(studentSchool(person('x', { schoolId: S, role: 'student' }, { ...mathTeacher, schoolId: OTHER_SCHOOL }), undefined)).toBe(S);
    expect(() => studentSchool(person('x', mathTeacher), S)).toThrow(expect.objectContaining({ code: 'task_not_found' }));
    const twoSchools = person('x', { schoolId: S, role: 'student' }, { schoolId: OTHER_SCHOOL, role: 'student' });
    expect(() => studentSchool(twoSchools, undefined)).toThrow(expect.objectContaining({ code: 'learning_school_required' }));
    expect(() => studentSchool(person('x'), undefined)).toThrow(expect.objectContaining({ code: 'learning_school_required' }));
    // The same school through two student roles is still one school.
    expect(studentSchool(person('x', { schoolId: S, role: 'student' }, { schoolId: S, role: 'student' }), undefined)).toBe(S);
  });

  it('LRN-3, ACL-3: the journal’s teacher reads the task with its keys; the class teacher without them; the administrator not at all', async () => {
    const asTeacher = await readJournalTask(services(), owner, S, journalId, taskId);
    expect(asTeacher.exercises[0]).toHaveProperty('key');
    expect(asTeacher.studentIds).toEqual([student.accountId]);
    const asClassTeacher = await readJournalTask(services(), classTeacher, S, journalId, taskId);
    expect(asClassTeacher.exercises[0]).not.toHaveProperty('key');
    expect(asClassTeacher.id).toBe(taskId);
    expect(await code(readJournalTask(services(), admin, S, journalId, taskId))).toBe('journal_not_found');
  });

  it('LRN-2: a task is read only through its own journal: another journal’s id (even one the teacher teaches) is 404', async () => {
    expect(await code(readJournalTask(services(), owner, S, groupJournalId, taskId))).toBe('task_not_found');
    expect(await code(readJournalTask(services(), owner, S, journalId, journalId))).toBe('task_not_found');
    expect(await code(readJournalTask(services(), owner, S, journalId, 'task-none'))).toBe('task_not_found');
  });
});

describe('answers and feedback: the journal’s teachers only', () => {
  it('LRN-3, ACL-2: the journal’s teachers read the answers; the class teacher, the administrator and another teacher get 404', async () => {
    expect((await taskAnswersPage(services(), coTeacher, S, journalId, taskId, {})).items.map((a) => a.studentId)).toEqual([student.accountId]);
    for (const who of [classTeacher, admin, otherTeacher])
      expect(await code(taskAnswersPage(services(), who, S, journalId, taskId, {})), who.accountId).toBe('journal_not_found');
  });

  it('LRN-5, ACL-3: statistics for the journal’s teachers and its class teacher; not for the administrator (ACL-1: no results)', async () => {
    expect((await readTaskStats(services(), owner, S, journalId, taskId))?.submitted).toBe(1);
    expect((await readTaskStats(services(), classTeacher, S, journalId, taskId))?.submitted).toBe(1);
    expect(await code(readTaskStats(services(), admin, S, journalId, taskId))).toBe('journal_not_found');
    expect(await code(readJournalStats(services(), classTeacher, S, journalId))).toBe('allowed');
    expect(await code(readJournalStats(services(), owner, S, journalId))).toBe('allowed');
    expect(await code(readJournalStats(services(), admin, S, journalId))).toBe('journal_not_found');
    expect(await code(readJournalStats(services(), otherTeacher, S, journalId))).toBe('journal_not_found');
  });

  it('LRN-3, ACL-3: only the journal’s teachers give feedback; the class teacher and the administrator are refused and nothing changes', async () => {
    for (const who of [classTeacher, admin, otherTeacher, formerTeacher])
      expect(await code(giveFeedback(services(), who, S, journalId, taskId, student.accountId, { points: 1, publish: true })), who.accountId).toBe(
        'journal_not_found',
      );
    expect((await db.collection('schools').read<AnswerDoc>(`answer:${taskId}:${student.accountId}`, S))?.feedback).toBeUndefined();
    const given = await giveFeedback(services(), coTeacher, S, journalId, taskId, student.accountId, { points: 2, comment: 'Hea!' });
    expect(given.feedback).toMatchObject({ points: 2, comment: 'Hea!', gradedBy: coTeacher.accountId });
  });

  it('LRN-3: feedback reaches an answer only through its own journal and task', async () => {
    // The owner teaches the group journal too, but the answer is not of it.
    expect(await code(giveFeedback(services(), owner, S, groupJournalId, taskId, student.accountId, { points: 1 }))).toBe('answer_not_found');
    await db
      .collection('schools')
      .create({ ...answerOf(otherStudent.accountId), taskId: 'task-other', id: `answer:${taskId}:${otherStudent.accountId}` });
    expect(await code(giveFeedback(services(), owner, S, journalId, taskId, otherStudent.accountId, { points: 1 }))).toBe('answer_not_found');
  });

  it('LRN-3: only the journal’s teachers delete an answer, and only one of that journal', async () => {
    for (const who of [classTeacher, admin, otherTeacher])
      expect(await code(deleteAnswer(services(), who, S, journalId, taskId, student.accountId)), who.accountId).toBe('journal_not_found');
    expect(await code(deleteAnswer(services(), owner, S, groupJournalId, taskId, student.accountId))).toBe('answer_not_found');
    expect(await code(deleteAnswer(services(), owner, S, journalId, taskId, 'acc-never-answered'))).toBe('answer_not_found');
    expect(await db.collection('schools').read(`answer:${taskId}:${student.accountId}`, S)).toBeDefined();
    await deleteAnswer(services(), owner, S, journalId, taskId, student.accountId);
    expect(await db.collection('schools').read(`answer:${taskId}:${student.accountId}`, S)).toBeUndefined();
  });
});
