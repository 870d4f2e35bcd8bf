import { z } from 'zod';

import type { DailyCellDoc, MonthlyCellDoc } from '../events/index.js';
import type { Services } from '../platform/services.js';
import { monthsBetween, periodQuerySchema } from './period.js';
import { worksOfMonth, worksSchema } from './publisher.js';
import { suppress } from './suppress.js';

/**
 * Anonymous statistics for the ministry (STAT-2), exported by the operator's administrators (a staff capability: the
 * ministry holds no account). Per month: every work's and chapter's students, seconds, views and interactions over
 * all publishers (the publishers' rules: a work or chapter of fewer than 5 students is left out), and active students
 * per region (municipality) with a national total, suppressed with complementary suppression. Regions are read from
 * the municipalities' aggregates, so a school without a municipality is not in any region. Nothing names a school or
 * a person. Two cross-partition queries (staff routes may).
 */
type Deps = Pick<Services, 'db' | 'clock'>;

export const nationalReportSchema = z.object({
  months: z.array(
    z.object({
      month: z.string(),
      works: worksSchema,
      regions: z.object({
        total: z.number().int().nullable(),
        municipalities: z.array(z.object({ municipality: z.string(), students: z.number().int().nullable() })),
      }),
    }),
  ),
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
  const [publisherCells, regionCells] = await Promise.all([
    allPages<DailyCellDoc | MonthlyCellDoc>(
      deps,
      "SELECT * FROM c WHERE STARTSWITH(c.scope, 'p:') AND (c.type = 'usage-daily' OR c.type = 'usage-monthly') AND c.month >= @from AND c.month <= @to",
      period,
    ),
    allPages<MonthlyCellDoc>(
      deps,
      "SELECT * FROM c WHERE STARTSWITH(c.scope, 'm:') AND c.type = 'usage-monthly' AND c.level = 'all-works' AND c.group = 'student' AND c.month >= @from AND c.month <= @to",
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
      regions: regionsOf(regionCells.filter((c) => c.month === month)),
    })),
  };
}

function regionsOf(cells: MonthlyCellDoc[]): NationalReport['months'][number]['regions'] {
  const people = new Map<string, number>();
  for (const cell of cells) if (cell.municipality) people.set(cell.municipality, (people.get(cell.municipality) ?? 0) + cell.people);
  const names = [...people.keys()].sort();
  const table = suppress({ rows: names, cols: ['any'], people: names.map((n) => [people.get(n)!]) });
  return { total: table.total, municipalities: names.map((municipality, r) => ({ municipality, students: table.cells[r]![0]! })) };
}
