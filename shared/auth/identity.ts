import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import type { AccountDoc, LinkedLogin } from '../accounts/model.js';
import { HttpError } from '../http/errors.js';
import { ConcurrentUpdateError, DocumentExistsError, type Doc } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import type { ParsedPersonalCode } from './personal-code.js';

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
  /** Whether the provider's personal codes are verified identity data (school and eID systems), and so may link accounts. */
  personalCodeTrusted: boolean;
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
  if (!canonical) throw new HttpError(422, 'invalid_email', {}, [{ path: field, issue: 'not a usable e-mail address' }]);
  return canonical;
}

export type SignInResolution =
  | { outcome: 'existing'; accountId: string }
  | { outcome: 'linked'; accountId: string; via: 'explicit' | 'personal-code' }
  | { outcome: 'created'; accountId: string };

type Deps = Pick<Services, 'db' | 'clock'>;

/**
 * Maps a provider's identity to our account (AUTH-1):
 * 1. a login already linked signs in its account;
 * 2. a signed-in user who asked to link gets the login added (explicit linking);
 * 3. a trusted, verified personal code that belongs to an account links the login to it;
 * 4. otherwise a new account is created.
 * An e-mail address never links accounts: providers differ in whether they verified it, and an address can change hands.
 */
export async function resolveSignIn(deps: Deps, identity: ExternalIdentity, linkToAccountId?: string): Promise<SignInResolution> {
  const logins = deps.db.collection('logins');
  const loginId = externalLoginId(identity.provider, identity.subject);
  const existing = await logins.read<LoginIndexDoc>(loginId, loginId);
  if (existing) {
    if (linkToAccountId && existing.accountId !== linkToAccountId) throw new HttpError(409, 'login_linked_elsewhere');
    await ensureListed(deps, existing.accountId, { id: loginId, provider: identity.provider, linkedAt: existing.linkedAt });
    return { outcome: 'existing', accountId: existing.accountId };
  }

  if (linkToAccountId) {
    await linkLogin(deps, linkToAccountId, identity);
    return { outcome: 'linked', accountId: linkToAccountId, via: 'explicit' };
  }

  if (identity.personalCode && identity.personalCodeTrusted) {
    const codeId = personalCodeLoginId(identity.personalCode);
    const owner = await logins.read<LoginIndexDoc>(codeId, codeId);
    if (owner) {
      await linkLogin(deps, owner.accountId, identity);
      return { outcome: 'linked', accountId: owner.accountId, via: 'personal-code' };
    }
  }

  return createAccountFor(deps, identity);
}

function externalLoginIndex(accountId: string, identity: ExternalIdentity, linkedAt: string): LoginIndexDoc {
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

async function linkLogin(deps: Deps, accountId: string, identity: ExternalIdentity): Promise<void> {
  const loginId = externalLoginId(identity.provider, identity.subject);
  const linkedAt = deps.clock.now().toISOString();
  try {
    await deps.db.collection('logins').create(externalLoginIndex(accountId, identity, linkedAt));
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    // A concurrent callback of the same login won the race; fine if it linked the same account.
    const winner = await deps.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
    if (winner?.accountId !== accountId) throw new HttpError(409, 'login_linked_elsewhere');
  }
  await ensureListed(deps, accountId, { id: loginId, provider: identity.provider, linkedAt });
}

/** The account lists its logins (for "my ways to sign in" and unlinking); repairs the list if a write was lost. */
export async function ensureListed(deps: Deps, accountId: string, login: LinkedLogin): Promise<void> {
  const accounts = deps.db.collection('accounts');
  for (let attempt = 0; attempt < 5; attempt++) {
    const account = await accounts.read<AccountDoc>(accountId, accountId);
    if (!account || account.type !== 'account') return;
    if ((account.logins ?? []).some((l) => l.id === login.id)) return;
    try {
      await accounts.replace<AccountDoc>({ ...account, logins: [...(account.logins ?? []), login], updatedAt: deps.clock.now().toISOString() });
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  throw new HttpError(409, 'conflict');
}

async function createAccountFor(deps: Deps, identity: ExternalIdentity): Promise<SignInResolution> {
  const now = deps.clock.now().toISOString();
  const accountId = `acc-${randomUUID()}`;
  const loginId = externalLoginId(identity.provider, identity.subject);
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
    language: identity.language ?? (identity.country === 'FI' ? 'fi' : 'et'),
    country: identity.country ?? identity.personalCode?.country ?? 'EE',
    status: 'active',
    logins: [{ id: loginId, provider: identity.provider, linkedAt: now }],
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
  if (identity.personalCode && identity.personalCodeTrusted) await claimPersonalCode(deps, accountId, identity.personalCode);
  return { outcome: 'created', accountId };
}

/** Records that a verified personal code belongs to the account, unless another account already holds it. */
export async function claimPersonalCode(deps: Deps, accountId: string, code: Pick<ParsedPersonalCode, 'country' | 'code'>): Promise<boolean> {
  const id = personalCodeLoginId(code);
  try {
    await deps.db.collection('logins').create<LoginIndexDoc>({ id, type: 'login-index', accountId, kind: 'personal-code', linkedAt: deps.clock.now().toISOString() });
    return true;
  } catch (error) {
    if (error instanceof DocumentExistsError) return false;
    throw error;
  }
}

/** Gives the account a personal code (AUTH-3): refused with 409 when another account already holds it. */
export async function assignPersonalCode(deps: Deps, accountId: string, code: Pick<ParsedPersonalCode, 'country' | 'code'>): Promise<void> {
  if (await claimPersonalCode(deps, accountId, code)) return;
  const id = personalCodeLoginId(code);
  const owner = await deps.db.collection('logins').read<LoginIndexDoc>(id, id);
  if (owner?.accountId !== accountId) throw new HttpError(409, 'personal_code_taken');
}

/** Removes a way to sign in; the last one cannot go (AUTH-1), or the account could not be reached any more. */
export async function unlinkLogin(deps: Deps, accountId: string, loginId: string): Promise<void> {
  const accounts = deps.db.collection('accounts');
  for (let attempt = 0; attempt < 5; attempt++) {
    const account = await accounts.read<AccountDoc>(accountId, accountId);
    if (!account || account.type !== 'account') throw new HttpError(404, 'account_not_found');
    const current = account.logins ?? [];
    if (!current.some((l) => l.id === loginId)) throw new HttpError(404, 'login_not_found');
    if (current.length <= 1) throw new HttpError(409, 'last_login');
    try {
      await accounts.replace<AccountDoc>({ ...account, logins: current.filter((l) => l.id !== loginId), updatedAt: deps.clock.now().toISOString() });
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) continue;
      throw error;
    }
    const index = await deps.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
    if (index?.accountId === accountId) await deps.db.collection('logins').delete(loginId, loginId);
    return;
  }
  throw new HttpError(409, 'conflict');
}
