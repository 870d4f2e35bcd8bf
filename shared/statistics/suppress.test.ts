import { describe, expect, it } from 'vitest';

import { distinctTotal, MIN_PEOPLE, suppress, type SuppressedTable, type Table } from './suppress.js';

const table = (people: number[][], population?: number[]): Table => ({
  rows: people.map((_, r) => `r${r}`),
  cols: (people[0] ?? []).map((_, c) => `c${c}`),
  people,
  ...(population ? { population } : {}),
});

/** Every equation of the shown table: a row, a column, the row totals or the column totals, with what an adversary sees of it. */
function equations(t: Table, s: SuppressedTable) {
  const rowEquations = s.cells.map((row, r) => ({ shown: row, true: t.people[r]!, total: s.rowTotals[r]!, pop: t.population?.[r] }));
  const colEquations = t.cols.map((_, c) => ({
    shown: s.cells.map((row) => row[c]!),
    true: t.people.map((row) => row[c]!),
    total: s.colTotals[c]!,
    pop: undefined,
  }));
  const rowTotalsEquation = { shown: s.rowTotals, true: t.people.map((row) => row.reduce((a, b) => a + b, 0)), total: s.total, pop: undefined };
  const colTotalsEquation = {
    shown: s.colTotals,
    true: t.cols.map((_, c) => t.people.reduce((a, row) => a + row[c]!, 0)),
    total: s.total,
    pop: undefined,
  };
  return [...rowEquations, ...colEquations, rowTotalsEquation, colTotalsEquation];
}

/** What differencing a shown total against its shown cells tells: the hidden cells' sum, which must not be small. */
function assertNoDifferenceLeaks(t: Table, s: SuppressedTable) {
  for (const e of equations(t, s)) {
    const hidden = e.shown.map((v, i) => (v === null ? i : -1)).filter((i) => i >= 0);
    if (e.total === null) continue;
    expect(hidden.length).not.toBe(1);
    if (hidden.length > 0) expect(hidden.reduce((a, i) => a + e.true[i]!, 0)).toBeGreaterThanOrEqual(MIN_PEOPLE);
  }
}

describe('statistics suppression (STAT-1, STAT-2)', () => {
  it('STAT-1: shows cells of 5 people or more and hides fewer, zero included', () => {
    const t = table([[5, 7, 9]]);
    expect(suppress(t).cells).toEqual([[5, 7, 9]]);
    expect(suppress(table([[0, 6, 8]])).cells[0]![0]).toBeNull();
    expect(suppress(table([[4, 6, 8]])).cells[0]![0]).toBeNull();
  });

  it('STAT-1: a lone hidden cell under a shown total makes another cell hidden (complementary suppression)', () => {
    const t = table([[3, 20, 30]]);
    const s = suppress(t);
    expect(s.cells[0]).toEqual([null, null, 30]);
    expect(s.rowTotals[0]).toBe(53);
    assertNoDifferenceLeaks(t, s);
  });

  it('STAT-1: two hidden cells whose sum is still small hide a third, or the total', () => {
    const t = table([[1, 2, 40]]);
    const s = suppress(t);
    expect(s.cells[0]).toEqual([null, null, null]);
    expect(s.rowTotals[0]).toBe(43);
    expect(suppress(table([[0, 0]])).rowTotals[0]).toBeNull();
  });

  it('STAT-1: rows and columns together: every row, column and total equation hides 0 or 2+ cells of a safe sum', () => {
    const t = table([
      [3, 12, 15],
      [10, 11, 40],
      [8, 2, 9],
    ]);
    const s = suppress(t);
    assertNoDifferenceLeaks(t, s);
    expect(s.cells[0]![0]).toBeNull();
    expect(s.cells[2]![1]).toBeNull();
  });

  it('STAT-1: where the population is known, too few left out hides the cell (all 5 of a class of 5)', () => {
    expect(suppress(table([[5]], [5])).cells[0]![0]).toBeNull();
    expect(suppress(table([[26]], [30])).cells[0]![0]).toBeNull();
    expect(suppress(table([[25]], [30])).cells[0]![0]).toBe(25);
    expect(suppress(table([[5]], [10])).cells[0]![0]).toBe(5);
  });

  it('STAT-1: random tables never leave a difference that reveals a hidden cell', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 500; round++) {
      const rows = 1 + Math.floor(random() * 5);
      const cols = 1 + Math.floor(random() * 5);
      const people = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.floor(random() * 14)));
      const population = people.map((row) => Math.max(...row) + Math.floor(random() * 8));
      const t = table(people, population);
      const s = suppress(t);
      assertNoDifferenceLeaks(t, s);
      for (const [r, row] of s.cells.entries())
        for (const [c, v] of row.entries())
          if (v !== null) expect(v >= MIN_PEOPLE && population[r]! - v >= MIN_PEOPLE && v === people[r]![c]).toBe(true);
    }
  });

  it('STAT-1: a distinct total is shown only with its sum, when it passes the rule and differs from the sum by 0 or 5+', () => {
    expect(distinctTotal(12, 12)).toBe(12);
    // Six people active in two schools each: the difference (6) counts at least 5.
    expect(distinctTotal(12, 6)).toBe(6);
    // One person in two schools would be singled out by the difference.
    expect(distinctTotal(12, 11)).toBeNull();
    // A difference of exactly 5 (and 4 not): the rule's edge.
    expect(distinctTotal(12, 7)).toBe(7);
    expect(distinctTotal(12, 8)).toBeNull();
    expect(distinctTotal(null, 11)).toBeNull();
    expect(distinctTotal(9, 4)).toBeNull();
    expect(distinctTotal(10, 10, 12)).toBeNull();
    expect(distinctTotal(10, undefined)).toBe(10);
  });
});
