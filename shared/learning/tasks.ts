import { randomUUID } from 'node:crypto';

import type { AccountDoc } from '../accounts/index.js';
import { type Exercise, findExercise, loadVersionForNewWork, type StudentExercise, studentExercise } from '../content/index.js';
import { type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { keyedId } from '../platform/idempotency.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { isArchived, readJournal, taskView, visibleJournal } from './journals.js';
import { type AnswerDoc, type JournalDoc, MAX_TASK_STUDENTS, type TaskDoc, type TaskItem, type TaskView } from './model.js';
import { queueAssignmentCounts } from './stats.js';

export interface TaskInput {
  title: string;
  instructions?: string | undefined;
  workId: string;
  exerciseIds: string[];
  pageIds: string[];
  /** Some of the journal's students; all of them when absent (LRN-2). */
  studentIds?: string[] | undefined;
  dueAt: string;
  opensAt?: string | undefined;
  closesAt?: string | undefined;
}

const unique = (ids: readonly string[]) => [...new Set(ids)];

function checkWindow(input: Pick<TaskInput, 'dueAt' | 'opensAt' | 'closesAt'>): void {
  const due = Date.parse(input.dueAt);
  const opens = input.opensAt ? Date.parse(input.opensAt) : undefined;
  const closes = input.closesAt ? Date.parse(input.closesAt) : undefined;
  if (opens !== undefined && closes !== undefined && opens >= closes) throw new AppError('task_window_invalid');
  if (opens !== undefined && due < opens) throw new AppError('task_window_invalid');
  if (closes !== undefined && due > closes) throw new AppError('task_window_invalid');
}

/**
 * A journal's teacher assigns exercises or pages of one of the journal's works to its students, all or some, with a
 * due date and an optional window (LRN-2). The exercises are copied with their keys from the work's current published
 * version, which the task records: answers are made and checked in that version (LRN-3). With an idempotency key a
 * retry returns the task the first attempt created. Costs: the journal (with a key: one query for it and an earlier
 * attempt's task), the work (which also says whether it was withdrawn, OPS-2) and its version, one write.
 */
export async function createTask(
  services: Pick<Services, 'db' | 'clock'>,
  teacher: AccountDoc,
  schoolId: string,
  journalId: string,
  input: TaskInput,
  key?: string,
): Promise<{ task: TaskDoc; replayed: boolean }> {
  const id = key ? `t-${keyedId(teacher.accountId, key)}` : `t-${randomUUID()}`;
  // With a key, the journal and an earlier attempt's task in one query (a retry then costs nothing more).
  const [journalDoc, earlier] = key
    ? await journalAndTask(services, schoolId, journalId, id)
    : [await services.db.collection('schools').read<JournalDoc>(journalId, schoolId), undefined];
  const { journal } = visibleJournal(journalDoc, teacher, ['teacher']);
  if (earlier?.createdBy === teacher.accountId) return { task: earlier, replayed: true };
  const now = services.clock.now();
  if (isArchived(journal, now)) throw new AppError('journal_archived');
  if (!journal.workIds.includes(input.workId)) throw new AppError('task_work_not_in_journal');
  const studentIds = input.studentIds ? unique(input.studentIds) : journal.studentIds;
  if (studentIds.length === 0 || studentIds.length > MAX_TASK_STUDENTS || studentIds.some((id) => !journal.studentIds.includes(id)))
    throw new AppError('task_students_not_in_journal');
  checkWindow(input);

  // OPS-2: a withdrawn work takes no new tasks (work_withdrawn); answers already made stay readable.
  const version = await loadVersionForNewWork(services, input.workId);
  const exerciseIds = unique(input.exerciseIds);
  const pageIds = unique(input.pageIds);
  const found = exerciseIds.map((id) => ({ id, found: version && findExercise(version, id) }));
  const pages = new Map((version?.chapters ?? []).flatMap((c) => c.pages.map((p) => [p.id, p] as const)));
  const unknown = [...found.filter((f) => !f.found).map((f) => f.id), ...pageIds.filter((id) => !pages.has(id))];
  if (!version || unknown.length) throw new AppError('task_content_unknown', { params: { ids: unknown.join(', ').slice(0, 300) || input.workId } });
  // A page assigned brings its exercises with it (ids are unique within a work).
  const exercises = new Map<string, Exercise>(found.map((f) => [f.id, f.found!.exercise]));
  for (const id of pageIds)
    for (const block of pages.get(id)!.blocks) if (block.kind === 'exercise') exercises.set(block.exercise.id, block.exercise);

  const at = now.toISOString();
  const items: TaskItem[] = [
    ...exerciseIds.map((e) => ({ kind: 'exercise' as const, id: e })),
    ...pageIds.map((p) => ({ kind: 'page' as const, id: p })),
  ];
  const task: TaskDoc = {
    id,
    type: 'task',
    schoolId,
    journalId,
    taskId: id,
    sortKey: `1|${new Date(input.dueAt).toISOString()}|${id}`,
    title: input.title,
    ...(input.instructions ? { instructions: input.instructions } : {}),
    workId: input.workId,
    workVersion: version.versionNo,
    items,
    exercises: [...exercises.values()],
    maxPoints: [...exercises.values()].reduce((sum, e) => sum + e.points, 0),
    studentIds,
    dueAt: new Date(input.dueAt).toISOString(),
    ...(input.opensAt ? { opensAt: new Date(input.opensAt).toISOString() } : {}),
    ...(input.closesAt ? { closesAt: new Date(input.closesAt).toISOString() } : {}),
    journalEndsAt: journal.endsAt,
    createdBy: teacher.accountId,
    createdAt: at,
    updatedAt: at,
  };
  return { task: await services.db.collection('schools').create(task), replayed: false };
}

export interface TaskChange {
  title?: string | undefined;
  dueAt?: string | undefined;
  /** null removes the window's start or end. */
  opensAt?: string | null | undefined;
  closesAt?: string | null | undefined;
  /** The students it is sent to, given whole (some or all of the journal's). */
  studentIds?: string[] | undefined;
}

/**
 * A journal's teacher changes a task (LRN-2): title, due date, window, which of the journal's students it is sent
 * to. Answers already made stay (a student taken off the task keeps theirs; statistics count the students it is sent
 * to: a change of students queues their answers to be counted again, `queueAssignmentCounts`); the exercises and the
 * work version do not change. Late marks are given at submission, so moving the due date does not re-mark answers
 * already submitted. Repeating a change changes nothing (and re-sends the counts it queued, which count nothing twice).
 * Costs: the journal, the task (read, write under its ETag).
 */
export async function changeTask(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  teacher: AccountDoc,
  schoolId: string,
  journalId: string,
  taskId: string,
  change: TaskChange,
): Promise<TaskDoc> {
  const journalDoc = await services.db.collection('schools').read<JournalDoc>(journalId, schoolId);
  const { journal } = visibleJournal(journalDoc, teacher, ['teacher']);
  const now = services.clock.now();
  if (isArchived(journal, now)) throw new AppError('journal_archived');
  const studentIds = change.studentIds && unique(change.studentIds);
  if (studentIds && (studentIds.length === 0 || studentIds.length > MAX_TASK_STUDENTS || studentIds.some((id) => !journal.studentIds.includes(id))))
    throw new AppError('task_students_not_in_journal');
  let previous: readonly string[] = [];
  const updated = await updateWithEtag<TaskDoc>(
    services.db.collection('schools'),
    taskId,
    schoolId,
    (current) => {
      if (current.journalId !== journalId) throw new AppError('task_not_found');
      previous = current.studentIds;
      const next: TaskDoc = { ...current };
      if (change.title !== undefined) next.title = change.title;
      if (change.dueAt !== undefined) next.dueAt = new Date(change.dueAt).toISOString();
      for (const field of ['opensAt', 'closesAt'] as const) {
        const value = change[field];
        if (value === null) delete next[field];
        else if (value !== undefined) next[field] = new Date(value).toISOString();
      }
      if (studentIds) next.studentIds = studentIds;
      checkWindow(next);
      next.sortKey = `1|${next.dueAt}|${next.id}`;
      const same = JSON.stringify({ ...next, updatedAt: '' }) === JSON.stringify({ ...current, updatedAt: '' });
      return same ? undefined : { ...next, updatedAt: now.toISOString() };
    },
    { type: 'task' },
  );
  if (!updated) throw new AppError('task_not_found');
  // Whoever may have been on the task before: the journal's students (a retry no longer knows the earlier list).
  if (studentIds) await queueAssignmentCounts(services, updated.doc, unique([...journal.studentIds, ...previous]));
  return updated.doc;
}

async function journalAndTask(
  services: Pick<Services, 'db'>,
  schoolId: string,
  journalId: string,
  taskId: string,
): Promise<[JournalDoc | undefined, TaskDoc | undefined]> {
  const rows = await services.db.collection('schools').queryAll<JournalDoc | TaskDoc>(schoolId, {
    where: 'ARRAY_CONTAINS(@ids, c.id)',
    parameters: [{ name: '@ids', value: [journalId, taskId] }],
  });
  return [
    rows.find((r): r is JournalDoc => r.type === 'journal' && r.id === journalId),
    rows.find((r): r is TaskDoc => r.type === 'task' && r.id === taskId),
  ];
}

export const taskExercises = (task: TaskDoc) => task.exercises as Exercise[];

/** A task as its student sees it: the exercises without their keys (LRN-2, LRN-3). */
export function studentTaskView(task: TaskDoc): TaskView & { exercises: StudentExercise[] } {
  return { ...taskView(task, false), exercises: taskExercises(task).map(studentExercise) };
}

/**
 * A task sent to this student, while they are a student of its school (ACC-4: a school's access ends with the role),
 * or 404 (another student's, another school's, or none).
 */
export async function readStudentTask(
  services: Pick<Services, 'db'>,
  student: Pick<AccountDoc, 'accountId' | 'schoolRoles'>,
  schoolId: string,
  taskId: string,
): Promise<TaskDoc & Stored> {
  if (!(student.schoolRoles ?? []).some((r) => r.schoolId === schoolId && r.role === 'student')) throw new AppError('task_not_found');
  const task = await services.db.collection('schools').read<TaskDoc>(taskId, schoolId);
  if (task?.type !== 'task' || !task.studentIds.includes(student.accountId)) throw new AppError('task_not_found');
  return task;
}

/**
 * The school a student's (or a child's) learning view is about: the one asked for, which must be one of theirs, or
 * their only school as a student.
 */
export function studentSchool(student: Pick<AccountDoc, 'schoolRoles'>, asked: string | undefined): string {
  const schools = unique((student.schoolRoles ?? []).filter((r) => r.role === 'student').map((r) => r.schoolId));
  if (asked !== undefined) {
    if (!schools.includes(asked)) throw new AppError('task_not_found');
    return asked;
  }
  if (schools.length !== 1) throw new AppError('learning_school_required');
  return schools[0]!;
}

/**
 * What was sent to a student in a school, with their own answers (LRN-2, ACL-4): ONE single-partition query page in
 * the school's partition, tasks by `ARRAY_CONTAINS(c.studentIds, @student)` and answers by `c.studentId`. A task and
 * its answer may fall on different pages; both carry `taskId`.
 */
export async function studentTaskPage(
  services: Pick<Services, 'db' | 'config'>,
  studentId: string,
  schoolId: string,
  page: PageRequest,
): Promise<{ tasks: TaskDoc[]; answers: AnswerDoc[]; continuation?: string }> {
  const rows = await pageOf<TaskDoc | AnswerDoc>(
    services,
    {
      container: 'schools',
      partitionKey: schoolId,
      where: "(c.type = 'task' AND ARRAY_CONTAINS(c.studentIds, @student)) OR (c.type = 'answer' AND c.studentId = @student)",
      parameters: [{ name: '@student', value: studentId }],
      orderBy: 'c.taskId',
      defaultPageSize: 50,
    },
    page,
  );
  return {
    tasks: rows.items.filter((r): r is TaskDoc => r.type === 'task'),
    answers: rows.items.filter((r): r is AnswerDoc => r.type === 'answer'),
    ...(rows.continuation ? { continuation: rows.continuation } : {}),
  };
}

/**
 * A task of a journal as its teachers see it, the exercises with their keys and the teacher's guidance for open
 * answers (LRN-3 grading); the class teacher of its class sees it as students do (ACL-3: works and statistics).
 * The journal, then the task: two point reads.
 */
export async function readJournalTask(
  services: Pick<Services, 'db'>,
  account: AccountDoc,
  schoolId: string,
  journalId: string,
  taskId: string,
): Promise<TaskView & { exercises: (Exercise | StudentExercise)[] }> {
  const { role } = await readJournal(services, account, schoolId, journalId, ['teacher', 'classTeacher']);
  const task = await services.db.collection('schools').read<TaskDoc>(taskId, schoolId);
  if (task?.type !== 'task' || task.journalId !== journalId) throw new AppError('task_not_found');
  return { ...taskView(task, true), exercises: role === 'teacher' ? taskExercises(task) : taskExercises(task).map(studentExercise) };
}
