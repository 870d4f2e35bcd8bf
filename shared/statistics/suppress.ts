/**
 * Small-cell suppression for statistics (STAT-1, STAT-2): a pure engine over a table of people counts with row, column
 * and grand totals. Counts of people decide (event counts follow their people cell).
 *
 * - Primary: a cell or total is hidden when it counts fewer than MIN_PEOPLE people, or, where the people it could count
 *   are known (a school's students), when fewer than MIN_PEOPLE of them are left out: "all 5 of a class of 5" names
 *   each of them as much as "1 of 30" does.
 * - Complementary: every row, column and the totals form an equation (cells sum to their total). In each, a lone hidden
 *   item would be the total minus the shown ones, and several hidden cells under a shown total must together pass the
 *   primary rule too; otherwise the smallest shown item of that equation is hidden as well, until nothing changes.
 * Which items are hidden depends only on the table, never on what a caller filters, so every filter shows the same.
 */
export const MIN_PEOPLE = 5;

export interface Table {
  rows: string[];
  cols: string[];
  /** people[row][col] */
  people: number[][];
  /** People each cell of a row could count (e.g. the school's students); absent: unknown, the upper rule is off. */
  population?: number[];
}

export interface SuppressedTable {
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  colTotals: (number | null)[];
  total: number | null;
}

interface Item {
  people: number;
  population: number;
  hidden: boolean;
}

const unsafe = (people: number, population: number) => people < MIN_PEOPLE || population - people < MIN_PEOPLE;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** One equation: `members` add up to `total`. */
interface Equation {
  members: Item[];
  total: Item;
}

/** Hides one more item of an equation: its smallest shown member, else its total. False when nothing was left to hide. */
function hideAnother(equation: Equation): boolean {
  const shown = equation.members.filter((m) => !m.hidden).sort((a, b) => a.people - b.people);
  const next = shown[0] ?? (equation.total.hidden ? undefined : equation.total);
  if (!next) return false;
  next.hidden = true;
  return true;
}

/** True when the equation would let a hidden item be worked out, or narrowed to an unsafe sum. */
function leaks(equation: Equation): boolean {
  const hiddenMembers = equation.members.filter((m) => m.hidden);
  const hiddenCount = hiddenMembers.length + (equation.total.hidden ? 1 : 0);
  if (hiddenCount === 1) return true;
  if (equation.total.hidden || hiddenMembers.length === 0) return false;
  return unsafe(sum(hiddenMembers.map((m) => m.people)), sum(hiddenMembers.map((m) => m.population)));
}

export function suppress(table: Table): SuppressedTable {
  const populationOf = (row: number) => table.population?.[row] ?? Number.POSITIVE_INFINITY;
  const item = (people: number, population: number): Item => ({ people, population, hidden: unsafe(people, population) });
  const cells = table.rows.map((_, r) => table.cols.map((_, c) => item(table.people[r]?.[c] ?? 0, populationOf(r))));
  const rowTotals = cells.map((row) => item(sum(row.map((i) => i.people)), sum(row.map((i) => i.population))));
  const colTotals = table.cols.map((_, c) => item(sum(cells.map((row) => row[c]!.people)), sum(cells.map((row) => row[c]!.population))));
  const total = item(sum(rowTotals.map((i) => i.people)), sum(rowTotals.map((i) => i.population)));
  const equations: Equation[] = [
    ...cells.map((row, r) => ({ members: row, total: rowTotals[r]! })),
    ...table.cols.map((_, c) => ({ members: cells.map((row) => row[c]!), total: colTotals[c]! })),
    { members: rowTotals, total },
    { members: colTotals, total },
  ];
  // Each pass hides at least one more item or stops; there are finitely many items.
  for (let changed = true; changed; ) {
    changed = false;
    for (const equation of equations) while (leaks(equation) && hideAnother(equation)) changed = true;
  }
  const value = (i: Item) => (i.hidden ? null : i.people);
  return { cells: cells.map((row) => row.map(value)), rowTotals: rowTotals.map(value), colTotals: colTotals.map(value), total: value(total) };
}

/**
 * A total of distinct people beside a table whose cells may count one person twice (a person of two schools or two
 * municipalities): shown when the table's own sum is shown, the distinct count passes the primary rule, and it differs
 * from the sum by 0 or at least MIN_PEOPLE (the difference counts people in two places, or in none of the rows, who
 * must not be singled out either). Without a distinct count, the sum.
 */
export function distinctTotal(shownSum: number | null, distinct: number | undefined, population = Number.POSITIVE_INFINITY): number | null {
  if (shownSum === null || distinct === undefined) return shownSum;
  const apart = Math.abs(shownSum - distinct);
  if (unsafe(distinct, population) || (apart > 0 && apart < MIN_PEOPLE)) return null;
  return distinct;
}
