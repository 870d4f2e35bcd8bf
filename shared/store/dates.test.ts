import { describe, expect, it } from 'vitest';

import { addDays, daysBetween, isValidDate, licenceEndDate, licencePeriod, localDate, startOfLocalDay } from './dates.js';

describe('licence dates (STORE-2, STORE-4)', () => {
  it('STORE-2: a licence of n months ends on the same day n months later', () => {
    expect(licenceEndDate('2026-09-01', 12)).toBe('2027-09-01');
    expect(licenceEndDate('2026-09-15', 1)).toBe('2026-10-15');
  });

  it('STORE-2: when the target month is too short, the licence runs to the end of that month', () => {
    expect(licenceEndDate('2027-01-31', 1)).toBe('2027-03-01'); // all of February
    expect(licenceEndDate('2028-01-31', 1)).toBe('2028-03-01'); // leap year: 29 February included
    expect(licenceEndDate('2026-11-30', 3)).toBe('2027-03-01');
    expect(licenceEndDate('2026-08-31', 1)).toBe('2026-10-01');
  });

  it('STORE-4: the licence starts at local midnight in Estonia, summer and winter time', () => {
    expect(startOfLocalDay('2026-09-01').toISOString()).toBe('2026-08-31T21:00:00.000Z'); // EEST, UTC+3
    expect(startOfLocalDay('2026-12-01').toISOString()).toBe('2026-11-30T22:00:00.000Z'); // EET, UTC+2
    // The night clocks go back (25 Oct 2026): midnight is still EEST.
    expect(startOfLocalDay('2026-10-25').toISOString()).toBe('2026-10-24T21:00:00.000Z');
    expect(startOfLocalDay('2027-03-28').toISOString()).toBe('2027-03-27T22:00:00.000Z');
    expect(licencePeriod('2026-09-01', 12)).toEqual({
      startDate: '2026-09-01',
      endDate: '2027-09-01',
      from: '2026-08-31T21:00:00.000Z',
      until: '2027-08-31T21:00:00.000Z',
    });
  });

  it('knows the shop day of an instant', () => {
    expect(localDate(new Date('2026-12-31T22:30:00Z'))).toBe('2027-01-01');
    expect(localDate(new Date('2026-12-31T21:59:59Z'))).toBe('2026-12-31');
  });

  it('date arithmetic and validation', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-09-01', '2027-09-01')).toBe(365);
    expect(daysBetween('2027-09-01', '2026-09-01')).toBe(-365);
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2026-13-01')).toBe(false);
  });
});
