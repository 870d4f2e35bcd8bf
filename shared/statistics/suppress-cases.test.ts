import { describe, expect, it } from 'vitest';

import { suppress, type Table } from './suppress.js';

/**
 * Exact results of the suppression engine on small tables (issue 19, module stats-suppress): suppress.test.ts checks
 * that nothing leaks; these check that no more is hidden than the rules need, and that the totals are the sums.
 */
const table = (people: number[][], population?: number[]): Table => ({
  rows: people.map((_, r) => `r${r}`),
  cols: (people[0] ?? []).map((_, c) => `c${c}`),
  people,
  ...(population ? { population } : {}),
});

describe('statistics suppression: exact results (STAT-1, STAT-2)', () => {
  it('STAT-1: row, column and grand totals are the sums of their cells', () => {
    expect(suppress(table([[8]]))).toEqual({ cells: [[8]], rowTotals: [8], colTotals: [8], total: 8 });
    expect(
      suppress(
        table([
          [6, 7],
          [8, 9],
        ]),
      ),
    ).toEqual({
      cells: [
        [6, 7],
        [8, 9],
      ],
      rowTotals: [13, 17],
      colTotals: [14, 16],
      total: 30,
    });
  });

  it('STAT-1: the second cell hidden beside a small one is the smallest shown, so the larger counts stay readable', () => {
    expect(suppress(table([[27, 0, 20]]))).toEqual({ cells: [[27, null, null]], rowTotals: [47], colTotals: [27, null, null], total: 47 });
    expect(suppress(table([[30, 2, 25, 9, 40]])).cells).toEqual([[30, null, 25, null, 40]]);
    // Known populations: school r0 has all 12 of its students counted (hidden), the next hidden is the smaller of 16 and 14.
    expect(suppress(table([[12], [16], [14]], [12, 21, 22]))).toEqual({
      cells: [[null], [16], [null]],
      rowTotals: [null, 16, null],
      colTotals: [42],
      total: 42,
    });
  });

  it('STAT-1: a row whose total is already hidden keeps the cells no equation needs hidden', () => {
    const s = suppress(
      table(
        [
          [29, 17],
          [2, 0],
          [23, 17],
        ],
        [30, 7, 28],
      ),
    );
    expect(s).toEqual({
      cells: [
        [null, null],
        [null, null],
        [23, null],
      ],
      rowTotals: [46, null, null],
      colTotals: [54, 34],
      total: 88,
    });
  });

  it('STAT-1: hidden cells that together leave fewer than 5 of their known population out hide the rest of the row too', () => {
    // 8 and 9 of classes of 10: together 17 of 20; with 5 and the total shown, "17 of 20 did it" would be readable.
    expect(suppress(table([[8, 9, 5]], [10]))).toEqual({ cells: [[null, null, null]], rowTotals: [22], colTotals: [null, null, null], total: 22 });
  });

  it('STAT-1: a school without counts is a row of zeros; a table with no columns or no rows hides its empty totals', () => {
    expect(suppress({ rows: ['r0', 'r1'], cols: ['c0'], people: [[7]] })).toEqual({
      cells: [[null], [null]],
      rowTotals: [null, null],
      colTotals: [7],
      total: 7,
    });
    expect(suppress({ rows: ['r0'], cols: [], people: [[]] })).toEqual({ cells: [[]], rowTotals: [null], colTotals: [], total: null });
    expect(suppress({ rows: [], cols: ['c0'], people: [] })).toEqual({ cells: [], rowTotals: [], colTotals: [null], total: null });
  });
});
