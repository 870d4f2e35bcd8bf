import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { type EnrolmentDoc, type MonthCountsDoc, type MonthlyCellDoc, schoolScope } from '../events/index.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { monthsBetween, periodQuerySchema, toCsv } from './period.js';
import { distinctTotal, suppress } from './suppress.js';

/**
 * OpiqStat (STAT-1, ACL-8): a municipality official's view of its schools' usage, month by month, from the anonymous
 * aggregates (shared/events): active students per school, and per work the students, seconds in the work, page views,
 * interactions and tasks done (submitted answers), per school and over the municipality. Students only (staff are not
 * what the figures are about). Every month is one table (schools x works, and schools x "any work"), suppressed whole
 * (suppress.ts) with each school's students that month as the population, before any filter picks from it: every filter
 * shows the same cells. A work is listed only when its municipality total passes the same rule, so a work one child
 * opened does not appear. People are counted per month (a person in two months is two), so months are never added up.
 * A municipality total counts a person of two of its schools once (distinct-people cells over the municipality).
 * One query, whatever the number of schools: the monthly roll-up cells, the distinct-people cells and the schools'
 * enrolment snapshots all live in the municipality's partition.
 */
type Deps = Pick<Services, 'db' | 'clock'>;

const cellMeasures = z.object({
  students: z.number().int().nullable(),
  seconds: z.number().int().nullable(),
  views: z.number().int().nullable(),
  interactions: z.number().int().nullable(),
  tasksDone: z.number().int().nullable(),
});

export const municipalityReportSchema = z.object({
  municipality: z.string(),
  months: z.array(
    z.object({
      month: z.string(),
      activeStudents: z.object({
        total: z.number().int().nullable(),
        schools: z.array(z.object({ schoolId: z.string(), students: z.number().int().nullable() })),
      }),
      works: z.array(
        cellMeasures.extend({
          workId: z.string(),
          subjects: z.array(z.string()),
          schools: z.array(cellMeasures.extend({ schoolId: z.string() })),
        }),
      ),
    }),
  ),
});
export type MunicipalityReport = z.infer<typeof municipalityReportSchema>;

export const municipalityQuerySchema = periodQuerySchema.extend({
  schoolId: z.string().min(1).max(100).optional(),
  workId: z.string().min(1).max(120).optional(),
  subject: z.string().min(1).max(60).optional(),
});
type MunicipalityQuery = z.infer<typeof municipalityQuerySchema>;

interface Measures {
  seconds: number;
  views: number;
  interactions: number;
  tasksDone: number;
}
const measuresOf = (cell: MonthCountsDoc): Measures => ({
  seconds: cell.seconds,
  views: cell.views,
  interactions: cell.interactions,
  tasksDone: cell.tasks ?? 0,
});
const noMeasures = (): Measures => ({ seconds: 0, views: 0, interactions: 0, tasksDone: 0 });
const plus = (a: Measures, b: Measures): Measures => ({
  seconds: a.seconds + b.seconds,
  views: a.views + b.views,
  interactions: a.interactions + b.interactions,
  tasksDone: a.tasksDone + b.tasksDone,
});

/** A school's enrolment of a month without a snapshot: its latest earlier one, at most this far back. */
const ENROLMENT_LOOKBACK_MONTHS = 12;

type Cell = MonthlyCellDoc | MonthCountsDoc | EnrolmentDoc;

/** The municipality's partition for the months asked, with the enrolment snapshots before them: one query. */
async function cellsOf(deps: Deps, municipality: string, months: string[]) {
  return deps.db.collection('stats').queryAll<Cell>(schoolScope({ schoolId: '', municipality }), {
    where:
      "c.type IN ('usage-monthly', 'usage-month-counts', 'usage-enrolment') AND c.month <= @to AND ((c.type = 'usage-enrolment' AND c.month >= @since) OR (c.group = 'student' AND c.month >= @from))",
    parameters: [
      { name: '@from', value: months[0]! },
      { name: '@to', value: months.at(-1)! },
      { name: '@since', value: monthsBefore(months[0]!, ENROLMENT_LOOKBACK_MONTHS) },
    ],
  });
}

function monthsBefore(month: string, n: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Each school's students in `month`: its snapshot of the month, else its latest before; a school never seen: 0. */
function populationOf(schools: string[], month: string, enrolments: EnrolmentDoc[]): number[] {
  return schools.map((schoolId) => {
    const known = enrolments.filter((e) => e.schoolId === schoolId && e.month <= month).sort((a, b) => a.month.localeCompare(b.month));
    return known.at(-1)?.students ?? 0;
  });
}

export async function readMunicipalityReport(deps: Deps, account: AccountDoc, query: MunicipalityQuery): Promise<MunicipalityReport> {
  const municipality = account.municipality;
  // ACL-8: only the schools operator staff listed for this official; another municipality's school is refused.
  if (!municipality || (query.schoolId && !municipality.schoolIds.includes(query.schoolId))) throw new AppError('forbidden');
  const months = monthsBetween(query, deps.clock.now());
  const schools = [...municipality.schoolIds].sort();
  const cells = schools.length ? await cellsOf(deps, municipality.name, months) : [];
  const enrolments = cells.filter((c): c is EnrolmentDoc => c.type === 'usage-enrolment');
  const report = months.map((month) =>
    monthReport(
      month,
      schools,
      populationOf(schools, month, enrolments),
      cells.filter((c): c is MonthlyCellDoc | MonthCountsDoc => c.type !== 'usage-enrolment' && c.month === month),
    ),
  );
  return { municipality: municipality.name, months: report.map((m) => pick(m, query)) };
}

type MonthReport = MunicipalityReport['months'][number];

function monthReport(month: string, schools: string[], population: number[], cells: (MonthlyCellDoc | MonthCountsDoc)[]): MonthReport {
  const rowOf = new Map(schools.map((s, i) => [s, i]));
  const active = schools.map(() => 0);
  const workPeople = new Map<string, number[]>();
  const measures = new Map<string, Measures>();
  const subjects = new Map<string, string[]>();
  // Distinct people over the municipality: usable only when every school in the cells is one of the official's.
  const distinct = new Map<string, number>();
  let othersActive = false;
  const areaMeasures = new Map<string, Measures>();
  for (const cell of cells) {
    if (cell.type === 'usage-monthly' && cell.schoolId === undefined) {
      if (cell.level === 'all-works') distinct.set('', cell.people);
      if (cell.level === 'work' && cell.workId) distinct.set(cell.workId, cell.people);
      continue;
    }
    if (cell.type === 'usage-month-counts' && cell.schoolId === undefined) {
      areaMeasures.set(cell.workId, measuresOf(cell));
      continue;
    }
    const row = rowOf.get(cell.schoolId ?? '');
    if (row === undefined) {
      othersActive = true;
      continue;
    }
    if (cell.type === 'usage-monthly') {
      if (cell.level === 'all-works') active[row] = cell.people;
      if (cell.level === 'work' && cell.workId) {
        const column = workPeople.get(cell.workId) ?? schools.map(() => 0);
        column[row] = cell.people;
        workPeople.set(cell.workId, column);
      }
    } else if (cell.workId !== '-') {
      const key = `${cell.workId}|${cell.schoolId}`;
      measures.set(key, plus(measures.get(key) ?? noMeasures(), measuresOf(cell)));
      if (cell.subjects) subjects.set(cell.workId, cell.subjects);
    }
  }
  const distinctOf = (key: string) => (othersActive ? undefined : distinct.get(key));
  const everyone = population.reduce((a, b) => a + b, 0);
  const activeTable = suppress({ rows: schools, cols: ['any'], people: active.map((p) => [p]), population });
  const works = listedWorks(workPeople, population);
  const workTable = suppress({ rows: schools, cols: works, people: schools.map((_, r) => works.map((w) => workPeople.get(w)![r]!)), population });
  const measured = (students: number | null, m: Measures | undefined) => ({
    students,
    seconds: students === null ? null : (m?.seconds ?? 0),
    views: students === null ? null : (m?.views ?? 0),
    interactions: students === null ? null : (m?.interactions ?? 0),
    tasksDone: students === null ? null : (m?.tasksDone ?? 0),
  });
  // The municipality's own counts (a person of two schools once) when every active school is the official's.
  const total = (workId: string) =>
    (othersActive ? undefined : areaMeasures.get(workId)) ??
    schools.reduce<Measures>((sum, s) => plus(sum, measures.get(`${workId}|${s}`) ?? noMeasures()), noMeasures());
  return {
    month,
    activeStudents: {
      total: distinctTotal(activeTable.total, distinctOf(''), everyone),
      schools: schools.map((schoolId, r) => ({ schoolId, students: activeTable.cells[r]![0]! })),
    },
    works: works.map((workId, c) => ({
      workId,
      subjects: subjects.get(workId) ?? [],
      ...measured(distinctTotal(workTable.colTotals[c]!, distinctOf(workId), everyone), total(workId)),
      schools: schools.map((schoolId, r) => ({ schoolId, ...measured(workTable.cells[r]![c]!, measures.get(`${workId}|${schoolId}`)) })),
    })),
  };
}

/** Works whose municipality total would itself be shown: whether a work is listed must not tell of one child. */
function listedWorks(workPeople: Map<string, number[]>, population: number[]): string[] {
  const everyone = population.reduce((a, b) => a + b, 0);
  return [...workPeople]
    .filter(
      ([, column]) =>
        suppress({ rows: ['all'], cols: ['all'], people: [[column.reduce((a, b) => a + b, 0)]], population: [everyone] }).total !== null,
    )
    .map(([workId]) => workId)
    .sort();
}

/** Filters choose from the suppressed month; they never change what is hidden. */
function pick(month: MonthReport, query: MunicipalityQuery): MonthReport {
  const school = <T extends { schoolId: string }>(rows: T[]) => (query.schoolId ? rows.filter((r) => r.schoolId === query.schoolId) : rows);
  return {
    month: month.month,
    activeStudents: { total: month.activeStudents.total, schools: school(month.activeStudents.schools) },
    works: month.works
      .filter((w) => (!query.workId || w.workId === query.workId) && (!query.subject || w.subjects.includes(query.subject)))
      .map((w) => ({ ...w, schools: school(w.schools) })),
  };
}

/** The same figures as CSV, a row per month, work (empty: any work) and school ("all": the municipality); hidden cells empty. */
export function municipalityCsv(report: MunicipalityReport): string {
  const header = ['month', 'workId', 'subjects', 'schoolId', 'students', 'seconds', 'views', 'interactions', 'tasksDone'];
  const rows: (string | number | null)[][] = [];
  for (const m of report.months) {
    rows.push([m.month, '', '', 'all', m.activeStudents.total, null, null, null, null]);
    for (const s of m.activeStudents.schools) rows.push([m.month, '', '', s.schoolId, s.students, null, null, null, null]);
    for (const w of m.works) {
      const subjects = w.subjects.join(' ');
      rows.push([m.month, w.workId, subjects, 'all', w.students, w.seconds, w.views, w.interactions, w.tasksDone]);
      for (const s of w.schools) rows.push([m.month, w.workId, subjects, s.schoolId, s.students, s.seconds, s.views, s.interactions, s.tasksDone]);
    }
  }
  return toCsv(header, rows);
}
