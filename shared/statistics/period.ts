import { z } from 'zod';

import { AppError } from '../platform/errors.js';

/** Months of a statistics query (STAT-1, STAT-2): people are counted per month, so a period is a list of months. */
const MAX_MONTHS = 12;
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
/** Both optional: `to` defaults to the current month and `from` to `to` (a question of one month needs neither). */
export const periodQuerySchema = z.object({ from: month.optional(), to: month.optional() });
type StatisticsPeriod = z.infer<typeof periodQuerySchema>;

/** The months asked for, oldest first. */
export function monthsBetween(query: StatisticsPeriod, now: Date): string[] {
  const to = query.to ?? now.toISOString().slice(0, 7);
  const period = { from: query.from ?? to, to };
  const months: string[] = [];
  let [year, m] = period.from.split('-').map(Number) as [number, number];
  for (let next = period.from; next <= period.to; ) {
    months.push(next);
    if (months.length > MAX_MONTHS) throw new AppError('statistics_period_invalid', { params: { maxMonths: MAX_MONTHS } });
    m += 1;
    if (m > 12) [year, m] = [year + 1, 1];
    next = `${year}-${String(m).padStart(2, '0')}`;
  }
  if (months.length === 0) throw new AppError('statistics_period_invalid', { params: { maxMonths: MAX_MONTHS } });
  return months;
}

/** RFC 4180 CSV; a hidden (null) figure is an empty field. Cells starting like a formula are quoted as text. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const field = (value: string | number | null) => {
    if (value === null) return '';
    const text = String(value);
    const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
