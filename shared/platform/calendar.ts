/**
 * Calendar dates in a time zone, from `Intl` alone (no Temporal on Node 20). Schedules run in UTC; a date the law or
 * a notice names ("1 August") is a local date in Estonia and Finland, both Europe/Tallinn and Europe/Helsinki (the
 * same rules: UTC+2, UTC+3 in summer), so its start moves by an hour across daylight saving.
 */
export interface LocalDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
}

const PLATFORM_TIME_ZONE = 'Europe/Tallinn';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(instant: Date, timeZone: string) {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const n = (k: string) => Number(parts[k]);
  return { year: n('year'), month: n('month'), day: n('day'), hour: n('hour'), minute: n('minute'), second: n('second') };
}

/** The calendar date an instant falls on in a time zone. */
export function localDateOf(instant: Date, timeZone = PLATFORM_TIME_ZONE): LocalDate {
  const { year, month, day } = wallClock(instant, timeZone);
  return { year, month, day };
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
function offsetAt(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant a local date begins (its midnight) in a time zone. The offset is taken at the guess and checked once
 * more, so a date next to a daylight-saving change gets the offset in force at its own midnight.
 */
export function startOfLocalDay(date: LocalDate, timeZone = PLATFORM_TIME_ZONE): Date {
  const naive = Date.UTC(date.year, date.month - 1, date.day);
  const first = naive - offsetAt(new Date(naive), timeZone);
  return new Date(naive - offsetAt(new Date(first), timeZone));
}

/** Whether `instant` is on or after the start of the local date. */
export function reached(instant: Date, date: LocalDate, timeZone = PLATFORM_TIME_ZONE): boolean {
  return instant.getTime() >= startOfLocalDay(date, timeZone).getTime();
}

/**
 * The same instant `years` calendar years earlier (UTC). 29 February goes to 28 February in a common year, so "five
 * years before" never lands in March and never counts a leap day twice.
 */
export function yearsBefore(instant: Date, years: number): Date {
  const d = new Date(instant.getTime());
  const year = d.getUTCFullYear() - years;
  const lastDay = new Date(Date.UTC(year, d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(1);
  d.setUTCFullYear(year);
  d.setUTCDate(Math.min(instant.getUTCDate(), lastDay));
  return d;
}

/** The same instant `years` calendar years later (UTC); 29 February goes to 28 February in a common year. */
export function yearsAfter(instant: Date, years: number): Date {
  return yearsBefore(instant, -years);
}
