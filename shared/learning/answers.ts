import type { AccountDoc } from '../accounts/index.js';
import { type Answer, checkAnswer } from '../content/index.js';
import { type Page, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { mayOpenWork } from '../store/index.js';
import { gradeOnScale } from './grades.js';
import { historyEntry, writeChange } from './history.js';
import { readJournal, visibleJournal } from './journals.js';
import {
  type AnswerDoc,
  answerIdOf,
  type AnswerView,
  type ExerciseResult,
  type Feedback,
  type Grade,
  type HistoryDoc,
  type JournalDoc,
  type TaskDoc,
} from './model.js';
import { queueAnswerCount } from './stats.js';
import { readStudentTask, taskExercises } from './tasks.js';

const answerId = answerIdOf;

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What the student (and their parent) sees of an answer: feedback only once the teacher published it. */
export function answerView(doc: AnswerDoc, audience: 'student' | 'teacher'): AnswerView {
  const feedback = doc.feedback && (audience === 'teacher' || doc.feedback.publishedAt) ? doc.feedback : undefined;
  return {
    taskId: doc.taskId,
    journalId: doc.journalId,
    studentId: doc.studentId,
    workId: doc.workId,
    ...(doc.workVersion !== undefined ? { workVersion: doc.workVersion } : {}),
    status: doc.status,
    responses: doc.responses,
    ...(doc.results ? { results: doc.results } : {}),
    ...(doc.score !== undefined ? { score: doc.score } : {}),
    ...(doc.maxScore !== undefined ? { maxScore: doc.maxScore } : {}),
    attempt: doc.attempt,
    savedAt: doc.savedAt,
    ...(doc.submittedAt ? { submittedAt: doc.submittedAt } : {}),
    ...(doc.late !== undefined ? { late: doc.late } : {}),
    ...(doc.resubmitAllowed ? { resubmitAllowed: true } : {}),
    ...(feedback
      ? {
          feedback: {
            ...(feedback.comment !== undefined ? { comment: feedback.comment } : {}),
            corrections: feedback.corrections,
            ...(feedback.points !== undefined ? { points: feedback.points } : {}),
            ...(feedback.grade !== undefined ? { grade: feedback.grade } : {}),
            gradedAt: feedback.gradedAt,
            ...(feedback.publishedAt ? { publishedAt: feedback.publishedAt } : {}),
          },
        }
      : {}),
  };
}

export interface AnswerInput {
  responses: Record<string, Answer>;
  submit: boolean;
}

/**
 * A student saves a draft or submits (LRN-3). Refused: a task not sent to them, before its window opens or after it
 * closes, without a licence for the work (STORE-4), answers to exercises not in the task or of the wrong kind, a
 * second submission unless the teacher allowed it. A submission after the due date is marked late. A submission is
 * checked automatically in the work version the task was made from. Repeating the same request changes nothing.
 * Costs: the task, the licence, the answer (read, write); the task's statistics follow on the queue (`queueAnswerCount`).
 */
export async function saveAnswer(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  student: Pick<AccountDoc, 'accountId' | 'schoolRoles'>,
  schoolId: string,
  taskId: string,
  input: AnswerInput,
): Promise<AnswerDoc> {
  const task = await readStudentTask(services, student, schoolId, taskId);
  const now = services.clock.now();
  if (task.opensAt && now.toISOString() < task.opensAt) throw new AppError('task_not_open');
  if (task.closesAt && now.toISOString() > task.closesAt) throw new AppError('task_closed');
  // LRN-1: the journal's school year has ended (it is archived): no more answers.
  if (task.journalEndsAt && now.toISOString() >= task.journalEndsAt) throw new AppError('task_closed');
  const exercises = new Map(taskExercises(task).map((e) => [e.id, e]));
  const unknown = Object.keys(input.responses).filter((id) => !exercises.has(id));
  if (unknown.length) throw new AppError('answer_exercise_unknown', { params: { ids: unknown.join(', ').slice(0, 300) } });
  const wrongKind = Object.entries(input.responses).filter(([id, a]) => exercises.get(id)!.kind !== a.kind);
  if (wrongKind.length)
    throw new AppError('answer_invalid', {
      params: {
        ids: wrongKind
          .map(([id]) => id)
          .join(', ')
          .slice(0, 300),
      },
    });
  // The content area's refusal (its catalogue): the same answer as opening the work without a licence.
  if (!(await mayOpenWork(services, student.accountId, task.workId, now)).allowed) throw new AppError('work_not_licensed');

  const at = now.toISOString();
  const checked = (): Pick<AnswerDoc, 'results' | 'score' | 'maxScore' | 'late' | 'submittedAt'> => {
    const results: ExerciseResult[] = [...exercises.values()].map((exercise) => {
      const response = input.responses[exercise.id];
      const result = response
        ? checkAnswer(exercise, response)
        : {
            score: 0,
            maxScore: exercise.points,
            correct: false as const,
            feedback: [{ code: 'no_answer', text: { et: 'Vastus puudub.', fi: 'Vastaus puuttuu.', en: 'There is no answer.' } }],
          };
      return { exerciseId: exercise.id, score: result.score, maxScore: result.maxScore, correct: result.correct, feedback: result.feedback };
    });
    const score = Math.round(results.reduce((sum, r) => sum + r.score, 0) * 100) / 100;
    return { results, score, maxScore: task.maxPoints, late: at > task.dueAt, submittedAt: at };
  };
  const fresh = (): AnswerDoc => ({
    id: answerId(task.id, student.accountId),
    type: 'answer',
    schoolId,
    journalId: task.journalId,
    taskId: task.id,
    studentId: student.accountId,
    workId: task.workId,
    ...(task.workVersion !== undefined ? { workVersion: task.workVersion } : {}),
    status: input.submit ? 'submitted' : 'draft',
    responses: input.responses,
    attempt: 1,
    savedAt: at,
    ...(input.submit ? checked() : {}),
  });
  const updated = await updateWithEtag<AnswerDoc>(
    services.db.collection('schools'),
    answerId(task.id, student.accountId),
    schoolId,
    (current) => {
      // The teacher let the student submit again: the earlier attempt stays submitted until a draft or a new submission.
      const resubmitting = current.resubmitAllowed === true;
      if (current.status === 'submitted' && !resubmitting) {
        // The same submission again (a retry) is the one already made; anything else waits for the teacher.
        if (input.submit && sameJson(current.responses, input.responses)) return undefined;
        throw new AppError('answer_already_submitted');
      }
      if (!input.submit) {
        if (current.status === 'draft' && sameJson(current.responses, input.responses)) return undefined;
        // A new draft: the earlier attempt's results no longer describe the responses (its feedback stays).
        const draft: AnswerDoc = { ...current, responses: input.responses, savedAt: at, status: 'draft' };
        delete draft.results;
        delete draft.score;
        delete draft.late;
        return draft;
      }
      return {
        ...current,
        responses: input.responses,
        savedAt: at,
        ...checked(),
        status: 'submitted',
        attempt: resubmitting ? current.attempt + 1 : current.attempt,
        resubmitAllowed: false,
      };
    },
    { type: 'answer', create: fresh },
  );
  if (!updated) throw new AppError('answer_not_found');
  // The task's statistics follow the answer as stored (LRN-5): after a failure here, the retry asks again (counted once).
  await queueAnswerCount(services, updated.doc);
  return updated.doc;
}

/** A student's own answer to a task sent to them, if any (one point read). */
export async function readOwnAnswer(
  services: Pick<Services, 'db'>,
  studentId: string,
  schoolId: string,
  taskId: string,
): Promise<AnswerDoc | undefined> {
  const doc = await services.db.collection('schools').read<AnswerDoc>(answerId(taskId, studentId), schoolId);
  return doc?.type === 'answer' ? doc : undefined;
}

export interface FeedbackInput {
  comment?: string | undefined;
  corrections?: { exerciseId?: string | undefined; text: string }[] | undefined;
  points?: number | undefined;
  grade?: Grade | undefined;
  publish?: boolean | undefined;
  allowResubmit?: boolean | undefined;
}

const visible = (f: Feedback | undefined) =>
  f?.publishedAt
    ? {
        ...(f.grade !== undefined ? { grade: f.grade } : {}),
        ...(f.points !== undefined ? { points: f.points } : {}),
        ...(f.comment !== undefined ? { comment: f.comment } : {}),
        corrections: f.corrections.length,
      }
    : undefined;

/**
 * A journal's teacher gives feedback on a submitted answer (LRN-3): corrections, a comment, points, a grade on the
 * journal's scale, and publishes it; may let the student submit again. Every change the student can see (publishing,
 * or changing published feedback) is written to the student's 30-day history (LRN-6), keyed by the feedback's
 * revision, so a retry writes it once; `publish: false` takes published feedback back (a 'feedback-unpublished' entry).
 * Refused: a journal the caller does not teach (404), a grade off the scale,
 * points outside 0..max, an answer not submitted. Costs: the journal and the answer (one query), which of its pending
 * history entries are written (one query, when it has any), the answer's write, the new history entry.
 */
export async function giveFeedback(
  services: Pick<Services, 'db' | 'clock'>,
  teacher: AccountDoc,
  schoolId: string,
  journalId: string,
  taskId: string,
  studentId: string,
  input: FeedbackInput,
): Promise<AnswerDoc> {
  // The journal and the answer in one query (both in the school's partition): the budget keeps room for the history.
  const rows = await services.db.collection('schools').queryAll<(JournalDoc | AnswerDoc) & Stored>(schoolId, {
    where: 'ARRAY_CONTAINS(@ids, c.id)',
    parameters: [{ name: '@ids', value: [journalId, answerId(taskId, studentId)] }],
  });
  const { journal } = visibleJournal(
    rows.find((r): r is JournalDoc & Stored => r.type === 'journal' && r.id === journalId),
    teacher,
    ['teacher'],
  );
  if (input.grade !== undefined && !gradeOnScale(journal.gradingScale, input.grade))
    throw new AppError('grade_not_on_scale', { params: { scale: journal.gradingScale } });
  const stored = rows.find((r): r is AnswerDoc & Stored => r.type === 'answer' && r.id === answerId(taskId, studentId));
  if (!stored) throw new AppError('answer_not_found');
  const written = await changesWritten(services, stored);
  const now = services.clock.now();
  const at = now.toISOString();
  const updated = await updateWithEtag<AnswerDoc>(
    services.db.collection('schools'),
    answerId(taskId, studentId),
    schoolId,
    (current) => {
      if (current.journalId !== journalId || current.taskId !== taskId) throw new AppError('answer_not_found');
      if (current.status !== 'submitted') throw new AppError('answer_not_submitted');
      const max = current.maxScore ?? 0;
      if (input.points !== undefined && (input.points < 0 || input.points > max)) throw new AppError('points_out_of_range', { params: { max } });
      const previous = current.feedback;
      const content = {
        ...(input.comment !== undefined ? { comment: input.comment } : previous?.comment !== undefined ? { comment: previous.comment } : {}),
        corrections: (input.corrections ?? previous?.corrections ?? []).map((c) => ({
          ...(c.exerciseId ? { exerciseId: c.exerciseId } : {}),
          text: c.text,
        })),
        ...(input.points !== undefined ? { points: input.points } : previous?.points !== undefined ? { points: previous.points } : {}),
        ...(input.grade !== undefined ? { grade: input.grade } : previous?.grade !== undefined ? { grade: previous.grade } : {}),
      };
      // `publish: false` takes published feedback back (LRN-3): the student no longer sees it; the history says so.
      const unpublishing = input.publish === false && Boolean(previous?.publishedAt);
      const publishedAt = unpublishing ? undefined : (previous?.publishedAt ?? (input.publish ? at : undefined));
      const contentChanged = !sameJson(
        content,
        previous && {
          ...('comment' in previous ? { comment: previous.comment } : {}),
          corrections: previous.corrections,
          ...('points' in previous ? { points: previous.points } : {}),
          ...('grade' in previous ? { grade: previous.grade } : {}),
        },
      );
      const newlyVisible = unpublishing || (Boolean(publishedAt) && (contentChanged || !previous?.publishedAt));
      const resubmit = input.allowResubmit ?? current.resubmitAllowed ?? false;
      if (!contentChanged && publishedAt === previous?.publishedAt && resubmit === (current.resubmitAllowed ?? false)) return undefined;
      // Entries still not found in the history go on with this write (LRN-6); those found there are done.
      const { lastChange: _last, ...rest } = current;
      const pendingChanges = pendingOf(current).filter((e) => !written.has(e.id));
      const feedback: Feedback = {
        ...content,
        gradedBy: contentChanged || !previous ? teacher.accountId : previous.gradedBy,
        gradedAt: contentChanged || !previous ? at : previous.gradedAt,
        ...(publishedAt ? { publishedAt } : {}),
        revision: (previous?.revision ?? 0) + (newlyVisible ? 1 : 0),
      };
      if (!newlyVisible) return { ...rest, feedback, resubmitAllowed: resubmit, pendingChanges };
      // The change's history entry goes into the same write as the change (LRN-6): see `lastChange`.
      const was = visible(previous);
      const lastChange = historyEntry(now, {
        answer: current,
        revision: feedback.revision,
        // Taken back: what the student saw until now is the entry's `before`; it has no `after`.
        change: unpublishing ? 'feedback-unpublished' : feedback.revision === 1 ? 'feedback-published' : 'feedback-changed',
        by: teacher.accountId,
        ...(unpublishing ? {} : { after: visible(feedback)! }),
        ...(was ? { before: was } : {}),
      });
      return { ...rest, feedback, resubmitAllowed: resubmit, pendingChanges: [...pendingChanges, lastChange] };
    },
    { type: 'answer', current: stored },
  );
  if (!updated) throw new AppError('answer_not_found');
  // Written after the answer, and on every later call those not found written: a retry after a failure in between, or
  // any later change, writes the entries an earlier attempt did not.
  for (const entry of pendingOf(updated.doc)) if (!written.has(entry.id)) await writeChange(services, entry);
  return updated.doc;
}

/** The history entries an answer carries as maybe not written (`pendingChanges`; `lastChange` of answers written before). */
const pendingOf = (answer: AnswerDoc): HistoryDoc[] => answer.pendingChanges ?? (answer.lastChange ? [answer.lastChange] : []);

/** Which of the answer's pending history entries are in the history already: one query in the student's partition (none without any). */
async function changesWritten(services: Pick<Services, 'db'>, answer: AnswerDoc): Promise<Set<string>> {
  const ids = pendingOf(answer).map((e) => e.id);
  if (ids.length === 0) return new Set();
  const found = await services.db
    .collection('history')
    .queryAll<{ id: string }>(answer.studentId, { where: 'ARRAY_CONTAINS(@ids, c.id)', parameters: [{ name: '@ids', value: ids }] });
  return new Set(found.map((f) => f.id));
}

/**
 * The answers to one task, for the journal's teachers (LRN-3, ACL-2): the journal, then ONE single-partition query
 * page of the task's answers.
 */
export async function taskAnswersPage(
  services: Pick<Services, 'db' | 'config'>,
  teacher: AccountDoc,
  schoolId: string,
  journalId: string,
  taskId: string,
  page: PageRequest,
): Promise<Page<AnswerView>> {
  await readJournal(services, teacher, schoolId, journalId, ['teacher']);
  const rows = await pageOf<AnswerDoc>(
    services,
    {
      container: 'schools',
      partitionKey: schoolId,
      where: "c.type = 'answer' AND c.taskId = @task AND c.journalId = @journal",
      parameters: [
        { name: '@task', value: taskId },
        { name: '@journal', value: journalId },
      ],
      orderBy: 'c.studentId',
      defaultPageSize: 100,
    },
    page,
  );
  return { items: rows.items.map((a) => answerView(a, 'teacher')), ...(rows.continuation ? { continuation: rows.continuation } : {}) };
}

/**
 * A journal's teacher deletes a student's answer (LRN-3), e.g. one handed in by mistake; the student may then answer
 * again. The deletion is written to the student's 30-day history first (LRN-6), then the answer is deleted: a retry
 * after a failure in between finds the entry there (same id) and finishes the deletion; a deletion repeated after it
 * finished answers as it did (LRN-3). Costs: the journal, the answer, the history entry, the delete (the statistics
 * follow on the queue) (again: the journal,
 * the answer, the task).
 */
export async function deleteAnswer(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  teacher: AccountDoc,
  schoolId: string,
  journalId: string,
  taskId: string,
  studentId: string,
): Promise<void> {
  await readJournal(services, teacher, schoolId, journalId, ['teacher']);
  const schools = services.db.collection('schools');
  const answer = await schools.read<AnswerDoc>(answerId(taskId, studentId), schoolId);
  if (answer?.type !== 'answer' || answer.journalId !== journalId) {
    // Deleting again answers as the first deletion did: the answer of a task of this journal sent to the student is
    // gone, which is what was asked (one read of the task more). A task or student that never was stays a 404.
    const task = await schools.read<TaskDoc>(taskId, schoolId);
    if (answer === undefined && task?.type === 'task' && task.journalId === journalId && task.studentIds.includes(studentId)) {
      await queueAnswerCount(services, { id: answerId(taskId, studentId), savedAt: 'again', schoolId, journalId, taskId, studentId }, true);
      return;
    }
    throw new AppError('answer_not_found');
  }
  const was = visible(answer.feedback);
  await writeChange(
    services,
    historyEntry(services.clock.now(), {
      answer,
      revision: answer.attempt,
      change: 'answer-deleted',
      by: teacher.accountId,
      ...(was ? { before: was } : {}),
    }),
  );
  await schools.delete(answer.id, schoolId);
  // The statistics no longer count it (LRN-5); a retry after a failure here asks again from the branch above.
  await queueAnswerCount(services, answer, true);
}
