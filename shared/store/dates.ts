/**
 * Licence dates. Buyers choose a start DATE; Estonia and Finland share one time zone (EET/EEST), so a licence runs
 * from local midnight of the start date to local midnight of its end date (exclusive), as instants in UTC.
 */

const SHOP_TIME_ZONE = 'Europe/Tallinn';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidDate(date: string): boolean {
  const match = DATE.exec(date);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parts(date: string): [number, number, number] {
  const match = DATE.exec(date);
  if (!match) throw new RangeError(`not a date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

const format = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/**
 * The day after the last licence day, for a licence of `months` from `start`: the same day of the month `months`
 * later; when that month is too short (31 January + 1 month), the licence runs to the end of that month instead.
 */
export function licenceEndDate(start: string, months: number): string {
  const [y, m, d] = parts(start);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  if (d <= daysInMonth(ty, tm)) return format(ty, tm, d);
  const next = index + 1;
  return format(Math.floor(next / 12), (next % 12) + 1, 1);
}

/** Offset of the zone from UTC at an instant, in minutes (Tallinn: +120 or +180). */
function zoneOffsetMinutes(instant: number, timeZone: string): number {
  const fields = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(fields.find((f) => f.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The instant local midnight of `date` begins in the shop's time zone. */
export function startOfLocalDay(date: string, timeZone = SHOP_TIME_ZONE): Date {
  const [y, m, d] = parts(date);
  const guess = Date.UTC(y, m - 1, d);
  let instant = guess - zoneOffsetMinutes(guess, timeZone) * 60_000;
  // Around a DST change the offset at the result can differ from the guess's: settle on the result's own offset.
  instant = guess - zoneOffsetMinutes(instant, timeZone) * 60_000;
  return new Date(instant);
}

/** The shop's calendar date at an instant. */
export function localDate(instant: Date, timeZone = SHOP_TIME_ZONE): string {
  const fields = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => fields.find((f) => f.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Whole days from `from` to `to` (dates), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / 86_400_000);
}

export interface LicencePeriod {
  startDate: string;
  /** The day after the last day (exclusive). */
  endDate: string;
  from: string;
  until: string;
}

export function licencePeriod(startDate: string, months: number): LicencePeriod {
  const endDate = licenceEndDate(startDate, months);
  return { startDate, endDate, from: startOfLocalDay(startDate).toISOString(), until: startOfLocalDay(endDate).toISOString() };
}
