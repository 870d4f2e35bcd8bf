import { z } from 'zod';

/**
 * Estonian (isikukood) and Finnish (henkilötunnus, HETU) personal identification codes (AUTH-3).
 *
 * - Estonian `GYYMMDDSSSC`: G gives century and sex (1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s, 7/8 = 2100s; odd = male),
 *   SSS a serial, C a check digit: weights 1234567891 mod 11; if that is 10, weights 3456789123 mod 11; if again 10, 0.
 * - Finnish `DDMMYYCZZZQ`: C the century sign (`+` 1800s; `-` `Y` `X` `W` `V` `U` 1900s; `A`-`F` 2000s, the letters
 *   other than `-` and `A` in use since 2023-12-19), ZZZ the individual number (002-899 normal, 900-999 temporary;
 *   odd = male), Q the control character: the number DDMMYYZZZ mod 31 indexed into `0123456789ABCDEFHJKLMNPRSTUVWXY`.
 *
 * Input is trimmed; Finnish letters may be lower case and are normalised to upper case. No other separators, spaces
 * or non-ASCII digits are accepted. Problems are reported in a fixed order: `format` (shape, unknown century marker,
 * Finnish individual number 000/001), then `checksum`, then `date` (not a real calendar date). Birth dates are not
 * compared with today: a code with a future birth date parses.
 */

export type PersonalCodeCountry = 'EE' | 'FI';

export interface ParsedPersonalCode {
  country: PersonalCodeCountry;
  /** Normalised: Estonian codes are the 11 digits, Finnish codes upper case. */
  code: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'female' | 'male';
  /** Finnish individual numbers 900-999; always false for Estonian codes. */
  temporary: boolean;
}

type PersonalCodeProblem = 'format' | 'checksum' | 'date';

export type PersonalCodeResult = { ok: true; value: ParsedPersonalCode } | { ok: false; problem: PersonalCodeProblem };

const fail = (problem: PersonalCodeProblem): PersonalCodeResult => ({ ok: false, problem });

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Estonia

const ESTONIAN_PATTERN = /^[1-8][0-9]{10}$/;
const ESTONIAN_WEIGHTS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1] as const;
const ESTONIAN_WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 1, 2, 3] as const;

function weightedMod11(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * (weights[i] ?? 0);
  return sum % 11;
}

/** The check digit for the first ten digits of an isikukood. */
function estonianCheckDigit(firstTen: string): number {
  const first = weightedMod11(firstTen, ESTONIAN_WEIGHTS_1);
  if (first !== 10) return first;
  const second = weightedMod11(firstTen, ESTONIAN_WEIGHTS_2);
  return second === 10 ? 0 : second;
}

export function parseEstonianCode(input: string): PersonalCodeResult {
  if (typeof input !== 'string') return fail('format');
  const code = input.trim();
  if (!ESTONIAN_PATTERN.test(code)) return fail('format');
  if (estonianCheckDigit(code) !== Number(code[10])) return fail('checksum');

  const marker = Number(code[0]); // 1-8, guaranteed by the pattern
  const year = 1800 + Math.floor((marker - 1) / 2) * 100 + Number(code.slice(1, 3));
  const month = Number(code.slice(3, 5));
  const day = Number(code.slice(5, 7));
  if (!isRealDate(year, month, day)) return fail('date');

  return {
    ok: true,
    value: {
      country: 'EE',
      code,
      birthDate: isoDate(year, month, day),
      sex: marker % 2 === 1 ? 'male' : 'female',
      temporary: false,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Finland

const FINNISH_CONTROL_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const FINNISH_CENTURIES: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900,
  Y: 1900,
  X: 1900,
  W: 1900,
  V: 1900,
  U: 1900,
  A: 2000,
  B: 2000,
  C: 2000,
  D: 2000,
  E: 2000,
  F: 2000,
};
// Explicit ASCII ranges in both cases (no `i`/`u` flags, so e.g. U+017F 'ſ' cannot case-fold into 'S'). The control
// character class leaves out G, I, O, Q and Z, which the control alphabet never uses.
const FINNISH_PATTERN = /^([0-9]{2})([0-9]{2})([0-9]{2})([-+A-FU-Ya-fu-y])([0-9]{3})([0-9A-FHJ-NPR-Ya-fhj-npr-y])$/;

export function parseFinnishCode(input: string): PersonalCodeResult {
  if (typeof input !== 'string') return fail('format');
  const match = FINNISH_PATTERN.exec(input.trim());
  if (!match) return fail('format');
  const code = match[0].toUpperCase();
  const [, dd = '', mm = '', yy = '', sign = '', individual = '', control = ''] = match;

  const century = FINNISH_CENTURIES[sign.toUpperCase()];
  const individualNumber = Number(individual);
  if (century === undefined || individualNumber < 2) return fail('format');

  const expected = FINNISH_CONTROL_CHARACTERS[Number(dd + mm + yy + individual) % 31];
  if (expected !== control.toUpperCase()) return fail('checksum');

  const year = century + Number(yy);
  const month = Number(mm);
  const day = Number(dd);
  if (!isRealDate(year, month, day)) return fail('date');

  return {
    ok: true,
    value: {
      country: 'FI',
      code,
      birthDate: isoDate(year, month, day),
      sex: individualNumber % 2 === 1 ? 'male' : 'female',
      temporary: individualNumber >= 900,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

export function parsePersonalCode(country: PersonalCodeCountry, input: string): PersonalCodeResult {
  switch (country) {
    case 'EE':
      return parseEstonianCode(input);
    case 'FI':
      return parseFinnishCode(input);
    default:
      return fail('format');
  }
}

const ISO_DATE_PATTERN = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/**
 * Age in whole years on `on`, counted in UTC. Someone born on 29 February turns a year older on 1 March in
 * non-leap years (and on 29 February in leap years). Throws a RangeError for a malformed or unreal `birthDate`
 * or an invalid `on`.
 */
export function ageOn(birthDate: string, on: Date): number {
  const match = ISO_DATE_PATTERN.exec(birthDate);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (!match || !isRealDate(year, month, day)) throw new RangeError(`invalid birth date: ${birthDate}`);
  if (!(on instanceof Date) || Number.isNaN(on.getTime())) throw new RangeError('invalid date');

  const onMonth = on.getUTCMonth() + 1;
  const onDay = on.getUTCDate();
  const birthdayReached = onMonth > month || (onMonth === month && onDay >= day);
  return on.getUTCFullYear() - year - (birthdayReached ? 0 : 1);
}

/** Under 18 on `on` (UTC). */
export function isMinor(birthDate: string, on: Date): boolean {
  return ageOn(birthDate, on) < 18;
}

/**
 * `{ country, code }` -> ParsedPersonalCode. With `country`, only that country is accepted. An invalid code adds
 * the issue `invalid personal code (<problem>)` at path `['code']`.
 */
export function personalCodeSchema(country?: PersonalCodeCountry): z.ZodType<ParsedPersonalCode, { country: PersonalCodeCountry; code: string }> {
  const countrySchema = country === undefined ? z.enum(['EE', 'FI']) : z.literal(country);
  return z.object({ country: countrySchema, code: z.string() }).transform((value, ctx) => {
    const result = parsePersonalCode(value.country, value.code);
    if (!result.ok) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid personal code (${result.problem})`,
        path: ['code'],
        input: value.code,
      });
      return z.NEVER;
    }
    return result.value;
  });
}

const HARID_PREFIX = 'EE:EID:';

/** HarID's `personal_code` claim, `EE:EID:<isikukood>`; undefined for any other prefix or an invalid code. */
export function fromHarIdClaim(claim: string): ParsedPersonalCode | undefined {
  if (typeof claim !== 'string' || !claim.startsWith(HARID_PREFIX)) return undefined;
  const rest = claim.slice(HARID_PREFIX.length);
  if (!ESTONIAN_PATTERN.test(rest)) return undefined; // no padding inside a claim
  const result = parseEstonianCode(rest);
  return result.ok ? result.value : undefined;
}
