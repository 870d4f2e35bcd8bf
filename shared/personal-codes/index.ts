/**
 * The public face of shared/personal-codes: Estonian and Finnish personal codes (AUTH-3), a leaf area that imports no
 * other, so auth (sign-in, code links) and accounts (the age check) both use it without importing each other.
 */
export {
  ageOn,
  fromHarIdClaim,
  isMinor,
  type ParsedPersonalCode,
  parsePersonalCode,
  type PersonalCodeCountry,
  personalCodeSchema,
} from './personal-code.js';
