import { describe, expect, it } from 'vitest';

import { localDateOf, reached, startOfLocalDay, yearsAfter, yearsBefore } from './calendar.js';

describe('calendar in Estonian and Finnish time', () => {
  it('RET-9: 1 August starts at 21:00 UTC on 31 July (summer time, UTC+3) in Tallinn and Helsinki', () => {
    for (const tz of ['Europe/Tallinn', 'Europe/Helsinki'])
      expect(startOfLocalDay({ year: 2027, month: 8, day: 1 }, tz).toISOString()).toBe('2027-07-31T21:00:00.000Z');
  });

  it('RET-9: a winter date starts at 22:00 UTC the day before (UTC+2)', () => {
    expect(startOfLocalDay({ year: 2027, month: 1, day: 15 }).toISOString()).toBe('2027-01-14T22:00:00.000Z');
  });

  it('RET-9: the days of the daylight-saving changes start at the offset of their own midnight', () => {
    // 2027: summer time begins 28 March 03:00 local, ends 31 October 04:00 local; both midnights are before the change.
    expect(startOfLocalDay({ year: 2027, month: 3, day: 28 }).toISOString()).toBe('2027-03-27T22:00:00.000Z');
    expect(startOfLocalDay({ year: 2027, month: 3, day: 29 }).toISOString()).toBe('2027-03-28T21:00:00.000Z');
    expect(startOfLocalDay({ year: 2027, month: 10, day: 31 }).toISOString()).toBe('2027-10-30T21:00:00.000Z');
    expect(startOfLocalDay({ year: 2027, month: 11, day: 1 }).toISOString()).toBe('2027-10-31T22:00:00.000Z');
  });

  it('RET-9: the local date of an instant near midnight UTC follows the zone, not UTC', () => {
    expect(localDateOf(new Date('2027-06-30T20:59:59Z'))).toEqual({ year: 2027, month: 6, day: 30 });
    expect(localDateOf(new Date('2027-06-30T21:00:00Z'))).toEqual({ year: 2027, month: 7, day: 1 });
    expect(reached(new Date('2027-07-31T20:59:59Z'), { year: 2027, month: 8, day: 1 })).toBe(false);
    expect(reached(new Date('2027-07-31T21:00:00Z'), { year: 2027, month: 8, day: 1 })).toBe(true);
  });

  it('RET-9: 29 February exists in leap years; five years before it is 28 February', () => {
    expect(startOfLocalDay({ year: 2028, month: 2, day: 29 }).toISOString()).toBe('2028-02-28T22:00:00.000Z');
    expect(localDateOf(new Date('2028-02-28T22:30:00Z'))).toEqual({ year: 2028, month: 2, day: 29 });
    expect(yearsBefore(new Date('2028-02-29T12:00:00Z'), 5).toISOString()).toBe('2023-02-28T12:00:00.000Z');
    expect(yearsBefore(new Date('2032-02-29T12:00:00Z'), 4).toISOString()).toBe('2028-02-29T12:00:00.000Z');
    expect(yearsBefore(new Date('2027-08-01T00:00:00Z'), 5).toISOString()).toBe('2022-08-01T00:00:00.000Z');
  });

  it('RET-2: five years after a closure on 29 February is 28 February; after any other day the same day', () => {
    expect(yearsAfter(new Date('2028-02-29T10:00:00Z'), 5).toISOString()).toBe('2033-02-28T10:00:00.000Z');
    expect(yearsAfter(new Date('2027-08-01T00:30:00Z'), 5).toISOString()).toBe('2032-08-01T00:30:00.000Z');
  });
});
