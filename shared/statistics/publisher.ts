import { z } from 'zod';

import { type DailyCellDoc, type MonthlyCellDoc, publisherScope } from '../events/index.js';
import type { Services } from '../platform/services.js';
import { monthsBetween, periodQuerySchema, toCsv } from './period.js';
import { suppress } from './suppress.js';

/**
 * Anonymous statistics for a publisher (STAT-2): its own works only (the partition holds nothing else), month by
 * month: students, seconds, page views and interactions per work and per chapter, from the anonymous aggregates.
 * Nothing names a school or a person. A work is listed when its students are shown; chapters are one table per work
 * (a chapter's cell and the work's chapters summed), suppressed like every statistics table (suppress.ts): the work's
 * seconds minus its shown chapters' never tell the time of fewer than 5 people.
 */
type Deps = Pick<Services, 'db' | 'clock'>;

const measures = z.object({
  students: z.number().int(),
  seconds: z.number().int(),
  views: z.number().int(),
  interactions: z.number().int(),
});
/** A month's works with their chapters; a work or chapter is listed only when its students are shown. */
export const worksSchema = z.array(measures.extend({ workId: z.string(), chapters: z.array(measures.extend({ chapterId: z.string() })) }));
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

/** One month of works and chapters from publisher-partition cells (one publisher's, or every publisher's for the ministry). */
export function worksOfMonth(month: string, cells: (DailyCellDoc | MonthlyCellDoc)[]): PublisherReport['months'][number] {
  // work -> chapter (NO_CHAPTER: events without one) -> figures; the work's own distinct students apart.
  const chapters = new Map<string, Map<string, Figures>>();
  const workStudents = new Map<string, number>();
  const figuresOf = (workId: string, chapterId: string) => {
    const work = chapters.get(workId) ?? new Map<string, Figures>();
    chapters.set(workId, work);
    const known = work.get(chapterId) ?? none();
    work.set(chapterId, known);
    return known;
  };
  for (const cell of cells) {
    if (!cell.workId || cell.workId === NO_CHAPTER) continue;
    if (cell.type === 'usage-monthly') {
      if (cell.level === 'work') workStudents.set(cell.workId, cell.people);
      if (cell.level === 'chapter' && cell.chapterId) figuresOf(cell.workId, cell.chapterId).students = cell.people;
    } else {
      const figures = figuresOf(cell.workId, cell.chapterId ?? NO_CHAPTER);
      figures.seconds += cell.seconds;
      figures.views += cell.views;
      figures.interactions += cell.interactions;
    }
  }
  const works = [...new Set([...workStudents.keys(), ...chapters.keys()])].sort();
  return {
    month,
    // Each work on its own: no total over works is shown (a person reads several), so one work's small count must
    // not hide another's.
    works: works.flatMap((workId) => {
      const students = suppress({ rows: [workId], cols: ['any'], people: [[workStudents.get(workId) ?? 0]] }).cells[0]![0];
      if (students === null || students === undefined) return [];
      const byChapter = [...(chapters.get(workId) ?? new Map<string, Figures>())].sort(([a], [b]) => a.localeCompare(b));
      const table = suppress({ rows: [workId], cols: byChapter.map(([c]) => c), people: [byChapter.map(([, f]) => f.students)] });
      const sum = (key: keyof Omit<Figures, 'students'>) => byChapter.reduce((a, [, f]) => a + f[key], 0);
      return [
        {
          workId,
          students,
          seconds: sum('seconds'),
          views: sum('views'),
          interactions: sum('interactions'),
          chapters: byChapter.flatMap(([chapterId, f], c) => (table.cells[0]![c] === null ? [] : [{ chapterId, ...f }])),
        },
      ];
    }),
  };
}

/** The same figures as CSV: a row per month, work and chapter (empty: the whole work). */
export function publisherCsv(report: PublisherReport): string {
  const rows: (string | number)[][] = [];
  for (const m of report.months)
    for (const w of m.works) {
      rows.push([m.month, w.workId, '', w.students, w.seconds, w.views, w.interactions]);
      for (const c of w.chapters) rows.push([m.month, w.workId, c.chapterId, c.students, c.seconds, c.views, c.interactions]);
    }
  return toCsv(['month', 'workId', 'chapterId', 'students', 'seconds', 'views', 'interactions'], rows);
}
