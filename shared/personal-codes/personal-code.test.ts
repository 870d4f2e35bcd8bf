import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ageOn, fromHarIdClaim, isMinor, parseEstonianCode, parseFinnishCode, parsePersonalCode, personalCodeSchema } from './personal-code.js';

// Small independent implementations of the two check algorithms, written differently from the module on purpose.

/** First-stage isikukood remainder: weights 1..9,1 are (i mod 9) + 1. */
const eeStage1 = (firstTen: string): number => [...firstTen.slice(0, 10)].reduce((sum, digit, i) => sum + Number(digit) * ((i % 9) + 1), 0) % 11;

/** Isikukood check digit; the second weights 3..9,1,2,3 are ((i + 2) mod 9) + 1. */
const eeCheck = (firstTen: string): number => {
  const first = eeStage1(firstTen);
  if (first !== 10) return first;
  const second = [...firstTen.slice(0, 10)].reduce((sum, digit, i) => sum + Number(digit) * (((i + 2) % 9) + 1), 0) % 11;
  return second === 10 ? 0 : second;
};

/** HETU control character: DDMMYYZZZ mod 31, computed digit by digit (Horner) rather than as one number. */
const fiControl = (nineDigits: string): string =>
  '0123456789ABCDEFHJKLMNPRSTUVWXY'.charAt([...nineDigits].reduce((rest, digit) => (rest * 10 + Number(digit)) % 31, 0));

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const dateArbitrary = (fromYear: number, toYear: number) =>
  fc.date({ min: new Date(Date.UTC(fromYear, 0, 1)), max: new Date(Date.UTC(toYear, 11, 31)), noInvalidDate: true });

const buildEstonian = (date: Date, male: boolean, serial: number): string => {
  const year = date.getUTCFullYear();
  const marker = Math.floor((year - 1800) / 100) * 2 + (male ? 1 : 2);
  const firstTen = `${marker}${pad(year % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(serial, 3)}`;
  return firstTen + eeCheck(firstTen);
};

describe('Estonian isikukood', () => {
  it.each([
    ['36805280109', '1968-05-28', 'male'],
    ['47302200234', '1973-02-20', 'female'],
    ['47502124911', '1975-02-12', 'female'],
    ['38207146522', '1982-07-14', 'male'],
  ] as const)('AUTH-3: %s parses to %s, %s', (code, birthDate, sex) => {
    expect(parseEstonianCode(code)).toEqual({
      ok: true,
      value: { country: 'EE', code, birthDate, sex, temporary: false },
    });
    expect(parsePersonalCode('EE', code)).toEqual(parseEstonianCode(code));
  });

  it('AUTH-3: the century marker covers 1800s to 2100s, odd = male', () => {
    const cases: Array<[string, string, 'female' | 'male']> = [
      ['1', '1850-06-15', 'male'],
      ['2', '1850-06-15', 'female'],
      ['5', '2012-03-01', 'male'],
      ['6', '2012-03-01', 'female'],
      ['7', '2101-01-31', 'male'],
      ['8', '2101-01-31', 'female'],
    ];
    for (const [marker, birthDate, sex] of cases) {
      const firstTen = `${marker}${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${birthDate.slice(8, 10)}123`;
      const result = parseEstonianCode(firstTen + eeCheck(firstTen));
      expect(result).toMatchObject({ ok: true, value: { birthDate, sex } });
    }
  });

  it('AUTH-3: uses the second weights when the first remainder is 10', () => {
    // 51001010028: first-stage remainder 10, second-stage 8.
    expect(eeStage1('5100101002')).toBe(10);
    expect(parseEstonianCode('51001010028')).toMatchObject({ ok: true, value: { birthDate: '2010-01-01', sex: 'male' } });
  });

  it('AUTH-3: trims surrounding whitespace', () => {
    expect(parseEstonianCode('  36805280109\n')).toMatchObject({ ok: true, value: { code: '36805280109' } });
  });

  it('AUTH-3: a wrong check digit is a checksum problem', () => {
    expect(parseEstonianCode('39112120752')).toEqual({ ok: false, problem: 'checksum' });
    expect(parseEstonianCode('36805280108')).toEqual({ ok: false, problem: 'checksum' });
  });

  it('AUTH-3: an unreal date with a correct check digit is a date problem', () => {
    expect(eeCheck('3900231000')).toBe(1);
    expect(parseEstonianCode('39002310001')).toEqual({ ok: false, problem: 'date' }); // 31 Feb 1990
    expect(parseEstonianCode(`4000229000${eeCheck('4000229000')}`)).toEqual({ ok: false, problem: 'date' }); // 29 Feb 1900
    expect(parseEstonianCode(`5000229000${eeCheck('5000229000')}`)).toMatchObject({ ok: true, value: { birthDate: '2000-02-29' } });
    expect(parseEstonianCode(`3901301000${eeCheck('3901301000')}`)).toEqual({ ok: false, problem: 'date' }); // month 13
    expect(parseEstonianCode(`3900100000${eeCheck('3900100000')}`)).toEqual({ ok: false, problem: 'date' }); // day 0
  });

  it.each([
    ['letters', '3680528010A'],
    ['letters inside', '368O5280109'],
    ['too short', '3680528010'],
    ['too long', '368052801090'],
    ['empty', ''],
    ['a separator', '368052-80109'],
    ['an inner space', '36805 280109'],
    ['century marker 0', '06805280109'],
    ['century marker 9', '96805280109'],
    ['full-width digits', '３６８０５２８０１０９'],
    ['a sign', '+36805280109'],
  ])('AUTH-3: %s is a format problem', (_label, input) => {
    expect(parseEstonianCode(input)).toEqual({ ok: false, problem: 'format' });
  });

  it('AUTH-3: property: generated codes for any real date and serial parse back to that date and sex', () => {
    fc.assert(
      fc.property(dateArbitrary(1800, 2199), fc.boolean(), fc.integer({ min: 0, max: 999 }), (date, male, serial) => {
        const code = buildEstonian(date, male, serial);
        const result = parseEstonianCode(code);
        expect(result).toEqual({
          ok: true,
          value: { country: 'EE', code, birthDate: date.toISOString().slice(0, 10), sex: male ? 'male' : 'female', temporary: false },
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('AUTH-3: property: a single changed digit is rejected unless the fallback weights are involved', () => {
    // The isikukood scheme does NOT detect every single-digit change: when either code's first-stage remainder is 10
    // the second weights decide, and the check digits can coincide (see the pinned pair below). What holds is: a
    // changed check digit is always caught, and any accepted change involves a first-stage remainder of 10.
    fc.assert(
      fc.property(
        dateArbitrary(1800, 2199),
        fc.boolean(),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 9 }),
        (date, male, serial, position, delta) => {
          const code = buildEstonian(date, male, serial);
          const digit = (Number(code[position]) + delta) % 10;
          const changed = code.slice(0, position) + digit + code.slice(position + 1);
          expect(changed).not.toBe(code);
          const result = parseEstonianCode(changed);
          if (position === 10) {
            expect(result).toEqual({ ok: false, problem: 'checksum' });
          } else if (result.ok) {
            expect(eeStage1(code) === 10 || eeStage1(changed) === 10).toBe(true);
          } else {
            expect(['checksum', 'date', 'format']).toContain(result.problem);
          }
          if (eeStage1(code) !== 10 && eeStage1(changed) !== 10) expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('AUTH-3: two valid codes can differ in one digit (a limit of the scheme, pinned)', () => {
    expect(parseEstonianCode('51001010008')).toMatchObject({ ok: true, value: { birthDate: '2010-01-01', sex: 'male' } });
    expect(parseEstonianCode('51001010028')).toMatchObject({ ok: true, value: { birthDate: '2010-01-01', sex: 'male' } });
  });
});

describe('Finnish henkilötunnus', () => {
  it.each([
    ['131052-308T', '1952-10-13', 'female', false],
    ['010101-0101', '1901-01-01', 'female', false],
    ['121212-121D', '1912-12-12', 'male', false],
    ['311280-999J', '1980-12-31', 'male', true],
    ['100190Y999P', '1990-01-10', 'male', true],
  ] as const)('AUTH-3: %s parses to %s, %s, temporary %s', (code, birthDate, sex, temporary) => {
    expect(parseFinnishCode(code)).toEqual({ ok: true, value: { country: 'FI', code, birthDate, sex, temporary } });
    expect(parsePersonalCode('FI', code)).toEqual(parseFinnishCode(code));
  });

  it('AUTH-3: the new 2000s letters B-F parse like A (control computed independently)', () => {
    expect(fiControl('150312456')).toBe('W');
    for (const sign of ['A', 'B', 'C', 'D', 'E', 'F']) {
      const code = `150312${sign}456W`;
      expect(parseFinnishCode(code)).toEqual({
        ok: true,
        value: { country: 'FI', code, birthDate: '2012-03-15', sex: 'female', temporary: false },
      });
    }
    expect(fiControl('010594123')).toBe('W');
    expect(parseFinnishCode('010594B123W')).toMatchObject({ ok: true, value: { birthDate: '2094-05-01', sex: 'male' } });
  });

  it('AUTH-3: every 1900s sign and the 1800s sign set the century', () => {
    for (const sign of ['-', 'Y', 'X', 'W', 'V', 'U']) {
      expect(parseFinnishCode(`131052${sign}308T`)).toMatchObject({ ok: true, value: { birthDate: '1952-10-13' } });
    }
    expect(parseFinnishCode('131052+308T')).toMatchObject({ ok: true, value: { birthDate: '1852-10-13' } });
  });

  it('AUTH-3: lower-case letters are accepted and normalised; whitespace is trimmed', () => {
    expect(parseFinnishCode(' 100190y999p ')).toMatchObject({ ok: true, value: { code: '100190Y999P' } });
    expect(parseFinnishCode('150312b456w')).toMatchObject({ ok: true, value: { code: '150312B456W', birthDate: '2012-03-15' } });
  });

  it('AUTH-3: a wrong control character is a checksum problem', () => {
    expect(parseFinnishCode('131052-308U')).toEqual({ ok: false, problem: 'checksum' });
    expect(parseFinnishCode('131052-309T')).toEqual({ ok: false, problem: 'checksum' });
  });

  it('AUTH-3: an unreal date with a correct control character is a date problem', () => {
    expect(fiControl('310290123')).toBe('T');
    expect(parseFinnishCode('310290-123T')).toEqual({ ok: false, problem: 'date' }); // 31 Feb 1990
    expect(fiControl('290200002')).toBe('C');
    expect(parseFinnishCode('290200-002C')).toEqual({ ok: false, problem: 'date' }); // 29 Feb 1900
    expect(parseFinnishCode('290200A002C')).toMatchObject({ ok: true, value: { birthDate: '2000-02-29' } });
  });

  it.each([
    ['another separator', '131052/308T'],
    ['a space as separator', '131052 308T'],
    ['an en dash', '131052\u2013308T'],
    ['no separator', '131052308T'],
    ['an unknown century letter', '131052G308T'],
    ['a letter the control alphabet lacks', '131052-308G'],
    ['a long s that would upper-case to S', '131052-308\u017F'],
    ['too long', '131052-308TT'],
    ['individual number 000', `010101-000${fiControl('010101000')}`],
    ['individual number 001', `010101-001${fiControl('010101001')}`],
    ['an Estonian code', '36805280109'],
  ])('AUTH-3: %s is a format problem', (_label, input) => {
    expect(parseFinnishCode(input)).toEqual({ ok: false, problem: 'format' });
  });

  it('AUTH-3: property: generated codes for any real date, sign and individual number parse back', () => {
    const signs: Record<number, string[]> = { 1800: ['+'], 1900: ['-', 'Y', 'X', 'W', 'V', 'U'], 2000: ['A', 'B', 'C', 'D', 'E', 'F'] };
    fc.assert(
      fc.property(dateArbitrary(1800, 2099), fc.nat(), fc.integer({ min: 2, max: 999 }), fc.boolean(), (date, signPick, individual, lowerCase) => {
        const year = date.getUTCFullYear();
        const choices = signs[year - (year % 100)] ?? [];
        const sign = choices[signPick % choices.length] ?? '?';
        const digits = `${pad(date.getUTCDate())}${pad(date.getUTCMonth() + 1)}${pad(year % 100)}`;
        const code = `${digits}${sign}${pad(individual, 3)}${fiControl(digits + pad(individual, 3))}`;
        const result = parseFinnishCode(lowerCase ? code.toLowerCase() : code);
        expect(result).toEqual({
          ok: true,
          value: {
            country: 'FI',
            code,
            birthDate: date.toISOString().slice(0, 10),
            sex: individual % 2 === 1 ? 'male' : 'female',
            temporary: individual >= 900,
          },
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ageOn and isMinor', () => {
  it('AUTH-3: the age goes up at 00:00 UTC on the birthday', () => {
    expect(ageOn('2008-05-28', new Date('2026-05-27T23:59:59.999Z'))).toBe(17);
    expect(isMinor('2008-05-28', new Date('2026-05-27T23:59:59.999Z'))).toBe(true);
    expect(ageOn('2008-05-28', new Date('2026-05-28T00:00:00Z'))).toBe(18);
    expect(isMinor('2008-05-28', new Date('2026-05-28T00:00:00Z'))).toBe(false);
    expect(ageOn('2008-05-28', new Date('2008-05-28T12:00:00Z'))).toBe(0);
    expect(ageOn('2008-12-31', new Date('2026-01-01T00:00:00Z'))).toBe(17);
  });

  it('AUTH-3: born on 29 February: a year older on 1 March in non-leap years, on 29 February in leap years', () => {
    expect(ageOn('2008-02-29', new Date('2026-02-28T23:59:59Z'))).toBe(17);
    expect(isMinor('2008-02-29', new Date('2026-02-28T23:59:59Z'))).toBe(true);
    expect(ageOn('2008-02-29', new Date('2026-03-01T00:00:00Z'))).toBe(18);
    expect(isMinor('2008-02-29', new Date('2026-03-01T00:00:00Z'))).toBe(false);
    expect(ageOn('2004-02-29', new Date('2024-02-28T12:00:00Z'))).toBe(19);
    expect(ageOn('2004-02-29', new Date('2024-02-29T00:00:00Z'))).toBe(20);
  });

  it('AUTH-3: works on parsed birth dates and rejects malformed input', () => {
    const parsed = parsePersonalCode('EE', '36805280109');
    if (!parsed.ok) throw new Error('expected a valid code');
    expect(ageOn(parsed.value.birthDate, new Date('2026-05-28T00:00:00Z'))).toBe(58);
    expect(() => ageOn('2008-02-30', new Date())).toThrow(RangeError);
    expect(() => ageOn('28.05.2008', new Date())).toThrow(RangeError);
    expect(() => ageOn('2008-05-28', new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('personalCodeSchema', () => {
  it('AUTH-3: accepts { country, code } and transforms to the parsed code', () => {
    expect(personalCodeSchema().parse({ country: 'EE', code: ' 36805280109 ' })).toEqual({
      country: 'EE',
      code: '36805280109',
      birthDate: '1968-05-28',
      sex: 'male',
      temporary: false,
    });
    expect(personalCodeSchema().parse({ country: 'FI', code: '131052-308t' })).toMatchObject({ code: '131052-308T' });
    expect(personalCodeSchema('FI').parse({ country: 'FI', code: '100190Y999P' })).toMatchObject({ temporary: true });
  });

  it('AUTH-3: an invalid code gives "invalid personal code (<problem>)" at path code', () => {
    for (const [code, problem] of [
      ['39112120752', 'checksum'],
      ['39002310001', 'date'],
      ['3680528010A', 'format'],
    ]) {
      const result = personalCodeSchema().safeParse({ country: 'EE', code });
      expect(result.success).toBe(false);
      expect(result.error?.issues).toEqual([
        expect.objectContaining({ code: 'custom', message: `invalid personal code (${problem})`, path: ['code'] }),
      ]);
    }
  });

  it('AUTH-3: a fixed country rejects the other one; shape errors are reported by zod', () => {
    const result = personalCodeSchema('EE').safeParse({ country: 'FI', code: '131052-308T' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['country']);
    expect(personalCodeSchema().safeParse({ country: 'SE', code: '36805280109' }).success).toBe(false);
    expect(personalCodeSchema().safeParse({ country: 'EE' }).success).toBe(false);
    expect(personalCodeSchema().safeParse({ country: 'EE', code: 36805280109 }).success).toBe(false);
  });
});

describe('fromHarIdClaim', () => {
  it('AUTH-3: reads "EE:EID:<isikukood>"', () => {
    expect(fromHarIdClaim('EE:EID:47302200234')).toEqual({
      country: 'EE',
      code: '47302200234',
      birthDate: '1973-02-20',
      sex: 'female',
      temporary: false,
    });
  });

  it.each([
    ['another prefix', 'FI:EID:47302200234'],
    ['a lower-case prefix', 'ee:eid:47302200234'],
    ['no prefix', '47302200234'],
    ['an invalid code', 'EE:EID:39112120752'],
    ['an unreal date', 'EE:EID:39002310001'],
    ['padding inside the claim', 'EE:EID: 47302200234'],
    ['an empty claim', ''],
  ])('AUTH-3: undefined for %s', (_label, claim) => {
    expect(fromHarIdClaim(claim)).toBeUndefined();
  });
});

describe('calendar dates and birthdays at their edges (issue 19)', () => {
  const ee = (firstTen: string) => firstTen + eeCheck(firstTen);
  const fi = (ddmmyy: string, sign: string, individual = '123') => `${ddmmyy}${sign}${individual}${fiControl(ddmmyy + individual)}`;

  it.each([
    ['31 April', '3900431', '310490', '-'],
    ['31 June', '6100631', '310610', 'A'],
    ['31 September', '4850931', '310985', '-'],
    ['31 November', '5221131', '311122', 'A'],
    ['29 February of a common year (2001)', '5010229', '290201', 'A'],
    ['29 February of a common year (1999)', '4990229', '290299', '-'],
    ['30 February of a leap year', '5040230', '300204', 'A'],
    ['month 00', '3900015', '150090', '-'],
    ['month 13', '3901315', '151390', '-'],
    ['day 00', '3900500', '000590', '-'],
    ['day 32 of January', '3900132', '320190', '-'],
  ])('AUTH-3: %s is not a date, in an Estonian and in a Finnish code', (_label, eeFirstSeven, fiDate, sign) => {
    expect(parseEstonianCode(ee(`${eeFirstSeven}123`))).toEqual({ ok: false, problem: 'date' });
    expect(parseFinnishCode(fi(fiDate, sign))).toEqual({ ok: false, problem: 'date' });
  });

  it.each([
    ['30 April', '3900430', '300490', '-', '1990-04-30'],
    ['30 June', '6100630', '300610', 'A', '2010-06-30'],
    ['30 September', '4850930', '300985', '-', '1985-09-30'],
    ['30 November', '5221130', '301122', 'A', '2022-11-30'],
    ['31 March', '3900331', '310390', '-', '1990-03-31'],
    ['31 December', '3901231', '311290', '-', '1990-12-31'],
    ['1 January', '5010101', '010101', 'A', '2001-01-01'],
    ['28 February of a common year', '5010228', '280201', 'A', '2001-02-28'],
    ['29 February of a leap year (2004)', '5040229', '290204', 'A', '2004-02-29'],
    ['29 February of a leap year (1996)', '4960229', '290296', '-', '1996-02-29'],
    ['31 January, 31 May, 31 July, 31 August, 31 October', '3900131', '310190', '-', '1990-01-31'],
  ])('AUTH-3: %s is a date in both countries', (_label, eeFirstSeven, fiDate, sign, birthDate) => {
    expect(parseEstonianCode(ee(`${eeFirstSeven}123`))).toMatchObject({ ok: true, value: { birthDate } });
    expect(parseFinnishCode(fi(fiDate, sign))).toMatchObject({ ok: true, value: { birthDate } });
    for (const month of ['05', '07', '08', '10'])
      expect(parseFinnishCode(fi(`31${month}90`, '-'))).toMatchObject({ ok: true, value: { birthDate: `1990-${month}-31` } });
  });

  it('AUTH-3: the Finnish temporary range starts at 900; individual numbers 002 and up are valid', () => {
    expect(parseFinnishCode(fi('010190', '-', '899'))).toMatchObject({ ok: true, value: { temporary: false, sex: 'male' } });
    expect(parseFinnishCode(fi('010190', '-', '900'))).toMatchObject({ ok: true, value: { temporary: true, sex: 'female' } });
    expect(parseFinnishCode(fi('010190', '-', '002'))).toMatchObject({ ok: true, value: { temporary: false, sex: 'female' } });
  });

  it('ACC-3: a 17-year-old is a minor the day before their 18th birthday, and an adult on it', () => {
    // Born 2008-11-23: on 2026-11-22 still 17, whatever the time of day.
    expect(isMinor('2008-11-23', new Date('2026-11-22T00:00:00Z'))).toBe(true);
    expect(isMinor('2008-11-23', new Date('2026-11-22T23:59:59.999Z'))).toBe(true);
    expect(ageOn('2008-11-23', new Date('2026-11-22T12:00:00Z'))).toBe(17);
    expect(isMinor('2008-11-23', new Date('2026-11-23T00:00:00Z'))).toBe(false);
  });

  it('ACC-3: on both sides of the birthday month and day, in every combination', () => {
    const born = '2008-06-15';
    const cases: [string, number][] = [
      ['2026-05-14', 17], // month before, day before
      ['2026-05-15', 17], // month before, same day
      ['2026-05-16', 17], // month before, day after
      ['2026-06-14', 17], // same month, day before
      ['2026-06-15', 18], // the birthday
      ['2026-06-16', 18], // same month, day after
      ['2026-07-14', 18], // month after, day before
      ['2026-07-15', 18], // month after, same day
      ['2026-07-16', 18], // month after, day after
      ['2026-01-31', 17],
      ['2026-12-01', 18],
    ];
    for (const [on, age] of cases) {
      expect(ageOn(born, new Date(`${on}T12:00:00Z`)), on).toBe(age);
      expect(isMinor(born, new Date(`${on}T12:00:00Z`)), on).toBe(age < 18);
    }
  });

  it('AUTH-3: an unreal birth date is refused in ageOn too (month 00, 31 April, 29 February of a common year)', () => {
    for (const birthDate of ['2008-00-10', '2008-04-31', '2007-02-29', '2008-13-01', '2008-01-00', '2008-01-32'])
      expect(() => ageOn(birthDate, new Date('2026-01-01T00:00:00Z')), birthDate).toThrow(RangeError);
    expect(ageOn('2008-02-29', new Date('2026-01-01T00:00:00Z'))).toBe(17);
    expect(() => ageOn('2008-05-28', 'not a date' as unknown as Date)).toThrow(RangeError);
  });

  it('AUTH-3: parsePersonalCode refuses a country it does not know', () => {
    expect(parsePersonalCode('SE' as 'EE', '36805280109')).toEqual({ ok: false, problem: 'format' });
  });
});

describe('input that is not what the types promise (issue 19)', () => {
  it('AUTH-3: a value that is not a string (untyped JSON) is a format problem, not a crash', () => {
    for (const input of [36805280109, undefined, null, { code: '36805280109' }]) {
      expect(parseEstonianCode(input as unknown as string)).toEqual({ ok: false, problem: 'format' });
      expect(parseFinnishCode(input as unknown as string)).toEqual({ ok: false, problem: 'format' });
      expect(fromHarIdClaim(input as unknown as string)).toBeUndefined();
    }
  });

  it.each([['X131052-308T'], ['1131052-308T'], ['-131052-308T']])(
    'AUTH-3: a Finnish code with anything before it (%s) is a format problem',
    (input) => {
      expect(parseFinnishCode(input)).toEqual({ ok: false, problem: 'format' });
    },
  );

  it('AUTH-3: ageOn names what was wrong, and takes only a bare YYYY-MM-DD', () => {
    expect(() => ageOn('2008-02-30', new Date())).toThrow('invalid birth date: 2008-02-30');
    expect(() => ageOn('2008-05-28', new Date(Number.NaN))).toThrow('invalid date');
    for (const birthDate of ['12008-05-28', 'x2008-05-28', '2008-05-28T00:00:00Z', '2008-05-281'])
      expect(() => ageOn(birthDate, new Date('2026-01-01T00:00:00Z')), birthDate).toThrow(RangeError);
  });
});
