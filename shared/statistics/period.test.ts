import { describe, expect, it } from 'vitest';

import { monthsBetween, toCsv } from './period.js';

const now = new Date('2026-11-30T20:00:00Z');

describe('statistics periods and CSV (STAT-1, STAT-2)', () => {
  it('STAT-1: a period is its months, oldest first, across a year end; this month unless asked', () => {
    expect(monthsBetween({ from: '2025-11', to: '2026-02' }, now)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween({}, now)).toEqual(['2026-11']);
    expect(monthsBetween({ to: '2026-03' }, now)).toEqual(['2026-03']);
    expect(monthsBetween({ from: '2026-09' }, now)).toEqual(['2026-09', '2026-10', '2026-11']);
  });

  it('STAT-1: at most 12 months, and never backwards', () => {
    expect(monthsBetween({ from: '2025-12', to: '2026-11' }, now)).toHaveLength(12);
    expect(() => monthsBetween({ from: '2025-11', to: '2026-11' }, now)).toThrow(expect.objectContaining({ code: 'statistics_period_invalid' }));
    expect(() => monthsBetween({ from: '2026-05', to: '2026-04' }, now)).toThrow(expect.objectContaining({ code: 'statistics_period_invalid' }));
  });

  it('STAT-1: CSV: hidden figures are empty fields; commas, quotes and formula-like text are made harmless', () => {
    expect(toCsv(['a', 'b', 'c'], [[1, null, 'x,"y"']])).toBe('a,b,c\r\n1,,"x,""y"""\r\n');
    expect(toCsv(['a'], [['=HYPERLINK("x")'], ['@sum'], ['+1'], ['-1']])).toBe('a\r\n"\'=HYPERLINK(""x"")"\r\n\'@sum\r\n\'+1\r\n\'-1\r\n');
  });
});
