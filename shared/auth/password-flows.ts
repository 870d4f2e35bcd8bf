import { createHash, randomBytes, randomUUID } from 'node:crypto';

import type { AccountDoc } from '../accounts/index.js';
import { queueEmail } from '../messaging/index.js';
import { type Doc, DocumentExistsError, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { type Country, countryProfile } from '../platform/countries.js';
import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import type { ClientInfo } from './client-info.js';
import { securityEmail } from './emails.js';
import { canonicalEmail, emailLoginId, type LoginIndexDoc, normaliseEmail } from './identity.js';
import {
  hashPassword,
  isCommonPassword,
  needsRehash,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordProblem,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords.js';
import { securityEventEntry } from './security-log.js';
import { activeSession, createSession, type IssuedSession, revokeAllSessions } from './sessions.js';
import {
  assertUnderLimit,
  assertUnderLimitOn,
  firstHostedEvent,
  firstInPeriodOn,
  overLimit,
  reserveSignInAttempt,
  type SignInAttempt,
} from './throttle.js';

const VERIFY_TOKEN_SECONDS = 24 * 3600;
const RESET_TOKEN_SECONDS = 3600;

interface PasswordTokenDoc extends Doc {
  type: 'password-token';
  accountId: string;
  purpose: 'verify-email' | 'reset-password';
  loginId: string;
  expiresAt: string;
  /** The login's password version when the token was issued: a later password change or reset kills the token. */
  passwordVersion?: number;
  /** When a reset claimed it (epoch ms): a claimed token is used up, though its document lapses only with its TTL. */
  used_ms?: number;
  /** Which reset claimed it (a random id). */
  claim?: string;
}

/** Sign-ups per client IP and per address within the throttle window (a class signing up behind one NAT fits). */
const SIGNUP_LIMITS = { perIp: 30, perAddress: 5 } as const;
/** Reset requests per client IP (429 past it) and reset e-mails per address (silently none past it). */
const RESET_LIMITS = { perIp: 30, perAddress: 5 } as const;
/** At most one "you already have an account" e-mail per address in this time (the period kept on its login). */
const ACCOUNT_EXISTS_NOTICE_SECONDS = 3600;
/** The counter of sign-ups per address, kept on the address's login (throttle.ts, `overLimitOn`). */
const SIGNUP_COUNTER = 'signup';

const versionOf = (login: Pick<LoginIndexDoc, 'passwordVersion'> | undefined) => login?.passwordVersion ?? 0;

const tokenDocId = (token: string) => `pwtoken:${createHash('sha256').update(token).digest('base64url')}`;

async function assertGoodPassword(password: string, email?: string): Promise<void> {
  const problem = passwordProblem(password, email) ?? ((await isCommonPassword(password)) ? 'common' : undefined);
  if (problem)
    throw new AppError(`password_${problem}` as const, {
      params: { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH },
      details: [{ path: 'password', issue: problem }],
    });
}

async function issueToken(
  deps: Pick<Services, 'db' | 'clock'>,
  login: Pick<LoginIndexDoc, 'accountId' | 'id' | 'passwordVersion'>,
  purpose: PasswordTokenDoc['purpose'],
  seconds: number,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const id = tokenDocId(token);
  await deps.db.collection('logins').create<PasswordTokenDoc>({
    id,
    type: 'password-token',
    accountId: login.accountId,
    purpose,
    loginId: login.id,
    expiresAt: new Date(deps.clock.now().getTime() + seconds * 1000).toISOString(),
    passwordVersion: versionOf(login),
  });
  return token;
}

/**
 * Uses up a single-use token: the delete is the claim, so two concurrent uses cannot both succeed. A token issued
 * before the password last changed is dead too (every outstanding link ends when the password changes). A reset
 * claims its token by marking it instead (`claimResetToken`).
 */
async function consumeToken(
  deps: Pick<Services, 'db' | 'clock'>,
  token: string,
  purpose: PasswordTokenDoc['purpose'],
): Promise<{ token: PasswordTokenDoc; login: LoginIndexDoc }> {
  const id = tokenDocId(token);
  const logins = deps.db.collection('logins');
  const doc = await logins.read<PasswordTokenDoc>(id, id);
  if (!doc || !usable(deps, doc, purpose)) throw new AppError('token_invalid');
  if (!(await logins.delete(id, id))) throw new AppError('token_invalid');
  const login = await logins.read<LoginIndexDoc>(doc.loginId, doc.loginId);
  if (!login || versionOf(login) !== (doc.passwordVersion ?? 0)) throw new AppError('token_invalid');
  return { token: doc, login };
}

function usable(deps: Pick<Services, 'clock'>, doc: PasswordTokenDoc, purpose: PasswordTokenDoc['purpose']): boolean {
  return (
    doc.type === 'password-token' && doc.purpose === purpose && doc.used_ms === undefined && Date.parse(doc.expiresAt) > deps.clock.now().getTime()
  );
}

/**
 * Claims a reset token and reads it in one write (issue 11): a conditional patch marks it used only if it is an
 * unused reset token, so of two uses one gets it. Answers the token as it was, or token_invalid. The mark names this
 * claim, so a retry after a lost answer that meets it (412) knows it for its own (one read, only then). `release`
 * gives it back when the reset is refused before anything changed (a password that is not good enough).
 */
async function claimResetToken(
  deps: Pick<Services, 'db' | 'clock'>,
  token: string,
): Promise<{ token: PasswordTokenDoc; release: () => Promise<void> }> {
  const id = tokenDocId(token);
  const logins = deps.db.collection('logins');
  const claim = randomUUID();
  const patched = await logins.patchIf<PasswordTokenDoc>(
    id,
    id,
    [
      { op: 'set', path: '/used_ms', value: deps.clock.now().getTime() },
      { op: 'set', path: '/claim', value: claim },
    ],
    "FROM c WHERE c.purpose = 'reset-password' AND NOT IS_DEFINED(c.used_ms)",
  );
  const claimed = patched === 'unmet' ? await logins.read<PasswordTokenDoc>(id, id) : patched;
  if (!claimed || claimed.claim !== claim) throw new AppError('token_invalid');
  const { used_ms: _used, claim: _claim, ...doc } = claimed;
  if (!usable(deps, doc, 'reset-password')) throw new AppError('token_invalid');
  return {
    token: doc,
    release: async () => {
      await logins.patchIf(
        id,
        id,
        [
          { op: 'remove', path: '/used_ms' },
          { op: 'remove', path: '/claim' },
        ],
        `FROM c WHERE c.claim = '${claim}'`,
      );
    },
  };
}

/** The address of a password login, from its id (`emailLoginId`): what the new password is compared with. */
const addressOfLoginId = (loginId: string) => (loginId.startsWith('email:') ? decodeURIComponent(loginId.slice('email:'.length)) : undefined);

/** A link to the reader's own country's site (OPS-3): opiq.fi for people of Finland. */
const link = (services: Pick<Services, 'config'>, path: string, token: string, country: Country = 'EE') =>
  `${countryProfile(services.config, country).siteUrl}${path}?token=${encodeURIComponent(token)}`;

/**
 * The country a password sign-up gives a new account (OPS-3): the site's the form was sent from (its Origin), else
 * the language's (Finnish speakers sign up on opiq.fi).
 */
const signUpCountry = (language: Language, site: Country | undefined): Country => site ?? (language === 'fi' ? 'FI' : 'EE');

/** Sender, footer and links follow the reader's country and language (OPS-3). */
const readerOf = (account: Pick<AccountDoc, 'country' | 'language'>) => ({ country: account.country, language: account.language });

/**
 * Sign-up with e-mail and password (AUTH-2). The answer is the same whether or not the address already has an
 * account (no account discovery), after the same work: the password is hashed on both paths. The owner of an
 * existing address gets at most one "you already have an account" e-mail an hour. Throttled per IP and per address.
 * Returns the new account's id, or undefined when none was made (for the caller's own records only, never the answer).
 */
export async function signUp(
  services: Services,
  input: {
    email: string;
    password: string;
    firstName: string;
    lastName: string;
    language: Language;
    /** The country whose site the form was sent from (`siteCountryOf`), when it is one of ours. */
    site?: Country | undefined;
    /** Optional consents ticked on the form (PRIV-6), as the consents area built them; only a new account gets them. */
    consents?: AccountDoc['consents'];
  },
  client: ClientInfo,
): Promise<string | undefined> {
  const email = normaliseEmail(input.email);
  await assertGoodPassword(input.password, email);
  await assertUnderLimit(services, 'signup-ip', client.ip ?? 'unknown', SIGNUP_LIMITS.perIp);
  const loginId = emailLoginId(email);
  const logins = services.db.collection('logins');
  // Hashed before the lookup, on both paths, so the answer's timing does not tell whether the address is taken.
  const passwordHash = await hashPassword(input.password);
  const existing = await logins.read<LoginIndexDoc>(loginId, loginId);
  if (existing) {
    // Sign-ups per address count on its login (issue 11: no bucket to read); a new address's first is counted on the
    // login it creates, so the address is limited from its first sign-up on.
    await assertUnderLimitOn(services, existing, SIGNUP_COUNTER, SIGNUP_LIMITS.perAddress);
    await notifyExisting(services, existing, input.language, signUpCountry(input.language, input.site));
    return undefined;
  }

  const now = services.clock.now().toISOString();
  const accountId = `acc-${randomUUID()}`;
  const account: AccountDoc = {
    id: accountId,
    type: 'account',
    accountId,
    firstName: input.firstName,
    lastName: input.lastName,
    email,
    language: input.language,
    country: signUpCountry(input.language, input.site),
    status: 'active',
    logins: [{ id: loginId, provider: 'password', linkedAt: now }],
    // A new account starts with the list of its sessions (issue 11), so its first sign-in need not build it.
    activeSessions: [],
    ...(input.consents ? { consents: input.consents } : {}),
    createdAt: now,
    updatedAt: now,
  };
  // The account and its first login-log entry in one transactional batch (issue 11: one write instead of two).
  const signedUp = await securityEventEntry(services, { name: 'sign-up', accountId, method: 'password', client });
  await createTogether(services, accountId, [account, signedUp.entry!]);
  let login: LoginIndexDoc;
  try {
    login = await logins.create<LoginIndexDoc>({
      id: loginId,
      type: 'login-index',
      accountId,
      kind: 'password',
      email,
      passwordHash,
      passwordVersion: 0,
      linkedAt: now,
      ...firstHostedEvent(services, SIGNUP_COUNTER),
    });
  } catch (error) {
    await services.db.collection('accounts').deleteMany([accountId, signedUp.entry!.id], accountId);
    if (!(error instanceof DocumentExistsError)) throw error;
    const winner = await logins.read<LoginIndexDoc>(loginId, loginId);
    // Counted like any sign-up for a taken address (its count is on the login that won).
    if (winner) await assertUnderLimitOn(services, winner, SIGNUP_COUNTER, SIGNUP_LIMITS.perAddress);
    if (winner) await notifyExisting(services, winner, input.language, signUpCountry(input.language, input.site));
    return undefined;
  }
  const token = await issueToken(services, login, 'verify-email', VERIFY_TOKEN_SECONDS);
  // No name in this e-mail: the address is not verified, and the name is whatever the sender typed.
  await queueEmail(
    services,
    {
      ...securityEmail('verifyEmail', input.language, email, { link: link(services, '/verify-email', token, account.country) }),
      ...readerOf(account),
    },
    `verify:${tokenDocId(token)}`,
  );
  signedUp.report();
  return accountId;
}

/**
 * New documents of one account partition, all or none (one transactional batch). The first is the proof: after a lost
 * answer, a retry that finds it (409) met its own earlier batch (the ids are new random ones).
 */
async function createTogether(services: Pick<Services, 'db'>, accountId: string, docs: Doc[]): Promise<void> {
  const written = await services.db.collection('accounts').writeTogether(
    accountId,
    docs.map((doc) => ({ create: doc })),
  );
  if (!written.ok && !(written.status === 409 && written.failedIndex === 0)) throw new Error(`The new account was not written (${written.status})`);
}

async function notifyExisting(services: Services, login: LoginIndexDoc & Stored, language: Language, site: Country): Promise<void> {
  if (!login.email) return;
  if (!(await firstInPeriodOn(services, login, 'exists_notice', ACCOUNT_EXISTS_NOTICE_SECONDS))) return;
  const token = await issueToken(services, login, 'reset-password', RESET_TOKEN_SECONDS);
  await queueEmail(
    services,
    {
      // The account is not read here (sign-up must not get slower for a taken address): the link opens the site of the
      // country sign-up picks, as for a new account (OPS-3); sender and footer follow the account, or this site's
      // country when the account is gone by the time the mail is sent.
      ...securityEmail('accountExists', language, login.email, { link: link(services, '/reset-password', token, site) }),
      // The footer in the words of the text above it.
      language,
      readerAccountId: login.accountId,
      siteCountry: site,
    },
    `exists:${tokenDocId(token)}`,
  );
}

/** Answers the verified address (the caller lifts an erasure's suppression of it, PRIV-3). */
export async function verifyEmail(services: Services, token: string): Promise<{ email: string | undefined }> {
  const used = await consumeToken(services, token, 'verify-email');
  // The login as just read (issue 11: not read again; its ETag guards the write).
  const login = await updateLogin(
    services,
    used.token.loginId,
    (login) => ({ ...login, emailVerifiedAt: login.emailVerifiedAt ?? services.clock.now().toISOString() }),
    used.login,
  );
  return { email: login.email };
}

async function updateLogin(
  services: Pick<Services, 'db'>,
  loginId: string,
  change: (login: LoginIndexDoc) => LoginIndexDoc,
  /** The login as just read (with its ETag): the first attempt starts from it; a conflict re-reads. */
  known?: LoginIndexDoc,
): Promise<LoginIndexDoc> {
  const current = known?.id === loginId && '_etag' in known ? (known as LoginIndexDoc & Stored) : undefined;
  const updated = await updateWithEtag<LoginIndexDoc>(services.db.collection('logins'), loginId, loginId, (login) => change(login), {
    ...(current ? { current } : {}),
  });
  if (!updated) throw new AppError('token_invalid');
  return updated.doc;
}

/**
 * Password sign-in. "No such user", "wrong password" and "suspended account" get the same 401 after the same work
 * (a dummy hash is verified when there is no account). The attempt is reserved in the throttle before the password
 * is verified; failures count towards the name + IP lock and the name and IP slow-downs (throttle.ts).
 */
export async function passwordSignIn(services: Services, input: { email: string; password: string }, client: ClientInfo): Promise<IssuedSession> {
  // An address that has no canonical form cannot have an account: it is answered like any unknown name.
  const email = canonicalEmail(input.email);
  const loginId = email ? emailLoginId(email) : undefined;
  const login = loginId ? await services.db.collection('logins').read<LoginIndexDoc>(loginId, loginId) : undefined;
  const attempt = await reserveSignInAttempt(services, {
    name: email ?? `unusable:${input.email.trim()}`,
    ...(client.ip ? { ip: client.ip } : {}),
    passwordVersion: versionOf(login),
    login,
  });
  let account: AccountDoc | undefined;
  let ok: boolean;
  try {
    ok = login?.passwordHash ? await verifyPassword(input.password, login.passwordHash) : await verifyAgainstDummy(input.password);
    account = login ? await services.db.collection('accounts').read<AccountDoc>(login.accountId, login.accountId) : undefined;
  } catch (error) {
    await attempt.finish('failure');
    throw error;
  }
  // A suspended or closed account with the right password is answered exactly like a wrong password (and counted
  // like one), so the answer does not confirm a guessed password; the owner's login log says why.
  if (!login || !ok || !account || account.status !== 'active') {
    const reason = !login ? 'unknown_name' : !ok ? 'wrong_password' : account?.status === 'suspended' ? 'account_suspended' : 'account_closed';
    const failed = await securityEventEntry(services, { name: 'sign-in-failed', accountId: login?.accountId, method: 'password', reason, client });
    failed.report();
    // A known name's login-log entry goes in the batch that counts the failure in its bucket (issue 11: one write
    // less), so it writes as many times as an unknown name's failure, which counts in a name bucket instead.
    await attempt.finish('failure', failed.entry);
    throw new AppError('invalid_credentials');
  }
  // The reservation goes in the session's batch when it is all its bucket holds (issue 11: one write less).
  const cleared = login.emailVerifiedAt ? attempt.successInBatch() : undefined;
  if (!cleared) await attempt.finish('success');
  if (!login.emailVerifiedAt) throw new AppError('email_not_verified');
  if (needsRehash(login.passwordHash!)) {
    const passwordHash = await hashPassword(input.password);
    await updateLogin(services, login.id, (l) => ({ ...l, passwordHash }));
  }
  const signIn = await securityEventEntry(services, { name: 'sign-in', accountId: login.accountId, method: 'password', client });
  const session = await createSession(services, {
    accountId: login.accountId,
    method: 'password',
    account,
    ...(client.browser ? { browser: client.browser } : {}),
    logEntry: signIn.entry,
    alsoWrite: cleared && { write: cleared, ifLeftOut: () => attempt.finish('success') },
  });
  signIn.report();
  return session;
}

/**
 * Checks the current password of the account's password login, counted like a sign-in in the same name + IP bucket
 * (AUTH-2: five failures from one address lock that name there), so a stolen session cannot guess it. The login found
 * and the attempt, which the caller finishes as a 'success-last' (both callers never use the bucket again after a
 * success: a password change raises the version that keys it; a closure), or wrong_password.
 * A success costs 2 operations (the login read, the reservation created; a clean 'success-last' leaves the
 * reservation to lapse, issue 11); a wrong password 6 for a first guess from an address (the reservation settled, the
 * name's count on the login, the IP's: a conditional patch that finds no bucket and a create), 5 for the next (the
 * login names the bucket as its last failure's: the reservation is one conditional patch on it; the IP's count one
 * patch). The IP slow-down is not read (throttle.ts `signedIn`).
 */
async function checkCurrentPassword(
  services: Services,
  account: AccountDoc | undefined,
  password: string,
  client: ClientInfo,
): Promise<{ login: LoginIndexDoc & { email: string; passwordHash: string }; attempt: SignInAttempt }> {
  const loginId = account?.logins?.find((l) => l.provider === 'password')?.id;
  if (!account || !loginId) throw new AppError('login_not_found');
  const login = await services.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
  if (!login?.passwordHash || !login.email) throw new AppError('login_not_found');
  const attempt = await reserveSignInAttempt(services, {
    name: login.email,
    ...(client.ip ? { ip: client.ip } : {}),
    passwordVersion: versionOf(login),
    login,
    signedIn: true,
  });
  let ok = false;
  try {
    ok = await verifyPassword(password, login.passwordHash);
  } finally {
    if (!ok) await attempt.finish('failure');
  }
  if (!ok) throw new AppError('wrong_password');
  return { login: { ...login, email: login.email, passwordHash: login.passwordHash }, attempt };
}

/**
 * Changing the password ends every other session of the account and every outstanding reset link, and tells the
 * user by e-mail. The throttle's bucket, when the check leaves something in it to settle (failures before it, other
 * attempts in flight), is settled in the batch that writes the login-log entry (issue 11: a change right after a
 * wrong current password 5, was 6).
 */
export async function changePassword(
  services: Services,
  principal: { accountId: string; sessionId: string },
  /** The account authentication read (issue 11: not read again; its ETag saves the read before the session list write). */
  account: AccountDoc,
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<void> {
  const { login, attempt } = await checkCurrentPassword(services, account, input.currentPassword, client);
  try {
    await assertGoodPassword(input.newPassword, login.email);
    const passwordHash = await hashPassword(input.newPassword);
    await updateLogin(services, login.id, (l) => ({ ...l, passwordHash, passwordVersion: versionOf(l) + 1 }), login);
  } catch (error) {
    // The password stays (a new one not good enough): the check was a success all the same, settled on its own.
    await attempt.finish('success-last');
    throw error;
  }
  const settled = attempt.successInBatch('success-last');
  if (!settled) await attempt.finish('success-last');
  const logged = await securityEventEntry(services, { name: 'password-changed', accountId: principal.accountId, method: 'password', client });
  await revokeAllSessions(
    services,
    principal.accountId,
    'password-changed',
    principal.sessionId,
    account,
    logged.entry,
    settled && { write: settled, ifLeftOut: () => attempt.finish('success-last') },
  );
  logged.report();
  await queueEmail(
    services,
    { ...securityEmail('passwordChanged', account.language, login.email, { name: account.firstName }), ...readerOf(account) },
    `pwchanged:${principal.accountId}:${services.clock.now().getTime()}`,
  );
}

/** How recent a sign-in must be to count as re-authentication for an account without a password (PRIV-8). */
const REAUTHENTICATION_MINUTES = 10;

/**
 * Re-authentication before an irreversible act (closing the account, PRIV-8): an account with a password login
 * enters the password (checked like a sign-in); one that signs in only through providers must have signed in within
 * the last REAUTHENTICATION_MINUTES (the session's start, not its last refresh). Otherwise 403
 * reauthentication_required, so the front end sends the person through sign-in again.
 */
export async function confirmRecentIdentity(
  services: Services,
  principal: { accountId: string; sessionId: string },
  account: AccountDoc,
  password: string | undefined,
  client: ClientInfo,
): Promise<void> {
  if (account.logins?.some((l) => l.provider === 'password')) {
    if (password === undefined) throw new AppError('reauthentication_required');
    const { attempt } = await checkCurrentPassword(services, account, password, client);
    await attempt.finish('success-last');
    return;
  }
  const session = await activeSession(services.db, principal, services.clock.now());
  const signedInAt = session ? Date.parse(session.createdAt) : Number.NaN;
  if (!(services.clock.now().getTime() - signedInAt <= REAUTHENTICATION_MINUTES * 60_000)) throw new AppError('reauthentication_required');
}

/**
 * Always the same answer (202) for a usable address; the e-mail goes only to an address that has a password login.
 * Reset requests have their own buckets (they never lock anyone out of signing in): past the per-IP limit the IP
 * gets 429; past the per-address limit no more e-mails go out, silently, so nobody can use the limit to keep the
 * owner from the links already in their mailbox.
 */
export async function requestPasswordReset(services: Services, input: { email: string }, client: ClientInfo): Promise<void> {
  const email = normaliseEmail(input.email);
  await assertUnderLimit(services, 'reset-ip', client.ip ?? 'unknown', RESET_LIMITS.perIp);
  if (await overLimit(services, 'reset-address', email, RESET_LIMITS.perAddress)) return;
  const loginId = emailLoginId(email);
  const login = await services.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
  if (!login?.email) return;
  const account = await services.db.collection('accounts').read<AccountDoc>(login.accountId, login.accountId);
  if (!account) return;
  const token = await issueToken(services, login, 'reset-password', RESET_TOKEN_SECONDS);
  // The name only when the address was verified: otherwise it is text someone else typed (see emails.ts).
  const name = login.emailVerifiedAt ? account.firstName : undefined;
  await queueEmail(
    services,
    {
      ...securityEmail('resetPassword', account.language, login.email, { name, link: link(services, '/reset-password', token, account.country) }),
      ...readerOf(account),
    },
    `reset:${tokenDocId(token)}`,
  );
}

/**
 * A reset proves control of the address: it sets the password, confirms the address, raises the password version
 * (every other outstanding link dies) and ends every session. The owner is told by e-mail.
 */
export async function resetPassword(services: Services, input: { token: string; password: string }, client: ClientInfo): Promise<void> {
  const { token: used, release } = await claimResetToken(services, input.token);
  try {
    await assertGoodPassword(input.password, addressOfLoginId(used.loginId));
  } catch (error) {
    // Nothing changed: the link stays usable for a better password.
    await release();
    throw error;
  }
  const passwordHash = await hashPassword(input.password);
  const now = services.clock.now().toISOString();
  const login = await updateLogin(services, used.loginId, (l) => {
    // A link issued before the password last changed is dead; of two links used at the same moment only the first
    // raises the version, the other is dead.
    if (versionOf(l) !== (used.passwordVersion ?? 0)) throw new AppError('token_invalid');
    return { ...l, passwordHash, passwordVersion: versionOf(l) + 1, emailVerifiedAt: l.emailVerifiedAt ?? now };
  });
  // Read once: its ETag lets the session-list write start from it, and it names the e-mail's language.
  const account = await services.db.collection('accounts').read<AccountDoc>(used.accountId, used.accountId);
  const logged = await securityEventEntry(services, { name: 'password-reset', accountId: used.accountId, method: 'password', client });
  await revokeAllSessions(services, used.accountId, 'password-reset', undefined, account, logged.entry);
  logged.report();
  if (account && login.email)
    await queueEmail(
      services,
      { ...securityEmail('passwordReset', account.language, login.email, { name: account.firstName }), ...readerOf(account) },
      `pwreset:${used.accountId}:${versionOf(login)}`,
    );
}
