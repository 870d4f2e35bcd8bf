import { fromHarIdClaim, parsePersonalCode } from '../../personal-codes/index.js';
import type { Config } from '../../platform/config.js';
import type { AssertedSchoolRole, ExternalIdentity, ProviderId } from '../identity.js';
import { createEkoolProvider, createFacebookProvider, createStuudiumProvider } from './oauth.js';
import { claimString as str, createOidcProvider } from './oidc.js';
import { type FetchLike, SignInError, type SignInProvider } from './types.js';

export * from './types.js';

// Auth adds the sign-in providers to the services handlers get (platform imports no area).
declare module '../../platform/services.js' {
  interface Services {
    /** The sign-in providers whose settings are complete (AUTH-1). */
    identityProviders: Map<ProviderId, SignInProvider>;
  }
}

/**
 * The providers whose settings are complete; a provider without configuration is switched off (its routes answer
 * 404 provider_disabled). Built once per process and configuration.
 */
export function createProviders(config: Config, fetchImpl: FetchLike = fetch): Map<ProviderId, SignInProvider> {
  const providers = new Map<ProviderId, SignInProvider>();
  const allowHttp = config.OIDC_ALLOW_HTTP;

  if (config.HARID_ISSUER && config.HARID_CLIENT_ID && config.HARID_CLIENT_SECRET)
    providers.set(
      'harid',
      createOidcProvider({
        id: 'harid',
        issuer: config.HARID_ISSUER,
        clientId: config.HARID_CLIENT_ID,
        clientSecret: config.HARID_CLIENT_SECRET,
        scope: 'openid profile email personal_code',
        allowHttp,
        fetch: fetchImpl,
        // HarID's id_token is minimal; names and the personal code come from userinfo. School roles are not taken
        // from HarID (not reliable since 2023): schools manage them.
        map: (claims, info) => {
          const rawCode = str(info.personal_code);
          const personalCode = rawCode ? fromHarIdClaim(rawCode) : undefined;
          if (rawCode && !personalCode && rawCode.startsWith('EE:EID:')) throw new SignInError('invalid_personal_code');
          const schoolRoles = haridRoles(info.roles);
          return {
            subject: claims.sub,
            ...(str(info.given_name) ? { givenName: str(info.given_name) } : {}),
            ...(str(info.family_name) ? { familyName: str(info.family_name) } : {}),
            ...(str(info.email) ? { email: str(info.email) } : {}),
            emailVerified: info.email_verified === true,
            ...(personalCode ? { personalCode } : {}),
            personalCodeGrade: haridEidGrade(claims.amr) ? 'eid' : 'asserted',
            language: 'et',
            country: 'EE',
            ...(schoolRoles.length ? { schoolRoles } : {}),
          };
        },
      }),
    );

  if (config.MPASSID_ISSUER && config.MPASSID_CLIENT_ID && config.MPASSID_CLIENT_SECRET)
    providers.set(
      'mpassid',
      createOidcProvider({
        id: 'mpassid',
        issuer: config.MPASSID_ISSUER,
        clientId: config.MPASSID_CLIENT_ID,
        clientSecret: config.MPASSID_CLIENT_SECRET,
        scope: 'openid profile',
        allowHttp,
        fetch: fetchImpl,
        map: (claims, info) => mpassidIdentity(claims.sub, { ...claims, ...info }),
      }),
    );

  if (config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET)
    providers.set(
      'google',
      createOidcProvider({
        id: 'google',
        issuer: config.GOOGLE_ISSUER,
        clientId: config.GOOGLE_CLIENT_ID,
        clientSecret: config.GOOGLE_CLIENT_SECRET,
        scope: 'openid email profile',
        allowHttp,
        fetch: fetchImpl,
        map: (claims, info) => {
          const all = { ...claims, ...info } as Record<string, unknown>;
          return {
            subject: claims.sub,
            ...(str(all.given_name) ? { givenName: str(all.given_name) } : {}),
            ...(str(all.family_name) ? { familyName: str(all.family_name) } : {}),
            ...(str(all.email) ? { email: str(all.email) } : {}),
            emailVerified: all.email_verified === true,
            personalCodeGrade: 'asserted',
          };
        },
      }),
    );

  if (config.FACEBOOK_APP_ID && config.FACEBOOK_APP_SECRET)
    providers.set(
      'facebook',
      createFacebookProvider({
        appId: config.FACEBOOK_APP_ID,
        appSecret: config.FACEBOOK_APP_SECRET,
        dialogUrl: config.FACEBOOK_DIALOG_URL,
        graphUrl: config.FACEBOOK_GRAPH_URL,
        fetch: fetchImpl,
      }),
    );

  if (config.EKOOL_CLIENT_ID && config.EKOOL_CLIENT_SECRET && config.EKOOL_TOKEN_URL && config.EKOOL_USERINFO_URL)
    providers.set(
      'ekool',
      createEkoolProvider({
        clientId: config.EKOOL_CLIENT_ID,
        clientSecret: config.EKOOL_CLIENT_SECRET,
        authorizeUrl: config.EKOOL_AUTHORIZE_URL,
        tokenUrl: config.EKOOL_TOKEN_URL,
        userinfoUrl: config.EKOOL_USERINFO_URL,
        fetch: fetchImpl,
      }),
    );

  if (config.STUUDIUM_CLIENT_ID && config.STUUDIUM_CLIENT_SECRET)
    providers.set(
      'stuudium',
      createStuudiumProvider({
        clientId: config.STUUDIUM_CLIENT_ID,
        clientSecret: config.STUUDIUM_CLIENT_SECRET,
        apiUrl: config.STUUDIUM_API_URL,
        fetch: fetchImpl,
      }),
    );

  return providers;
}

/**
 * MPASSid keeps SAML attribute names as claims; no e-mail is released, and the henkilötunnus only to services the
 * registry allows (nationalIdentificationNumber). When it is released it comes from the education provider's
 * register, so it is proof (eID grade); an invalid one stops the sign-in.
 */
export function mpassidIdentity(sub: string, all: Record<string, unknown>): Omit<ExternalIdentity, 'provider'> {
  const schoolRoles = mpassRoles(all['urn:mpass.id:role']);
  const learnerId = str(all['urn:oid:1.3.6.1.4.1.16161.1.1.27']);
  const rawHetu = str(all[MPASS_NATIONAL_ID]);
  const hetu = rawHetu ? parsePersonalCode('FI', rawHetu) : undefined;
  if (hetu && !hetu.ok) throw new SignInError('invalid_personal_code');
  return {
    ...(hetu?.ok ? { personalCode: hetu.value } : {}),
    ...(schoolRoles.length ? { schoolRoles } : {}),
    ...(learnerId ? { learnerId } : {}),
    subject: str(all['urn:mpass.id:uid']) ?? sub,
    ...(str(all['urn:oid:2.5.4.42']) ? { givenName: str(all['urn:oid:2.5.4.42']) } : {}),
    ...(str(all['urn:oid:2.5.4.4']) ? { familyName: str(all['urn:oid:2.5.4.4']) } : {}),
    emailVerified: false,
    personalCodeGrade: 'eid',
    language: 'fi',
    country: 'FI',
  };
}

/** MPASSid's SAML attribute for the Finnish national identification number (henkilötunnus), when released. */
export const MPASS_NATIONAL_ID = 'urn:oid:1.2.246.21';

/**
 * HarID's `amr` (id_token) names how the person authenticated. ID-card, Mobile-ID and Smart-ID are eID grade
 * (the state's identity documents, eIDAS substantial/high); a HarID password or another school system is not, so
 * its personal code is only asserted. Unknown values are not eID grade.
 */
const HARID_EID_AMR: readonly string[] = ['idcard', 'mid', 'mobileid', 'smartid'];

export function haridEidGrade(amr: unknown): boolean {
  const values = Array.isArray(amr) ? amr : typeof amr === 'string' ? [amr] : [];
  return values.some((v) => typeof v === 'string' && HARID_EID_AMR.includes(v.toLowerCase()));
}

/** HarID roles: [{ marker: 'student' | 'faculty' | 'director' …, active, provider_ehis_id, student_grade, student_parallel }]. */
export function haridRoles(value: unknown): AssertedSchoolRole[] {
  if (!Array.isArray(value)) return [];
  const roles: AssertedSchoolRole[] = [];
  for (const entry of value as Record<string, unknown>[]) {
    const schoolCode = str(entry?.provider_ehis_id);
    if (!schoolCode || entry.active === false) continue;
    const marker = str(entry.marker);
    const role: AssertedSchoolRole['role'] =
      marker === 'student' ? 'student' : marker === 'faculty' ? 'teacher' : marker === 'director' ? 'principal' : marker ? 'staff' : 'other';
    // HarID sends the grade as a number or a string; anything else is no grade (not "[object Object]").
    const grade = typeof entry.student_grade === 'number' || typeof entry.student_grade === 'string' ? String(entry.student_grade) : undefined;
    const parallel = str(entry.student_parallel);
    roles.push({ schoolCode, role, ...(grade ? { className: `${grade}${parallel ? `.${parallel}` : ''}` } : {}) });
  }
  return roles;
}

/** MPASSid role values: "providerOID;schoolCode;class;roleName;roleCode;institutionOID;officeOID" (codes 1 learner, 2 teacher, 3 staff, 4 secretary, 5 substitute, 6 principal). */
export function mpassRoles(value: unknown): AssertedSchoolRole[] {
  const values = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  const roles: AssertedSchoolRole[] = [];
  for (const raw of values) {
    if (typeof raw !== 'string') continue;
    const [, schoolCode, className, , roleCode] = raw.split(';');
    if (!schoolCode) continue;
    const role: AssertedSchoolRole['role'] =
      roleCode === '1'
        ? 'student'
        : roleCode === '2' || roleCode === '5'
          ? 'teacher'
          : roleCode === '6'
            ? 'principal'
            : roleCode === '3' || roleCode === '4'
              ? 'staff'
              : 'other';
    roles.push({ schoolCode, role, ...(className ? { className } : {}) });
  }
  return roles;
}
