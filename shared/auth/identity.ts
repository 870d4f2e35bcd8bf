import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';

import { z } from 'zod';

import { type AccountDoc, type LinkedLogin, updateAccount } from '../accounts/index.js';
import type { ParsedPersonalCode } from '../personal-codes/index.js';
import { type Doc, DocumentExistsError, updateWithEtag } from '../platform/cosmos.js';
import type { Country } from '../platform/countries.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';

export const providerIds = ['harid', 'ekool', 'stuudium', 'mpassid', 'google', 'facebook'] as const;
export type ProviderId = (typeof providerIds)[number];

/** Who a provider says signed in, in our terms. Only what the provider asserts; nothing the browser sent. */
export interface ExternalIdentity {
  provider: ProviderId;
  /** The provider's stable subject id: the stored authentication key (AUTH-1). */
  subject: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  emailVerified: boolean;
  /** Present only when the provider asserts a code that passed its checksum (AUTH-3). */
  personalCode?: ParsedPersonalCode;
  /**
   * How much the asserted personal code proves. 'eid': the person was identified with an eID-grade means (HarID with
   * ID-card, Mobile-ID or Smart-ID; MPASSid when it releases the henkilötunnus): the code is proof and may link this
   * sign-in to the account holding the same verified code. 'asserted': the provider only says so (eKool, Stuudium,
   * HarID with a password): kept on a new account as unverified, never used to link.
   */
  personalCodeGrade: 'eid' | 'asserted';
  /** Stuudium: the school installation (subdomain) the user signed in through; it must be on our allow-list. */
  installation?: string;
  language?: 'et' | 'fi' | 'en';
  country?: 'EE' | 'FI';
  /**
   * School roles the provider asserts (HarID roles, MPASSid urn:mpass.id:role). Hints only: schools confirm roles
   * (HarID's are not reliable since 2023), so they are never turned into rights directly.
   */
  schoolRoles?: AssertedSchoolRole[];
  /** MPASSid's national learner id (urn:oid:1.3.6.1.4.1.16161.1.1.27), when the user is a learner. */
  learnerId?: string;
}

export interface AssertedSchoolRole {
  /** EHIS id (Estonia) or school code (Finland). */
  schoolCode: string;
  role: 'student' | 'teacher' | 'staff' | 'principal' | 'other';
  className?: string;
}

/** The index documents of the `logins` container: one point read from a login to its account. */
export interface LoginIndexDoc extends Doc {
  type: 'login-index';
  accountId: string;
  kind: 'external' | 'password' | 'personal-code';
  provider?: ProviderId;
  subject?: string;
  linkedAt: string;
  /** kind 'personal-code': where the code was verified (absent on old, unverified indexes: never a link target). */
  verification?: 'eid' | 'school';
  /** kind 'personal-code' with verification 'school': the school that entered it (ACC-5). */
  schoolId?: string;
  /** kind 'password' only. */
  email?: string;
  passwordHash?: string;
  /** Raised by every password change or reset; tokens and throttle buckets of an older version are dead. */
  passwordVersion?: number;
  emailVerifiedAt?: string;
}

/** Cosmos ids may not contain / \\ ? #, which subjects and e-mail addresses can: they are percent-encoded. */
export const externalLoginId = (provider: ProviderId, subject: string) => `${provider}:${encodeURIComponent(subject)}`;
export const emailLoginId = (email: string) => `email:${encodeURIComponent(normaliseEmail(email))}`;
export const personalCodeLoginId = (code: Pick<ParsedPersonalCode, 'country' | 'code'>) => `pcode:${code.country}:${code.code}`;

/**
 * The one canonical form of an e-mail address, used everywhere an address is typed, stored, looked up or mailed:
 * Unicode NFKC first (so compatibility characters such as the Kelvin sign U+212A become the letter they stand for,
 * the same way on every path), then
 * - the domain through UTS #46 (node:url domainToASCII): lower-case ASCII, internationalised names as punycode;
 * - the local part must then be printable ASCII, and is lower-cased: we treat addresses case-insensitively, as
 *   nearly every mail provider does. Non-ASCII local parts are refused: they are rare, and letters from other
 *   scripts that look Latin (Cyrillic "а") cannot be mapped safely.
 * Undefined when the address cannot be put in that form.
 */
export function canonicalEmail(raw: string): string | undefined {
  const text = raw.trim().normalize('NFKC');
  const at = text.lastIndexOf('@');
  if (at < 1 || at === text.length - 1 || text.length > 254) return undefined;
  const local = text.slice(0, at);
  if (!/^[\x21-\x7e]{1,64}$/.test(local) || local.includes('@')) return undefined;
  const domain = domainToASCII(text.slice(at + 1));
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return undefined;
  return `${local.toLowerCase()}@${domain}`;
}

/** A request field holding an e-mail address, given to the handler in canonical form (422 when it has none). */
export const canonicalEmailSchema = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .transform((value, ctx) => {
    const canonical = canonicalEmail(value);
    if (!canonical) ctx.addIssue({ code: 'custom', message: 'not a usable e-mail address' });
    return canonical ?? z.NEVER;
  });

/** canonicalEmail, or 422 invalid_email naming the field. */
export function normaliseEmail(email: string, field = 'email'): string {
  const canonical = canonicalEmail(email);
  if (!canonical) throw new AppError('invalid_email', { details: [{ path: field, issue: 'not a usable e-mail address' }] });
  return canonical;
}

export type SignInResolution =
  | { outcome: 'existing'; accountId: string }
  | { outcome: 'linked'; accountId: string; via: 'explicit' | 'personal-code'; codeFrom?: 'eid' | 'school'; schoolId?: string }
  | { outcome: 'created'; accountId: string };

type Deps = Pick<Services, 'db' | 'clock'>;

/**
 * An eID-grade sign-in whose code matches a code the school entered, but whose names do not match the account's: the
 * school must confirm that this is its student before the login is linked (the sign-in stops until then).
 */
export class SchoolConfirmationNeeded extends Error {
  constructor(
    readonly schoolId: string,
    readonly accountId: string,
  ) {
    super('school_confirmation_pending');
    this.name = 'SchoolConfirmationNeeded';
  }
}

/**
 * Looks up a pending or decided confirmation (kept by the schools area); injected so this module stays below it.
 * Answers the stored status of the request for this login and account, creating it when there is none.
 */
export type ConfirmationLedger = (input: {
  schoolId: string;
  account: AccountDoc;
  identity: ExternalIdentity;
}) => Promise<'requested' | 'confirmed' | 'refused'>;

/**
 * Maps a provider's identity to our account (AUTH-1):
 * 1. a login already linked signs in its account;
 * 2. a signed-in user who asked to link gets the login added (explicit linking);
 * 3. an eID-grade personal code links the login to the account holding the same VERIFIED code (from an earlier
 *    eID-grade sign-in, or entered by the person's school with matching names; otherwise the school confirms first);
 * 4. otherwise a new account is created.
 * A code a user typed about themselves is never indexed, so it is never a link target; eKool and Stuudium codes are
 * not proof and never link. An e-mail address never links accounts either.
 */
export async function resolveSignIn(
  deps: Deps,
  identity: ExternalIdentity,
  linkToAccountId?: string,
  ledger?: ConfirmationLedger,
  /** What the sign-in carried for an account it creates: the consents ticked before (PRIV-6), the site it began on (OPS-3). */
  newAccount: NewAccountChoices = {},
): Promise<SignInResolution> {
  const logins = deps.db.collection('logins');
  const loginId = externalLoginId(identity.provider, identity.subject);
  const existing = await logins.read<LoginIndexDoc>(loginId, loginId);
  if (existing) {
    if (linkToAccountId && existing.accountId !== linkToAccountId) throw new AppError('login_linked_elsewhere');
    await ensureListed(deps, existing.accountId, { id: loginId, provider: identity.provider, linkedAt: existing.linkedAt });
    return { outcome: 'existing', accountId: existing.accountId };
  }

  if (linkToAccountId) {
    await linkLogin(deps, linkToAccountId, identity);
    if (identity.personalCode && identity.personalCodeGrade === 'eid')
      await verifyOwnCode(deps, linkToAccountId, identity.provider, identity.personalCode);
    return { outcome: 'linked', accountId: linkToAccountId, via: 'explicit' };
  }

  const holder = identity.personalCode && identity.personalCodeGrade === 'eid' ? await verifiedHolder(deps, identity.personalCode) : undefined;
  if (holder) {
    const { account, index } = holder;
    if (index.verification === 'eid') {
      await linkLogin(deps, account.accountId, identity);
      return { outcome: 'linked', accountId: account.accountId, via: 'personal-code', codeFrom: 'eid' };
    }
    const schoolId = index.schoolId ?? account.personalCodeVerification?.by;
    // Without a school to ask (an index written before schools were recorded), only matching names link.
    const decision = namesMatch(identity, account) ? 'confirmed' : schoolId && ledger ? await ledger({ schoolId, account, identity }) : 'refused';
    if (decision === 'confirmed') {
      await linkLogin(deps, account.accountId, identity);
      return { outcome: 'linked', accountId: account.accountId, via: 'personal-code', codeFrom: 'school', ...(schoolId ? { schoolId } : {}) };
    }
    if (decision === 'requested') throw new SchoolConfirmationNeeded(schoolId!, account.accountId);
    // Refused by the school: this person is not its student; they get an account of their own.
  }

  return createAccountFor(deps, identity, newAccount);
}

/**
 * A signed-in person links an eID-grade login whose code is the one they typed themselves: the code is now proven,
 * so it becomes verified and their link target (unless another account already holds it verified).
 */
async function verifyOwnCode(deps: Deps, accountId: string, provider: ProviderId, code: Pick<ParsedPersonalCode, 'country' | 'code'>): Promise<void> {
  const verified = await updateAccount(deps, accountId, (a) =>
    a.personalCode?.country === code.country && a.personalCode.code === code.code && !a.personalCodeVerification
      ? { ...a, personalCodeVerification: { kind: 'eid', by: provider, at: deps.clock.now().toISOString() } }
      : a,
  );
  if (verified.personalCodeVerification?.kind === 'eid' && verified.personalCode?.code === code.code)
    await claimPersonalCode(deps, accountId, code, { verification: 'eid' });
}

/**
 * The account a personal code is proof of, or nothing. The index is only a pointer: the account must still carry
 * the same code, verified, or the index is stale (a change that did not finish releasing it) and is removed.
 */
async function verifiedHolder(
  deps: Deps,
  code: Pick<ParsedPersonalCode, 'country' | 'code'>,
): Promise<{ account: AccountDoc; index: LoginIndexDoc } | undefined> {
  const codeId = personalCodeLoginId(code);
  const index = await deps.db.collection('logins').read<LoginIndexDoc>(codeId, codeId);
  if (!index || index.kind !== 'personal-code' || !index.verification) return undefined;
  const account = await deps.db.collection('accounts').read<AccountDoc>(index.accountId, index.accountId);
  const current =
    account?.type === 'account' &&
    account.personalCode?.country === code.country &&
    account.personalCode.code === code.code &&
    account.personalCodeVerification?.kind === index.verification;
  if (!current) {
    await releasePersonalCode(deps, index.accountId, code);
    return undefined;
  }
  return { account, index };
}

/** Letters only, without accents or case: "Mäe-Kask" and "mae kask" are the same name. */
const nameTokens = (value: string | undefined) =>
  (value ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);

/**
 * Whether the eID's names are the school's record of the person: the same family name, and at least one given name
 * in common (schools often record only the first of several given names).
 */
export function namesMatch(
  identity: Pick<ExternalIdentity, 'givenName' | 'familyName'>,
  account: Pick<AccountDoc, 'firstName' | 'lastName'>,
): boolean {
  const family = nameTokens(identity.familyName).join(' ');
  if (!family || family !== nameTokens(account.lastName).join(' ')) return false;
  const given = new Set(nameTokens(account.firstName));
  return nameTokens(identity.givenName).some((t) => given.has(t));
}

function externalLoginIndex(accountId: string, identity: Pick<ExternalIdentity, 'provider' | 'subject'>, linkedAt: string): LoginIndexDoc {
  return {
    id: externalLoginId(identity.provider, identity.subject),
    type: 'login-index',
    accountId,
    kind: 'external',
    provider: identity.provider,
    subject: identity.subject,
    linkedAt,
  };
}

export async function linkLogin(deps: Deps, accountId: string, identity: Pick<ExternalIdentity, 'provider' | 'subject'>): Promise<void> {
  const loginId = externalLoginId(identity.provider, identity.subject);
  const linkedAt = deps.clock.now().toISOString();
  try {
    await deps.db.collection('logins').create(externalLoginIndex(accountId, identity, linkedAt));
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    // A concurrent callback of the same login won the race; fine if it linked the same account.
    const winner = await deps.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
    if (winner?.accountId !== accountId) throw new AppError('login_linked_elsewhere');
  }
  await ensureListed(deps, accountId, { id: loginId, provider: identity.provider, linkedAt });
}

/** The account lists its logins (for "my ways to sign in" and unlinking); repairs the list if a write was lost. */
async function ensureListed(deps: Deps, accountId: string, login: LinkedLogin): Promise<void> {
  await updateWithEtag<AccountDoc>(
    deps.db.collection('accounts'),
    accountId,
    accountId,
    (account) =>
      (account.logins ?? []).some((l) => l.id === login.id)
        ? undefined
        : { ...account, logins: [...(account.logins ?? []), login], updatedAt: deps.clock.now().toISOString() },
    { type: 'account' },
  );
}

interface NewAccountChoices {
  consents?: AccountDoc['consents'];
  /** The country whose site the sign-in began on (from the sealed flow, never the callback's query). */
  site?: Country;
}

/**
 * A new account's country (OPS-3): what the provider proves (MPASSid is Finnish; HarID, eKool and Stuudium Estonian;
 * an eID personal code its own country) wins over the site the sign-in began on; Estonia when neither says.
 */
const newAccountCountry = (identity: ExternalIdentity, site: Country | undefined): Country =>
  identity.country ?? identity.personalCode?.country ?? site ?? 'EE';

async function createAccountFor(deps: Deps, identity: ExternalIdentity, { consents, site }: NewAccountChoices): Promise<SignInResolution> {
  const now = deps.clock.now().toISOString();
  const country = newAccountCountry(identity, site);
  const accountId = `acc-${randomUUID()}`;
  const loginId = externalLoginId(identity.provider, identity.subject);
  const eid = identity.personalCode !== undefined && identity.personalCodeGrade === 'eid';
  const account: AccountDoc = {
    id: accountId,
    type: 'account',
    accountId,
    firstName: identity.givenName ?? '',
    lastName: identity.familyName ?? '',
    ...(identity.email && identity.emailVerified && canonicalEmail(identity.email) ? { email: canonicalEmail(identity.email) } : {}),
    ...(identity.personalCode
      ? { personalCode: { country: identity.personalCode.country, code: identity.personalCode.code }, birthDate: identity.personalCode.birthDate }
      : {}),
    ...(eid ? { personalCodeVerification: { kind: 'eid' as const, by: identity.provider, at: now } } : {}),
    language: identity.language ?? (country === 'FI' ? 'fi' : 'et'),
    country,
    status: 'active',
    logins: [{ id: loginId, provider: identity.provider, linkedAt: now }],
    ...(consents ? { consents } : {}),
    // A new account starts with the list of its sessions (issue 11), so its first sign-in need not build it.
    activeSessions: [],
    createdAt: now,
    updatedAt: now,
  };
  // The login index is the lock: whoever creates it owns the login. The account is written first so the index never
  // points at nothing; a loser of the race deletes its unused account.
  await deps.db.collection('accounts').create(account);
  try {
    await deps.db.collection('logins').create(externalLoginIndex(accountId, identity, now));
  } catch (error) {
    await deps.db.collection('accounts').delete(accountId, accountId);
    if (!(error instanceof DocumentExistsError)) throw error;
    const winner = await deps.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
    if (!winner) throw error;
    return { outcome: 'existing', accountId: winner.accountId };
  }
  if (eid) await claimPersonalCode(deps, accountId, identity.personalCode!, { verification: 'eid' });
  return { outcome: 'created', accountId };
}

/**
 * Records that a VERIFIED personal code belongs to the account (the link target of later eID-grade sign-ins),
 * unless another account already holds it. Unverified codes get no index at all.
 */
export async function claimPersonalCode(
  deps: Deps,
  accountId: string,
  code: Pick<ParsedPersonalCode, 'country' | 'code'>,
  source: { verification: 'eid' } | { verification: 'school'; schoolId: string },
): Promise<boolean> {
  const id = personalCodeLoginId(code);
  const doc: LoginIndexDoc = { id, type: 'login-index', accountId, kind: 'personal-code', linkedAt: deps.clock.now().toISOString(), ...source };
  try {
    await deps.db.collection('logins').create<LoginIndexDoc>(doc);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
  }
  // Read back on both paths: whoever holds it, the work is the same, so timing does not tell a taken code (AUTH-3).
  const held = await deps.db.collection('logins').read<LoginIndexDoc>(id, id);
  if (held?.accountId !== accountId) return false;
  // Held by this account already (a repeat, or a school entering a code an eID sign-in verified): keep one record.
  if (held.verification !== source.verification) await deps.db.collection('logins').upsert<LoginIndexDoc>({ ...held, ...source });
  return true;
}

/** Drops the code's index when it points at this account: a changed or removed code stops linking at once. */
export async function releasePersonalCode(deps: Deps, accountId: string, code: Pick<ParsedPersonalCode, 'country' | 'code'>): Promise<void> {
  const id = personalCodeLoginId(code);
  const index = await deps.db.collection('logins').read<LoginIndexDoc>(id, id);
  if (index?.accountId === accountId) await deps.db.collection('logins').delete(id, id);
}

/** Removes a way to sign in; the last one cannot go (AUTH-1), or the account could not be reached any more. */
export async function unlinkLogin(deps: Deps, accountId: string, loginId: string): Promise<void> {
  const updated = await updateWithEtag<AccountDoc>(
    deps.db.collection('accounts'),
    accountId,
    accountId,
    (account) => {
      const current = account.logins ?? [];
      if (!current.some((l) => l.id === loginId)) throw new AppError('login_not_found');
      if (current.length <= 1) throw new AppError('last_login');
      return { ...account, logins: current.filter((l) => l.id !== loginId), updatedAt: deps.clock.now().toISOString() };
    },
    { type: 'account' },
  );
  if (!updated) throw new AppError('account_not_found');
  const index = await deps.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
  if (index?.accountId === accountId) await deps.db.collection('logins').delete(loginId, loginId);
}

/**
 * PRIV-8, RET-1: on closure every way into the account goes at once: the index documents of its provider logins, its
 * password login (with the password hash) and its verified personal code, so nobody signs in to it any more and the
 * person can register again with the same e-mail or code. Only indexes that point at this account are deleted.
 */
export async function releaseAuthenticationData(deps: Deps, account: Pick<AccountDoc, 'accountId' | 'logins' | 'personalCode'>): Promise<number> {
  const ids = [...(account.logins ?? []).map((l) => l.id), ...(account.personalCode ? [personalCodeLoginId(account.personalCode)] : [])];
  let released = 0;
  for (const id of ids) {
    const index = await deps.db.collection('logins').read<LoginIndexDoc>(id, id);
    if (index?.accountId !== account.accountId) continue;
    await deps.db.collection('logins').delete(id, id);
    released++;
  }
  return released;
}
