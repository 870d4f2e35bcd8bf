import { z } from 'zod';

import type { Doc } from '../platform/cosmos.js';

/**
 * Study work in the school's partition of `schools` (/schoolId): journals (LRN-1), tasks (LRN-2) and answers with
 * their feedback (LRN-3). Everything a teacher or a student lists is one single-partition query:
 * - the teacher's journal view: the journal and its tasks share `journalId`, ordered by `sortKey` (the journal first);
 * - the student's task list: tasks name their students (`studentIds`, at most MAX_TASK_STUDENTS), so
 *   `ARRAY_CONTAINS(c.studentIds, @me)` finds them in the same partition as the student's own answers. A copy per
 *   student in the student's account partition would cost one write per student per task (and per change of the due
 *   date), could be left half-written, and still needs the school partition for the teacher's view.
 */

/** Ids we hand out for journals and tasks: safe in URLs and Cosmos ids. */
export const learningIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/, 'must be an id of letters, digits, ., _ and -');
/** A subject as the school's memberships name it ("mathematics"). */
export const subjectSchema = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,59}$/u, 'must be a subject name');
export const accountIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'must be an account id');

export const MAX_JOURNAL_STUDENTS = 200;
/** A task goes to some or all of a journal's students: as many at most (its statistics are then one query). */
export const MAX_TASK_STUDENTS = 200;
export const MAX_JOURNAL_WORKS = 50;
export const MAX_CO_TEACHERS = 10;
export const MAX_TASK_EXERCISES = 100;

/** Grading scales (LRN-3): Estonian 1-5, Finnish 4-10 (with ½, + and -), pass/fail, a percentage. */
export const gradingScales = ['ee-1-5', 'fi-4-10', 'pass-fail', 'percentage'] as const;
export type GradingScale = (typeof gradingScales)[number];
export const gradeSchema = z.union([z.number().finite(), z.enum(['pass', 'fail'])]);
export type Grade = z.infer<typeof gradeSchema>;

export interface Person {
  accountId: string;
  firstName?: string;
  lastName?: string;
}

export interface JournalDoc extends Doc {
  type: 'journal';
  schoolId: string;
  /** Equal to `id`: tasks carry the same field, so the journal view is one query on it. */
  journalId: string;
  sortKey: string;
  name: string;
  subject: string;
  /** The class the journal is for, or none for a study group (then `groupName`). */
  classId?: string;
  groupName?: string;
  schoolYear: string;
  /** The end of the school year (1 August after it): from then on the journal reads as archived. */
  endsAt: string;
  gradingScale: GradingScale;
  ownerId: string;
  /** The owner and the co-teachers: who may change the journal, assign tasks and grade (LRN-1). */
  teacherIds: string[];
  teachers: Person[];
  studentIds: string[];
  students: Person[];
  /** The works used in the journal (ACL-1: the administrator sees these per student). */
  workIds: string[];
  archivedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface TaskItem {
  kind: 'exercise' | 'page';
  id: string;
}

export interface TaskDoc extends Doc {
  type: 'task';
  schoolId: string;
  journalId: string;
  taskId: string;
  sortKey: string;
  title: string;
  instructions?: string;
  workId: string;
  /** The published version of the work the task was made from: answers are made in it (LRN-3). */
  workVersion?: number;
  items: TaskItem[];
  /**
   * The task's exercises as published in `workVersion`, with their keys: checking an answer then needs no read of the
   * work (the answer route's budget). Never sent to students as they are: `studentView` removes the keys.
   */
  exercises: unknown[];
  maxPoints: number;
  studentIds: string[];
  dueAt: string;
  opensAt?: string;
  closesAt?: string;
  /** The end of the journal's school year: the journal is archived then and takes no more answers. */
  journalEndsAt?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ExerciseResult {
  exerciseId: string;
  score: number;
  maxScore: number;
  /** 'pending': an open answer waits for the teacher. */
  correct: boolean | 'pending';
  /** What was wrong, in the student's own answer's terms (LRN-3 automatic checking), in et, fi and en. */
  feedback: { code: string; part?: string | undefined; text: { et: string; fi: string; en: string } }[];
}

export interface Feedback {
  comment?: string;
  corrections: { exerciseId?: string; text: string }[];
  points?: number;
  grade?: Grade;
  gradedBy: string;
  gradedAt: string;
  /** Set when the teacher published it: only then the student and parents see it. */
  publishedAt?: string;
  /** Counts every change the student sees (published, changed, unpublished): the history entry of each is keyed by it. */
  revision: number;
}

type AnswerStatus = 'draft' | 'submitted';

export interface AnswerDoc extends Doc {
  type: 'answer';
  schoolId: string;
  journalId: string;
  taskId: string;
  studentId: string;
  workId: string;
  workVersion?: number;
  status: AnswerStatus;
  responses: Record<string, unknown>;
  results?: ExerciseResult[];
  score?: number;
  maxScore?: number;
  attempt: number;
  savedAt: string;
  submittedAt?: string;
  late?: boolean;
  /** The teacher let the student submit again (LRN-3). */
  resubmitAllowed?: boolean;
  feedback?: Feedback;
  deletedAt?: string;
  /**
   * The history entry of the latest change the student can see (LRN-6), stored with the change itself so that a retry
   * after a failure between the answer's write and the entry's finds it here and writes it (same id: once). Written
   * before `pendingChanges`; read as one of them.
   */
  lastChange?: HistoryDoc;
  /**
   * History entries of changes the student can see (LRN-6) not yet known to be written, each stored with its change:
   * every later call on the feedback writes those missing from the history, and the next change drops those found
   * there. So an entry whose write failed survives any number of later changes until a call writes it.
   */
  pendingChanges?: HistoryDoc[];
}

/** One answer per task and student, in the school's partition: the student's id is in it, never taken from a body. */
export const answerIdOf = (taskId: string, studentId: string) => `answer:${taskId}:${studentId}`;

/** What one answer adds to its task's statistics (LRN-5), compactly: see `TaskStatsDoc`. */
export interface CountedAnswer {
  /** When the answer counted was saved: an older save arriving late does not replace a newer one. */
  at: string;
  /** Submitted (1) or a draft (0). */
  submitted: 0 | 1;
  late: 0 | 1;
  /** Percent of the task's points (submitted answers only). */
  percent?: number;
  /** Per exercise: right (1), wrong (0) or waiting for the teacher (2), and the share of its points. */
  exercises?: Record<string, [0 | 1 | 2, number]>;
}

/**
 * A task's running statistics (LRN-5), beside the task in the school's partition (`task-stats:<taskId>`): totals over
 * the answers, and what each answer adds (keyed by a hash of the answer's id, not the student), so that writing an
 * answer's figures again (a retry) changes nothing and a new submission replaces the earlier one's figures.
 */
export interface TaskStatsDoc extends Doc {
  type: 'task-stats';
  schoolId: string;
  journalId: string;
  taskId: string;
  submitted: number;
  drafts: number;
  late: number;
  percentSum: number;
  distribution: Record<string, number>;
  exercises: Record<string, { answered: number; correct: number; pending: number; share: number }>;
  counted: Record<string, CountedAnswer>;
}

/** One change to study information, in the student's partition of `history` (LRN-6): kept 30 days by Cosmos TTL. */
export interface HistoryDoc extends Doc {
  type: 'study-history';
  accountId: string;
  schoolId: string;
  journalId: string;
  taskId: string;
  change: 'feedback-published' | 'feedback-changed' | 'feedback-unpublished' | 'answer-deleted';
  at: string;
  by: string;
  /** What the student sees now (after the change) and saw before, in brief. */
  after?: { grade?: Grade; points?: number; comment?: string; corrections?: number };
  before?: { grade?: Grade; points?: number; comment?: string; corrections?: number };
  /** When it stops being shown (the TTL removes it then too). */
  visibleUntil: string;
}

// ---- Views ---------------------------------------------------------------------------------------------------------

const personView = z.object({
  accountId: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  classId: z.string().optional(),
});

export const journalViewSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  name: z.string(),
  subject: z.string(),
  classId: z.string().optional(),
  groupName: z.string().optional(),
  schoolYear: z.string(),
  gradingScale: z.enum(gradingScales),
  archived: z.boolean(),
  ownerId: z.string(),
  teachers: z.array(personView),
  students: z.array(personView),
  workIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type JournalView = z.infer<typeof journalViewSchema>;

export const taskViewSchema = z.object({
  id: z.string(),
  journalId: z.string(),
  title: z.string(),
  instructions: z.string().optional(),
  workId: z.string(),
  workVersion: z.number().optional(),
  items: z.array(z.object({ kind: z.enum(['exercise', 'page']), id: z.string() })),
  maxPoints: z.number(),
  studentIds: z.array(z.string()).optional(),
  dueAt: z.string(),
  opensAt: z.string().optional(),
  closesAt: z.string().optional(),
  createdAt: z.string(),
});
export type TaskView = z.infer<typeof taskViewSchema>;

const resultView = z.object({
  exerciseId: z.string(),
  score: z.number(),
  maxScore: z.number(),
  correct: z.union([z.boolean(), z.literal('pending')]),
  feedback: z.array(z.object({ code: z.string(), part: z.string().optional(), text: z.object({ et: z.string(), fi: z.string(), en: z.string() }) })),
});

const feedbackViewSchema = z.object({
  comment: z.string().optional(),
  corrections: z.array(z.object({ exerciseId: z.string().optional(), text: z.string() })),
  points: z.number().optional(),
  grade: gradeSchema.optional(),
  gradedAt: z.string(),
  publishedAt: z.string().optional(),
});

export const answerViewSchema = z.object({
  taskId: z.string(),
  journalId: z.string(),
  studentId: z.string(),
  workId: z.string(),
  workVersion: z.number().optional(),
  status: z.enum(['draft', 'submitted']),
  responses: z.record(z.string(), z.unknown()).optional(),
  results: z.array(resultView).optional(),
  score: z.number().optional(),
  maxScore: z.number().optional(),
  attempt: z.number(),
  savedAt: z.string(),
  submittedAt: z.string().optional(),
  late: z.boolean().optional(),
  resubmitAllowed: z.boolean().optional(),
  feedback: feedbackViewSchema.optional(),
});
export type AnswerView = z.infer<typeof answerViewSchema>;

export const historyViewSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  journalId: z.string(),
  taskId: z.string(),
  change: z.enum(['feedback-published', 'feedback-changed', 'feedback-unpublished', 'answer-deleted']),
  at: z.string(),
  by: z.string(),
  after: z
    .object({ grade: gradeSchema.optional(), points: z.number().optional(), comment: z.string().optional(), corrections: z.number().optional() })
    .optional(),
  before: z
    .object({ grade: gradeSchema.optional(), points: z.number().optional(), comment: z.string().optional(), corrections: z.number().optional() })
    .optional(),
  visibleUntil: z.string(),
});
export type HistoryView = z.infer<typeof historyViewSchema>;
