import { exampleWorkContent } from '../content/fixtures.js';
import { type Answer, checkAnswer, type Exercise, findExercise } from '../content/index.js';
import { journalIdFor } from '../learning/journal-ids.js';
import type { AnswerDoc, JournalDoc, TaskDoc, TaskStatsDoc } from '../learning/model.js';
import { statsDocOf } from '../learning/stats.js';

/**
 * Demo learning data (issue 18) for `npm start`: Mari's mathematics journal of 5.a with Mihkel and Liis and the demo
 * work; a task Mihkel submitted, checked automatically and graded 4 (published), which Liis has not answered yet; and
 * a later task Mihkel has a draft of.
 */
export const demoLearning = {
  journalId: journalIdFor('mathematics', 'class-ee-5a', 'demo'),
  taskId: 't-demo-1',
  draftTaskId: 't-demo-2',
} as const;

interface People {
  school: string;
  teacher: { accountId: string; firstName: string; lastName: string };
  students: { accountId: string; firstName: string; lastName: string }[];
  work: string;
  at: string;
}

export function demoLearningDocuments({ school, teacher, students, work, at }: People): (JournalDoc | TaskDoc | AnswerDoc | TaskStatsDoc)[] {
  const content = exampleWorkContent();
  const exercise = (id: string) => findExercise(content, id)!.exercise;
  const journal: JournalDoc = {
    id: demoLearning.journalId,
    type: 'journal',
    schoolId: school,
    journalId: demoLearning.journalId,
    sortKey: '0',
    name: '5.a matemaatika',
    subject: 'mathematics',
    classId: 'class-ee-5a',
    schoolYear: '2026/2027',
    endsAt: '2027-08-01T00:00:00.000Z',
    gradingScale: 'ee-1-5',
    ownerId: teacher.accountId,
    teacherIds: [teacher.accountId],
    teachers: [teacher],
    studentIds: students.map((s) => s.accountId),
    students,
    workIds: [work],
    createdAt: at,
    updatedAt: at,
  };
  const task = (id: string, title: string, exerciseIds: string[], dueAt: string): TaskDoc => {
    const exercises = exerciseIds.map(exercise);
    return {
      id,
      type: 'task',
      schoolId: school,
      journalId: journal.id,
      taskId: id,
      sortKey: `1|${dueAt}|${id}`,
      title,
      workId: work,
      workVersion: 1,
      items: exerciseIds.map((e) => ({ kind: 'exercise' as const, id: e })),
      exercises,
      maxPoints: exercises.reduce((sum, e) => sum + e.points, 0),
      studentIds: journal.studentIds,
      dueAt,
      journalEndsAt: journal.endsAt,
      createdBy: teacher.accountId,
      createdAt: at,
      updatedAt: at,
    };
  };
  const first = task(
    demoLearning.taskId,
    'Kodutöö: pealinnad ja arvud',
    ['ex-single', 'ex-multiple', 'ex-text', 'ex-numeric'],
    '2026-09-15T18:00:00.000Z',
  );
  const second = task(demoLearning.draftTaskId, 'Kodutöö: järjestamine', ['ex-ordering', 'ex-matching'], '2027-05-01T18:00:00.000Z');
  const responses: Record<string, Answer> = {
    'ex-single': { kind: 'single', choice: 'b' },
    'ex-multiple': { kind: 'multiple', choices: ['a', 'b'] },
    'ex-text': { kind: 'text', text: 'soda' },
    'ex-numeric': { kind: 'numeric', value: '3,5' },
  };
  const results = (first.exercises as Exercise[]).map((e) => ({ exerciseId: e.id, ...checkAnswer(e, responses[e.id]!) }));
  const mihkel = students[0]!.accountId;
  const submitted: AnswerDoc = {
    id: `answer:${first.id}:${mihkel}`,
    type: 'answer',
    schoolId: school,
    journalId: journal.id,
    taskId: first.id,
    studentId: mihkel,
    workId: work,
    workVersion: 1,
    status: 'submitted',
    responses,
    results,
    score: Math.round(results.reduce((sum, r) => sum + r.score, 0) * 100) / 100,
    maxScore: first.maxPoints,
    attempt: 1,
    savedAt: '2026-09-14T17:00:00.000Z',
    submittedAt: '2026-09-14T17:00:00.000Z',
    late: false,
    feedback: {
      comment: 'Hea töö! Vaata üle paarisarvud ja täpitähed.',
      corrections: [{ exerciseId: 'ex-text', text: 'sõda' }],
      grade: 4,
      gradedBy: teacher.accountId,
      gradedAt: '2026-09-16T08:00:00.000Z',
      publishedAt: '2026-09-16T08:00:00.000Z',
      revision: 1,
    },
  };
  const draft: AnswerDoc = {
    id: `answer:${second.id}:${mihkel}`,
    type: 'answer',
    schoolId: school,
    journalId: journal.id,
    taskId: second.id,
    studentId: mihkel,
    workId: work,
    workVersion: 1,
    status: 'draft',
    responses: { 'ex-ordering': { kind: 'ordering', order: ['one', 'two', 'four', 'three'] } },
    attempt: 1,
    savedAt: '2026-11-20T16:00:00.000Z',
  };
  // The tasks' statistics, as the queue would have counted these answers (LRN-5).
  return [journal, first, second, submitted, draft, statsDocOf(first, [submitted]), statsDocOf(second, [draft])];
}
