import { z } from 'zod';

import type { DailyCellDoc, MonthlyCellDoc } from '../events/index.js';
import type { Services } from '../platform/services.js';
import { monthsBetween, periodQuerySchema, toCsv } from './period.js';
import { worksOfMonth, worksSchema } from './publisher.js';
import { distinctTotal, suppress } from './suppress.js';

/**
 * Anonymous statistics for the ministry (STAT-2), exported by the operator's administrators (a staff capability: the
 * ministry holds no account). Per month: every work's, chapter's and exercise's figures over all publishers (the
 * publishers' rules: fewer than 5 students are left out), and per country the active students per region with the
 * country's total, suppressed with complementary suppression. A region is a municipality, in Estonia (omavalitsus) and
 * in Finland (kunta) alike: schools carry their municipality, the country settings no other region. A region counts a
 * person of two of its schools once, a country a person of two regions once (distinct-people cells); a school without
 * a municipality is in its country's total but in no region. Nothing names a school or a person. Two cross-partition
 * queries (staff routes may).
 */
type Deps = Pick<Services, 'db' | 'clock'>;

const regionsSchema = z.array(
  z.object({
    country: z.string(),
    total: z.number().int().nullable(),
    regions: z.array(z.object({ region: z.string(), students: z.number().int().nullable() })),
  }),
);
export const nationalReportSchema = z.object({
  months: z.array(z.object({ month: z.string(), works: worksSchema, countries: regionsSchema })),
});
type NationalReport = z.infer<typeof nationalReportSchema>;

export const nationalQuerySchema = periodQuerySchema;

async function allPages<T>(deps: Deps, text: string, parameters: { name: string; value: string }[]): Promise<T[]> {
  const items: T[] = [];
  let continuation: string | undefined;
  do {
    const page = await deps.db.collection('stats').crossPartitionQuery<T>(text, parameters, continuation, 1000);
    items.push(...page.items);
    continuation = page.continuation;
  } while (continuation);
  return items;
}

export async function readNationalReport(deps: Deps, query: z.infer<typeof nationalQuerySchema>): Promise<NationalReport> {
  const months = monthsBetween(query, deps.clock.now());
  const period = [
    { name: '@from', value: months[0]! },
    { name: '@to', value: months.at(-1)! },
  ];
  const [publisherCells, areaCells] = await Promise.all([
    allPages<DailyCellDoc | MonthlyCellDoc>(
      deps,
      "SELECT * FROM c WHERE STARTSWITH(c.scope, 'p:') AND (c.type = 'usage-daily' OR c.type = 'usage-monthly') AND c.month >= @from AND c.month <= @to",
      period,
    ),
    // A municipality's distinct students (mm|…) and a country's (c:<country>, m|…).
    allPages<MonthlyCellDoc>(
      deps,
      "SELECT * FROM c WHERE (STARTSWITH(c.id, 'mm|') OR STARTSWITH(c.scope, 'c:')) AND c.type = 'usage-monthly' AND c.level = 'all-works' AND c.group = 'student' AND c.month >= @from AND c.month <= @to",
      period,
    ),
  ]);
  return {
    months: months.map((month) => ({
      month,
      works: worksOfMonth(
        month,
        publisherCells.filter((c) => c.month === month),
      ).works,
      countries: countriesOf(areaCells.filter((c) => c.month === month)),
    })),
  };
}

function countriesOf(cells: MonthlyCellDoc[]): NationalReport['months'][number]['countries'] {
  const countries = [...new Set(cells.map((c) => c.country).filter((c): c is string => c !== undefined))].sort();
  return countries.map((country) => {
    const regions = cells.filter((c) => c.country === country && c.scope.startsWith('m:') && c.municipality);
    const names = regions.map((c) => c.municipality!).sort();
    const people = new Map(regions.map((c) => [c.municipality!, c.people]));
    const table = suppress({ rows: names, cols: ['any'], people: names.map((n) => [people.get(n)!]) });
    const distinct = cells.find((c) => c.country === country && c.scope.startsWith('c:'))?.people;
    return {
      country,
      total: distinctTotal(table.total, distinct),
      regions: names.map((region, r) => ({ region, students: table.cells[r]![0]! })),
    };
  });
}

/**
 * The export as one CSV table, a row per month and figure: `level` work, chapter or exercise (the publishers' figures;
 * for an exercise, `tasksDone` counts answers to it), country (its total) or region. Hidden figures are empty.
 */
export function nationalCsv(report: NationalReport): string {
  const rows: (string | number | null)[][] = [];
  for (const m of report.months) {
    for (const w of m.works) {
      rows.push([m.month, 'work', w.workId, '', '', '', '', w.students, w.seconds, w.views, w.interactions, w.tasksDone]);
      for (const c of w.chapters)
        rows.push([m.month, 'chapter', w.workId, c.chapterId, '', '', '', c.students, c.seconds, c.views, c.interactions, null]);
      for (const e of w.exercises) rows.push([m.month, 'exercise', w.workId, '', e.exerciseId, '', '', e.students, null, null, null, e.answers]);
    }
    for (const c of m.countries) {
      rows.push([m.month, 'country', '', '', '', c.country, '', c.total, null, null, null, null]);
      for (const r of c.regions) rows.push([m.month, 'region', '', '', '', c.country, r.region, r.students, null, null, null, null]);
    }
  }
  const header = [
    'month',
    'level',
    'workId',
    'chapterId',
    'exerciseId',
    'country',
    'region',
    'students',
    'seconds',
    'views',
    'interactions',
    'tasksDone',
  ];
  return toCsv(header, rows);
}
