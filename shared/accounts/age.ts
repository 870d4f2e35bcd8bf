import { ageOn, isMinor, parsePersonalCode } from '../personal-codes/index.js';
import type { AccountDoc } from './model.js';

/** The person's birth date: from a valid personal code first (AUTH-3), else the birth date on the profile. */
function birthDateOf(account: Pick<AccountDoc, 'personalCode' | 'birthDate'>): string | undefined {
  if (account.personalCode) {
    const parsed = parsePersonalCode(account.personalCode.country, account.personalCode.code);
    if (parsed.ok) return parsed.value.birthDate;
  }
  return account.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(account.birthDate) ? account.birthDate : undefined;
}

/**
 * Under 18 on `now` (ACC-3: a parent manages the privacy settings of a child under 18). Undefined when the age is not
 * known (no personal code, no birth date): such a person is treated as managing their own settings.
 */
export function isMinorAccount(account: Pick<AccountDoc, 'personalCode' | 'birthDate'>, now: Date): boolean | undefined {
  const birthDate = birthDateOf(account);
  if (!birthDate) return undefined;
  try {
    return isMinor(birthDate, now);
  } catch {
    return undefined;
  }
}

/** Age in whole years on `now`, or undefined when not known (no valid personal code or birth date). */
function accountAge(account: Pick<AccountDoc, 'personalCode' | 'birthDate'>, now: Date): number | undefined {
  const birthDate = birthDateOf(account);
  if (!birthDate) return undefined;
  try {
    return ageOn(birthDate, now);
  } catch {
    return undefined;
  }
}

/**
 * GDPR Article 8: a child's own consent to an online service counts from 13 in Estonia (isikuandmete kaitse seadus
 * § 8) and in Finland (tietosuojalaki 5 §); below that the holder of parental responsibility gives it.
 */
const DIGITAL_CONSENT_AGE = 13;

/**
 * Whether a consent for this person must come from a parent: under DIGITAL_CONSENT_AGE, or a student whose age is not
 * known (no personal code or birth date; a school's pupil may be a child, so the safe reading is "a child under 13"
 * until the age is known). Adults' roles of unknown age decide alone.
 */
export function needsParentForConsent(account: Pick<AccountDoc, 'personalCode' | 'birthDate' | 'schoolRoles'>, now: Date): boolean {
  const age = accountAge(account, now);
  if (age !== undefined) return age < DIGITAL_CONSENT_AGE;
  return (account.schoolRoles ?? []).some((r) => r.role === 'student');
}
