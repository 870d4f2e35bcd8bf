import { createHash } from 'node:crypto';

import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { updateWithEtag } from '../platform/cosmos.js';
import { openContinuation, type PageRequest, sealContinuation } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { readJournal } from './journals.js';
import { type AnswerDoc, answerIdOf, type CountedAnswer, MAX_TASK_STUDENTS, type TaskDoc, type TaskStatsDoc } from './model.js';

/**
 * Statistics (LRN-5), computed from single-partition reads of the answers they are about, never a scan of all answers:
 * a task's (its journal's teachers and the class teacher, ACL-2, ACL-3) from the task and its answers (one query, at
 * most MAX_TASK_STUDENTS answers); a student's (ACL-4) from their own answers in the school (one query page).
 * Both carry the privacy notice's caveat that they do not show overall success.
 */

/** The privacy notices' words (seeds 000, 001, 003, section "statistics"). */
export const STATS_CAVEAT = {
  et: 'Opiqu statistika ei pruugi näidata õpilase üldist õppeedukust koolis, sest see ei kajasta kogu õppeprotsessi.',
  fi: 'Opiqin tilastot eivät välttämättä näytä oppilaan yleistä opintomenestystä koulussa, sillä ne eivät kuvasta koko oppimisprosessia.',
  en: "The statistical data from Opiq may not provide an overview of a student's overall academic success, as it does not reflect the entire teaching process.",
} as const;

const caveatSchema = z.object({ et: z.string(), fi: z.string(), en: z.string() });

/** Score bands of 20 percentage points: [0,20), [20,40), [40,60), [60,80), [80,100]. */
const BANDS = ['0-19', '20-39', '40-59', '60-79', '80-100'] as const;
const bandOf = (percent: number) => BANDS[Math.min(4, Math.floor(percent / 20))]!;
const percent = (score: number, max: number) => (max > 0 ? Math.round((score / max) * 1000) / 10 : 0);

export const taskStatsSchema = z.object({
  taskId: z.string(),
  journalId: z.string(),
  assigned: z.number(),
  submitted: z.number(),
  late: z.number(),
  drafts: z.number(),
  /** Share of the assigned students who submitted, in percent. */
  completion: z.number(),
  averagePercent: z.number().optional(),
  scoreDistribution: z.record(z.string(), z.number()),
  /** Per exercise, hardest first: the share of submitted answers that were right, and the average share of points. */
  exercises: z.array(
    z.object({ exerciseId: z.string(), answered: z.number(), correctPercent: z.number(), averagePercent: z.number(), pending: z.number() }),
  ),
  caveat: caveatSchema,
});
export type TaskStats = z.infer<typeof taskStatsSchema>;

export function taskStats(task: TaskDoc, answers: readonly AnswerDoc[]): TaskStats {
  const assigned = new Set(task.studentIds);
  const mine = answers.filter((a) => assigned.has(a.studentId));
  const submitted = mine.filter((a) => a.status === 'submitted');
  const distribution: Record<string, number> = Object.fromEntries(BANDS.map((b) => [b, 0]));
  for (const a of submitted) distribution[bandOf(percent(a.score ?? 0, a.maxScore ?? task.maxPoints))]! += 1;
  const perExercise = new Map<string, { answered: number; correct: number; share: number; pending: number }>();
  for (const a of submitted)
    for (const r of a.results ?? []) {
      const e = perExercise.get(r.exerciseId) ?? { answered: 0, correct: 0, share: 0, pending: 0 };
      e.answered += 1;
      if (r.correct === true) e.correct += 1;
      if (r.correct === 'pending') e.pending += 1;
      e.share += r.maxScore > 0 ? r.score / r.maxScore : 0;
      perExercise.set(r.exerciseId, e);
    }
  const exercises = [...perExercise]
    .map(([exerciseId, e]) => ({
      exerciseId,
      answered: e.answered,
      correctPercent: percent(e.correct, e.answered - e.pending),
      averagePercent: percent(e.share, e.answered),
      pending: e.pending,
    }))
    .sort((x, y) => x.averagePercent - y.averagePercent || x.exerciseId.localeCompare(y.exerciseId));
  const average = submitted.length
    ? Math.round((submitted.reduce((sum, a) => sum + percent(a.score ?? 0, a.maxScore ?? task.maxPoints), 0) / submitted.length) * 10) / 10
    : undefined;
  return {
    taskId: task.id,
    journalId: task.journalId,
    assigned: assigned.size,
    submitted: submitted.length,
    late: submitted.filter((a) => a.late).length,
    drafts: mine.filter((a) => a.status === 'draft').length,
    completion: percent(submitted.length, assigned.size),
    ...(average !== undefined ? { averagePercent: average } : {}),
    scoreDistribution: distribution,
    exercises,
    caveat: STATS_CAVEAT,
  };
}

/**
 * A task's statistics for its journal's teachers and the class teacher (LRN-5, ACL-2, ACL-3; not the administrator):
 * the journal, then one single-partition query for the task and its answers (at most MAX_TASK_STUDENTS + 1 rows).
 */
export async function readTaskStats(
  services: Pick<Services, 'db'>,
  account: AccountDoc,
  schoolId: string,
  journalId: string,
  taskId: string,
): Promise<TaskStats | undefined> {
  await readJournal(services, account, schoolId, journalId, ['teacher', 'classTeacher']);
  const page = await services.db.collection('schools').query<TaskDoc | AnswerDoc>(schoolId, {
    where: "c.taskId = @task AND c.journalId = @journal AND (c.type = 'task' OR c.type = 'answer')",
    parameters: [
      { name: '@task', value: taskId },
      { name: '@journal', value: journalId },
    ],
    pageSize: MAX_TASK_STUDENTS * 2 + 1,
  });
  const task = page.items.find((r): r is TaskDoc => r.type === 'task');
  return (
    task &&
    taskStats(
      task,
      page.items.filter((r): r is AnswerDoc => r.type === 'answer'),
    )
  );
}

const taskStatsId = (taskId: string) => `task-stats:${taskId}`;
/** The key of an answer's figures: not the student's id (the statistics name no one). */
const countedKey = (answerId: string) => createHash('sha256').update(answerId).digest('base64url').slice(0, 16);

/** What an answer adds to its task's statistics. */
function countedOf(answer: AnswerDoc): CountedAnswer {
  if (answer.status !== 'submitted') return { at: answer.savedAt, submitted: 0, late: 0 };
  return {
    at: answer.savedAt,
    submitted: 1,
    late: answer.late ? 1 : 0,
    percent: percent(answer.score ?? 0, answer.maxScore ?? 0),
    exercises: Object.fromEntries(
      (answer.results ?? []).map((r) => [r.exerciseId, [r.correct === 'pending' ? 2 : r.correct ? 1 : 0, r.maxScore > 0 ? r.score / r.maxScore : 0]]),
    ),
  };
}

/** Adds (sign 1) or takes away (sign -1) one answer's figures from the totals. */
function apply(doc: TaskStatsDoc, counted: CountedAnswer, sign: 1 | -1): void {
  if (!counted.submitted) {
    doc.drafts += sign;
    return;
  }
  doc.submitted += sign;
  doc.late += sign * counted.late;
  doc.percentSum += sign * (counted.percent ?? 0);
  const band = bandOf(counted.percent ?? 0);
  doc.distribution[band] = (doc.distribution[band] ?? 0) + sign;
  for (const [exerciseId, [correct, share]] of Object.entries(counted.exercises ?? {})) {
    const e = doc.exercises[exerciseId] ?? { answered: 0, correct: 0, pending: 0, share: 0 };
    e.answered += sign;
    if (correct === 1) e.correct += sign;
    if (correct === 2) e.pending += sign;
    e.share += sign * share;
    if (e.answered === 0) delete doc.exercises[exerciseId];
    else doc.exercises[exerciseId] = e;
  }
}

function emptyStats(where: Pick<AnswerDoc, 'schoolId' | 'journalId' | 'taskId'>): TaskStatsDoc {
  return {
    id: taskStatsId(where.taskId),
    type: 'task-stats',
    schoolId: where.schoolId,
    journalId: where.journalId,
    taskId: where.taskId,
    submitted: 0,
    drafts: 0,
    late: 0,
    percentSum: 0,
    distribution: Object.fromEntries(BANDS.map((b) => [b, 0])),
    exercises: {},
    counted: {},
  };
}

/** A task's statistics document counted whole from its answers (demo data written straight to the store). */
export function statsDocOf(task: Pick<TaskDoc, 'schoolId' | 'journalId' | 'id'>, answers: readonly AnswerDoc[]): TaskStatsDoc {
  const doc = emptyStats({ ...task, taskId: task.id });
  for (const answer of answers) {
    const counted = countedOf(answer);
    apply(doc, counted, 1);
    doc.counted[countedKey(answer.id)] = counted;
  }
  return doc;
}

/**
 * Brings a task's statistics in line with one answer as stored now (LRN-5), or with its deletion (`answer` undefined):
 * its earlier figures are taken away and its current ones added, under the statistics document's ETag. Calling it
 * again with the same answer (a retried request, or one whose first attempt failed after the answer was written)
 * finds its figures already counted and writes nothing. Costs: the statistics document (read, write).
 */
async function countAnswer(
  services: Pick<Services, 'db'>,
  where: Pick<AnswerDoc, 'id' | 'schoolId' | 'journalId' | 'taskId'>,
  answer: AnswerDoc | undefined,
): Promise<void> {
  const key = countedKey(where.id);
  const next = answer && countedOf(answer);
  const fresh = () => emptyStats(where);
  const change = (current: TaskStatsDoc): TaskStatsDoc | undefined => {
    const was = current.counted[key];
    if (JSON.stringify(was) === JSON.stringify(next)) return undefined;
    // A save older than the one counted (concurrent requests finishing out of order) leaves the newer one's figures.
    if (was && next && next.at < was.at) return undefined;
    const doc: TaskStatsDoc = structuredClone(current);
    if (was) apply(doc, was, -1);
    if (next) apply(doc, next, 1);
    if (next) doc.counted[key] = next;
    else delete doc.counted[key];
    return doc;
  };
  await updateWithEtag<TaskStatsDoc>(services.db.collection('schools'), taskStatsId(where.taskId), where.schoolId, change, {
    type: 'task-stats',
    create: () => (next ? change(fresh()) : undefined),
  });
}

/** The message that an answer changed (queue 'learning-stats'): which answer, to be read as it is stored now. */
export const answerCountMessageSchema = z.object({ schoolId: z.string(), journalId: z.string(), taskId: z.string(), studentId: z.string() });
export type AnswerCountMessage = z.infer<typeof answerCountMessageSchema>;

/**
 * Asks for an answer's figures to be counted (LRN-5), after its write or deletion: on the queue, so that submitting,
 * grading and deleting keep their operation budgets; a retried request sends it again, which counts nothing twice.
 */
export async function queueAnswerCount(
  services: Pick<Services, 'bus'>,
  answer: Pick<AnswerDoc, 'id' | 'savedAt'> & AnswerCountMessage,
  deleted = false,
) {
  const body: AnswerCountMessage = { schoolId: answer.schoolId, journalId: answer.journalId, taskId: answer.taskId, studentId: answer.studentId };
  await services.bus.send('learning-stats', { body, messageId: `${answer.id}:${deleted ? 'deleted:' : ''}${answer.savedAt}` });
}

/**
 * Asks for the answers of students a task's change took off (or put back on) to be counted again (LRN-5): one message
 * per student, keyed by the task's version, so a retried change sends nothing new and the handler counts nothing twice.
 */
export async function queueAssignmentCounts(
  services: Pick<Services, 'bus'>,
  task: Pick<TaskDoc, 'schoolId' | 'journalId' | 'taskId' | 'updatedAt'>,
  studentIds: readonly string[],
) {
  for (const studentId of studentIds)
    await services.bus.send('learning-stats', {
      body: { schoolId: task.schoolId, journalId: task.journalId, taskId: task.taskId, studentId },
      messageId: `${answerIdOf(task.taskId, studentId)}:assigned:${task.updatedAt}`,
    });
}

/** A submitted answer, as the anonymous usage statistics count a task done (STAT-1): never its responses or score. */
export interface SubmittedTask {
  answerId: string;
  studentId: string;
  schoolId: string;
  workId: string;
  exerciseIds: string[];
  submittedAt: string;
}

/**
 * The queue's handler: the answer as stored now (or its absence) into its task's statistics; the answer of a student
 * the task is no longer sent to counts as absent (a task's figures are its students'). Costs: the answer and the task
 * (one query), `countAnswer`. Returns the submission when the answer counts as submitted, for the usage statistics.
 */
export async function handleAnswerCount(services: Pick<Services, 'db'>, message: AnswerCountMessage): Promise<SubmittedTask | undefined> {
  const id = answerIdOf(message.taskId, message.studentId);
  const rows = await services.db.collection('schools').queryAll<AnswerDoc | TaskDoc>(message.schoolId, {
    where: 'ARRAY_CONTAINS(@ids, c.id)',
    parameters: [{ name: '@ids', value: [id, message.taskId] }],
  });
  const task = rows.find((r): r is TaskDoc => r.type === 'task' && r.id === message.taskId);
  const stored = rows.find((r): r is AnswerDoc => r.type === 'answer' && r.id === id);
  const counts = stored?.journalId === message.journalId && task?.studentIds.includes(message.studentId);
  await countAnswer(services, { id, schoolId: message.schoolId, journalId: message.journalId, taskId: message.taskId }, counts ? stored : undefined);
  if (!counts || !stored || stored.status !== 'submitted' || !stored.submittedAt || stored.deletedAt) return undefined;
  return {
    answerId: stored.id,
    studentId: stored.studentId,
    schoolId: stored.schoolId,
    workId: stored.workId,
    exerciseIds: (stored.results ?? []).map((r) => r.exerciseId),
    submittedAt: stored.submittedAt,
  };
}

export const journalStatsSchema = z.object({
  journalId: z.string(),
  tasks: z.array(
    z.object({
      taskId: z.string(),
      title: z.string(),
      dueAt: z.string(),
      assigned: z.number(),
      submitted: z.number(),
      late: z.number(),
      completion: z.number(),
      averagePercent: z.number().optional(),
    }),
  ),
  /** Submitted of assigned over all the tasks, in percent. */
  completion: z.number(),
  scoreDistribution: z.record(z.string(), z.number()),
  /** Per exercise over the journal's tasks, hardest first. */
  exercises: taskStatsSchema.shape.exercises,
  /**
   * More tasks follow on the next page (ask again with `continuation`): the figures cover the tasks listed on this
   * page, each of them whole. Kept for clients that read it before the list was paged.
   */
  partial: z.boolean(),
  continuation: z.string().optional(),
  caveat: caveatSchema,
});
export type JournalStats = z.infer<typeof journalStatsSchema>;

/** Rows one page reads: a task and its statistics document each, so 1000 tasks; a journal rarely has more. */
const JOURNAL_STATS_ROWS = 2000;

const statsScope = (schoolId: string, journalId: string) => `journal-stats\n${schoolId}\n${journalId}`;

/** A task's figures from its statistics document (none yet: nothing answered). */
function taskFigures(task: TaskDoc, stats: TaskStatsDoc | undefined) {
  const submitted = stats?.submitted ?? 0;
  const average = stats && submitted ? Math.round((stats.percentSum / submitted) * 10) / 10 : undefined;
  return {
    taskId: task.id,
    title: task.title,
    dueAt: task.dueAt,
    assigned: task.studentIds.length,
    submitted,
    late: stats?.late ?? 0,
    completion: percent(submitted, task.studentIds.length),
    ...(average !== undefined ? { averagePercent: average } : {}),
  };
}

/**
 * A journal's statistics for its teachers and the class teacher (LRN-5): every task's completion and average, the
 * score distribution and exercise difficulty over all of them, from the tasks and their statistics documents (kept
 * with every answer write, `countAnswer`), so complete however many answers there are: the journal, then ONE
 * single-partition query page of tasks and statistics documents, ordered by task. A journal with more than 1000 tasks
 * pages on (`continuation`, `partial`: the figures then cover the page's tasks, each whole).
 */
export async function readJournalStats(
  services: Pick<Services, 'db' | 'config'>,
  account: AccountDoc,
  schoolId: string,
  journalId: string,
  request: Pick<PageRequest, 'continuation'> = {},
): Promise<JournalStats> {
  await readJournal(services, account, schoolId, journalId, ['teacher', 'classTeacher']);
  const keys = services.config.SESSION_SIGNING_KEYS;
  const from = request.continuation ? openContinuation(keys, statsScope(schoolId, journalId), request.continuation) : '';
  const page = await services.db.collection('schools').query<TaskDoc | TaskStatsDoc>(schoolId, {
    where: "c.journalId = @journal AND (c.type = 'task' OR c.type = 'task-stats') AND c.taskId >= @from",
    parameters: [
      { name: '@journal', value: journalId },
      { name: '@from', value: from },
    ],
    orderBy: 'c.taskId',
    pageSize: JOURNAL_STATS_ROWS,
  });
  const byTask = new Map<string, { task?: TaskDoc; stats?: TaskStatsDoc }>();
  for (const row of page.items) {
    const group = byTask.get(row.taskId) ?? {};
    if (row.type === 'task') group.task = row;
    else group.stats = row;
    byTask.set(row.taskId, group);
  }
  // With more to read, the last task's statistics may be on the next page: that task starts the next page.
  const nextTask = page.continuation ? page.items.at(-1)?.taskId : undefined;
  if (nextTask !== undefined) byTask.delete(nextTask);
  const perTask = [...byTask.values()].flatMap((g) => (g.task ? [{ task: g.task, stats: g.stats }] : []));
  perTask.sort((a, b) => a.task.dueAt.localeCompare(b.task.dueAt));
  const distribution: Record<string, number> = Object.fromEntries(BANDS.map((b) => [b, 0]));
  const exercises = new Map<string, { answered: number; correct: number; share: number; pending: number }>();
  for (const { stats } of perTask) {
    if (!stats) continue;
    for (const [band, count] of Object.entries(stats.distribution)) distribution[band] = (distribution[band] ?? 0) + count;
    for (const [exerciseId, e] of Object.entries(stats.exercises)) {
      const sum = exercises.get(exerciseId) ?? { answered: 0, correct: 0, share: 0, pending: 0 };
      sum.answered += e.answered;
      sum.correct += e.correct;
      sum.pending += e.pending;
      sum.share += e.share;
      exercises.set(exerciseId, sum);
    }
  }
  const tasks = perTask.map(({ task, stats }) => taskFigures(task, stats));
  const assigned = tasks.reduce((n, t) => n + t.assigned, 0);
  const submitted = tasks.reduce((n, t) => n + t.submitted, 0);
  return {
    journalId,
    tasks,
    completion: percent(submitted, assigned),
    scoreDistribution: distribution,
    exercises: [...exercises]
      .map(([exerciseId, e]) => ({
        exerciseId,
        answered: e.answered,
        correctPercent: percent(e.correct, e.answered - e.pending),
        averagePercent: percent(e.share, e.answered),
        pending: e.pending,
      }))
      .sort((x, y) => x.averagePercent - y.averagePercent || x.exerciseId.localeCompare(y.exerciseId)),
    partial: nextTask !== undefined,
    ...(nextTask !== undefined ? { continuation: sealContinuation(keys, statsScope(schoolId, journalId), nextTask) } : {}),
    caveat: STATS_CAVEAT,
  };
}

export const studentStatsSchema = z.object({
  schoolId: z.string(),
  works: z.array(z.object({ workId: z.string(), tasks: z.number(), submitted: z.number(), averagePercent: z.number().optional() })),
  tasks: z.array(
    z.object({
      taskId: z.string(),
      workId: z.string(),
      status: z.enum(['draft', 'submitted']),
      late: z.boolean().optional(),
      percent: z.number().optional(),
      attempt: z.number(),
    }),
  ),
  /** More answers than one page: the figures cover the first page (the newest tasks first). */
  partial: z.boolean(),
  caveat: caveatSchema,
});
export type StudentStats = z.infer<typeof studentStatsSchema>;

const STUDENT_STATS_PAGE = 500;

/** A student's own statistics per work and task in a school (LRN-5, ACL-4): one single-partition query page. */
export async function readStudentStats(services: Pick<Services, 'db'>, studentId: string, schoolId: string): Promise<StudentStats> {
  const page = await services.db.collection('schools').query<AnswerDoc>(schoolId, {
    where: "c.type = 'answer' AND c.studentId = @student",
    parameters: [{ name: '@student', value: studentId }],
    orderBy: 'c.taskId DESC',
    pageSize: STUDENT_STATS_PAGE,
  });
  const tasks = page.items.map((a) => ({
    taskId: a.taskId,
    workId: a.workId,
    status: a.status,
    ...(a.late !== undefined ? { late: a.late } : {}),
    ...(a.status === 'submitted' && a.maxScore ? { percent: percent(a.score ?? 0, a.maxScore) } : {}),
    attempt: a.attempt,
  }));
  const works = new Map<string, { tasks: number; submitted: number; percents: number[] }>();
  for (const t of tasks) {
    const w = works.get(t.workId) ?? { tasks: 0, submitted: 0, percents: [] };
    w.tasks += 1;
    if (t.status === 'submitted') w.submitted += 1;
    if (t.percent !== undefined) w.percents.push(t.percent);
    works.set(t.workId, w);
  }
  return {
    schoolId,
    works: [...works].map(([workId, w]) => ({
      workId,
      tasks: w.tasks,
      submitted: w.submitted,
      ...(w.percents.length ? { averagePercent: Math.round((w.percents.reduce((s, p) => s + p, 0) / w.percents.length) * 10) / 10 } : {}),
    })),
    tasks,
    partial: Boolean(page.continuation),
    caveat: STATS_CAVEAT,
  };
}
