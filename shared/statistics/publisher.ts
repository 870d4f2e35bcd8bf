import { z } from 'zod';

import { type DailyCellDoc, type MonthlyCellDoc, publisherScope } from '../events/index.js';
import type { Services } from '../platform/services.js';
import { monthsBetween, periodQuerySchema, toCsv } from './period.js';
import { suppress } from './suppress.js';

/**
 * Anonymous statistics for a publisher (STAT-2): its own works only (the partition holds nothing else), month by
 * month: students, seconds, page views, interactions and tasks done per work, the same but tasks per chapter, and
 * per exercise the students who answered it in a submitted task and their answers, from the anonymous aggregates.
 * Nothing names a school or a person. A work is listed when its students are shown; chapters are one table per work
 * (a chapter's cell and the work's chapters summed), exercises another, each suppressed like every statistics table
 * (suppress.ts): the work's seconds minus its shown chapters' never tell the time of fewer than 5 people. Tasks are of
 * the work, not of a chapter, so chapters carry no tasks-done figure.
 */
type Deps = Pick<Services, 'db' | 'clock'>;

const measures = z.object({
  students: z.number().int(),
  seconds: z.number().int(),
  views: z.number().int(),
  interactions: z.number().int(),
});
const exerciseSchema = z.object({ exerciseId: z.string(), students: z.number().int(), answers: z.number().int() });
/** A month's works with their chapters and exercises; a work, chapter or exercise is listed only when its students are shown. */
export const worksSchema = z.array(
  measures.extend({
    workId: z.string(),
    tasksDone: z.number().int(),
    chapters: z.array(measures.extend({ chapterId: z.string() })),
    exercises: z.array(exerciseSchema),
  }),
);
export const publisherReportSchema = z.object({
  publisherId: z.string(),
  months: z.array(z.object({ month: z.string(), works: worksSchema })),
});
type PublisherReport = z.infer<typeof publisherReportSchema>;

export const publisherQuerySchema = periodQuerySchema.extend({ workId: z.string().min(1).max(120).optional() });

interface Figures {
  students: number;
  seconds: number;
  views: number;
  interactions: number;
}
const NO_CHAPTER = '-';
const none = (): Figures => ({ students: 0, seconds: 0, views: 0, interactions: 0 });

export async function readPublisherReport(deps: Deps, publisherId: string, query: z.infer<typeof publisherQuerySchema>): Promise<PublisherReport> {
  const months = monthsBetween(query, deps.clock.now());
  const cells = await deps.db.collection('stats').queryAll<DailyCellDoc | MonthlyCellDoc>(publisherScope(publisherId), {
    where: "c.type IN ('usage-daily', 'usage-monthly') AND c.month >= @from AND c.month <= @to",
    parameters: [
      { name: '@from', value: months[0]! },
      { name: '@to', value: months.at(-1)! },
    ],
  });
  const report = months.map((month) =>
    worksOfMonth(
      month,
      cells.filter((c) => c.month === month),
    ),
  );
  return {
    publisherId,
    months: report.map((m) => ({ ...m, works: m.works.filter((w) => !query.workId || w.workId === query.workId) })),
  };
}

/** One month of works, chapters and exercises from publisher-partition cells (one publisher's, or every publisher's for the ministry). */
export function worksOfMonth(month: string, cells: (DailyCellDoc | MonthlyCellDoc)[]): PublisherReport['months'][number] {
  // work -> chapter (NO_CHAPTER: events without one) -> figures; the work's own distinct students and tasks apart.
  const chapters = new Map<string, Map<string, Figures>>();
  const exercises = new Map<string, Map<string, { students: number; answers: number }>>();
  const workStudents = new Map<string, number>();
  const workTasks = new Map<string, number>();
  const inMap = <V>(map: Map<string, Map<string, V>>, workId: string, key: string, fresh: () => V): V => {
    const work = map.get(workId) ?? new Map<string, V>();
    map.set(workId, work);
    const known = work.get(key) ?? fresh();
    work.set(key, known);
    return known;
  };
  const exerciseOf = (workId: string, exerciseId: string) => inMap(exercises, workId, exerciseId, () => ({ students: 0, answers: 0 }));
  for (const cell of cells) {
    if (!cell.workId || cell.workId === NO_CHAPTER) continue;
    if (cell.type === 'usage-monthly') {
      if (cell.level === 'work') workStudents.set(cell.workId, cell.people);
      if (cell.level === 'chapter' && cell.chapterId) inMap(chapters, cell.workId, cell.chapterId, none).students = cell.people;
      if (cell.level === 'exercise' && cell.exerciseId) exerciseOf(cell.workId, cell.exerciseId).students = cell.people;
    } else if (cell.exerciseId) {
      exerciseOf(cell.workId, cell.exerciseId).answers += cell.tasks ?? 0;
    } else if (cell.chapterId === undefined) {
      workTasks.set(cell.workId, (workTasks.get(cell.workId) ?? 0) + (cell.tasks ?? 0));
    } else {
      const figures = inMap(chapters, cell.workId, cell.chapterId, none);
      figures.seconds += cell.seconds;
      figures.views += cell.views;
      figures.interactions += cell.interactions;
    }
  }
  const works = [...new Set([...workStudents.keys(), ...chapters.keys()])].sort();
  /** One table per work: the parts' people, suppressed together; only the shown parts are listed. */
  const shownParts = <V extends { students: number }>(workId: string, parts: Map<string, V> | undefined) => {
    const sorted = [...(parts ?? new Map<string, V>())].sort(([a], [b]) => a.localeCompare(b));
    const table = suppress({ rows: [workId], cols: sorted.map(([k]) => k), people: [sorted.map(([, v]) => v.students)] });
    return sorted.filter((_, c) => table.cells[0]![c] !== null);
  };
  return {
    month,
    // Each work on its own: no total over works is shown (a person reads several), so one work's small count must
    // not hide another's.
    works: works.flatMap((workId) => {
      const students = suppress({ rows: [workId], cols: ['any'], people: [[workStudents.get(workId) ?? 0]] }).cells[0]![0];
      if (students === null || students === undefined) return [];
      const byChapter = [...(chapters.get(workId) ?? new Map<string, Figures>())];
      const sum = (key: keyof Omit<Figures, 'students'>) => byChapter.reduce((a, [, f]) => a + f[key], 0);
      return [
        {
          workId,
          students,
          seconds: sum('seconds'),
          views: sum('views'),
          interactions: sum('interactions'),
          tasksDone: workTasks.get(workId) ?? 0,
          chapters: shownParts(workId, chapters.get(workId)).map(([chapterId, f]) => ({ chapterId, ...f })),
          exercises: shownParts(workId, exercises.get(workId)).map(([exerciseId, e]) => ({ exerciseId, ...e })),
        },
      ];
    }),
  };
}

/** The same figures as CSV: a row per month, work, chapter and exercise (both empty: the whole work). */
export function publisherCsv(report: PublisherReport): string {
  const rows: (string | number | null)[][] = [];
  for (const m of report.months)
    for (const w of m.works) {
      rows.push([m.month, w.workId, '', '', w.students, w.seconds, w.views, w.interactions, w.tasksDone]);
      for (const c of w.chapters) rows.push([m.month, w.workId, c.chapterId, '', c.students, c.seconds, c.views, c.interactions, null]);
      for (const e of w.exercises) rows.push([m.month, w.workId, '', e.exerciseId, e.students, null, null, null, e.answers]);
    }
  return toCsv(['month', 'workId', 'chapterId', 'exerciseId', 'students', 'seconds', 'views', 'interactions', 'tasksDone'], rows);
}
