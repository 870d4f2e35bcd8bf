import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AccountDoc } from '../accounts/model.js';
import { HttpError } from '../http/errors.js';
import type { Language } from '../http/i18n.js';
import { queueEmail } from '../messaging/index.js';
import { ConcurrentUpdateError, DocumentExistsError, type Doc } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import type { ClientInfo } from './client-info.js';
import { securityEmail } from './emails.js';
import { emailLoginId, normaliseEmail, type LoginIndexDoc } from './identity.js';
import { hashPassword, needsRehash, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { recordSecurityEvent } from './security-log.js';
import { createSession, revokeAllSessions, type IssuedSession } from './sessions.js';
import { assertNotThrottled, clearFailures, recordFailure } from './throttle.js';

export const VERIFY_TOKEN_SECONDS = 24 * 3600;
export const RESET_TOKEN_SECONDS = 3600;

interface PasswordTokenDoc extends Doc {
  type: 'password-token';
  accountId: string;
  purpose: 'verify-email' | 'reset-password';
  loginId: string;
  expiresAt: string;
}

const tokenDocId = (token: string) => `pwtoken:${createHash('sha256').update(token).digest('base64url')}`;

function assertGoodPassword(password: string, email?: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new HttpError(422, `password_${problem}`, { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }, [{ path: 'password', issue: problem }]);
}

async function issueToken(deps: Pick<Services, 'db' | 'clock'>, accountId: string, loginId: string, purpose: PasswordTokenDoc['purpose'], seconds: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const id = tokenDocId(token);
  await deps.db.collection('logins').create<PasswordTokenDoc>({
    id,
    type: 'password-token',
    accountId,
    purpose,
    loginId,
    expiresAt: new Date(deps.clock.now().getTime() + seconds * 1000).toISOString(),
  });
  return token;
}

/** Uses up a single-use token: the delete is the claim, so two concurrent uses cannot both succeed. */
async function consumeToken(deps: Pick<Services, 'db' | 'clock'>, token: string, purpose: PasswordTokenDoc['purpose']): Promise<PasswordTokenDoc> {
  const id = tokenDocId(token);
  const logins = deps.db.collection('logins');
  const doc = await logins.read<PasswordTokenDoc>(id, id);
  if (!doc || doc.type !== 'password-token' || doc.purpose !== purpose || Date.parse(doc.expiresAt) <= deps.clock.now().getTime())
    throw new HttpError(400, 'token_invalid');
  if (!(await logins.delete(id, id))) throw new HttpError(400, 'token_invalid');
  return doc;
}

const link = (services: Pick<Services, 'config'>, path: string, token: string) =>
  `${services.config.PUBLIC_WEB_URL.replace(/\/$/, '')}${path}?token=${encodeURIComponent(token)}`;

/**
 * Sign-up with e-mail and password (AUTH-2). The answer is the same whether or not the address already has an
 * account (no account discovery); the owner of an existing address gets a "you already have an account" e-mail.
 */
export async function signUp(
  services: Services,
  input: { email: string; password: string; firstName: string; lastName: string; language: Language },
  client: ClientInfo,
): Promise<void> {
  const email = normaliseEmail(input.email);
  assertGoodPassword(input.password, email);
  const loginId = emailLoginId(email);
  const logins = services.db.collection('logins');
  const existing = await logins.read<LoginIndexDoc>(loginId, loginId);
  if (existing) return notifyExisting(services, existing, input.language);

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
    country: input.language === 'fi' ? 'FI' : 'EE',
    status: 'active',
    logins: [{ id: loginId, provider: 'password', linkedAt: now }],
    createdAt: now,
    updatedAt: now,
  };
  const passwordHash = await hashPassword(input.password);
  await services.db.collection('accounts').create(account);
  try {
    await logins.create<LoginIndexDoc>({ id: loginId, type: 'login-index', accountId, kind: 'password', email, passwordHash, linkedAt: now });
  } catch (error) {
    await services.db.collection('accounts').delete(accountId, accountId);
    if (!(error instanceof DocumentExistsError)) throw error;
    const winner = await logins.read<LoginIndexDoc>(loginId, loginId);
    if (winner) await notifyExisting(services, winner, input.language);
    return;
  }
  const token = await issueToken(services, accountId, loginId, 'verify-email', VERIFY_TOKEN_SECONDS);
  await queueEmail(services, securityEmail('verifyEmail', input.language, email, { name: input.firstName, link: link(services, '/verify-email', token) }), `verify:${tokenDocId(token)}`);
  await recordSecurityEvent(services, { name: 'sign-up', accountId, method: 'password', client });
}

async function notifyExisting(services: Services, login: LoginIndexDoc, language: Language): Promise<void> {
  if (!login.email) return;
  const token = await issueToken(services, login.accountId, login.id, 'reset-password', RESET_TOKEN_SECONDS);
  await queueEmail(services, securityEmail('accountExists', language, login.email, { name: '', link: link(services, '/reset-password', token) }), `exists:${tokenDocId(token)}`);
}

export async function verifyEmail(services: Services, token: string): Promise<void> {
  const used = await consumeToken(services, token, 'verify-email');
  await updateLogin(services, used.loginId, (login) => ({ ...login, emailVerifiedAt: login.emailVerifiedAt ?? services.clock.now().toISOString() }));
}

async function updateLogin(services: Pick<Services, 'db'>, loginId: string, change: (login: LoginIndexDoc) => LoginIndexDoc): Promise<LoginIndexDoc> {
  const logins = services.db.collection('logins');
  for (let attempt = 0; attempt < 5; attempt++) {
    const login = await logins.read<LoginIndexDoc>(loginId, loginId);
    if (!login) throw new HttpError(400, 'token_invalid');
    try {
      return await logins.replace<LoginIndexDoc>({ ...change(login), _etag: login._etag });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  throw new HttpError(409, 'conflict');
}

/**
 * Password sign-in. "No such user" and "wrong password" get the same 401 after the same work (a dummy hash is
 * verified when there is no account); failures count towards the per-name and per-IP throttles.
 */
export async function passwordSignIn(services: Services, input: { email: string; password: string }, client: ClientInfo): Promise<IssuedSession> {
  const email = normaliseEmail(input.email);
  const keys = { name: email, ...(client.ip ? { ip: client.ip } : {}) };
  await assertNotThrottled(services, keys);
  const loginId = emailLoginId(email);
  const login = await services.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
  const ok = login?.passwordHash ? await verifyPassword(input.password, login.passwordHash) : await verifyAgainstDummy(input.password);
  if (!login || !ok) {
    await recordFailure(services, keys);
    await recordSecurityEvent(services, { name: 'sign-in-failed', accountId: login?.accountId, method: 'password', reason: login ? 'wrong_password' : 'unknown_name', client });
    throw new HttpError(401, 'invalid_credentials');
  }
  await clearFailures(services, email);
  if (!login.emailVerifiedAt) throw new HttpError(403, 'email_not_verified');
  const account = await services.db.collection('accounts').read<AccountDoc>(login.accountId, login.accountId);
  if (!account || account.status === 'closed') throw new HttpError(401, 'invalid_credentials');
  if (account.status === 'suspended') {
    await recordSecurityEvent(services, { name: 'sign-in-failed', accountId: login.accountId, method: 'password', reason: 'account_suspended', client });
    throw new HttpError(403, 'account_suspended');
  }
  if (needsRehash(login.passwordHash!)) {
    const passwordHash = await hashPassword(input.password);
    await updateLogin(services, loginId, (l) => ({ ...l, passwordHash }));
  }
  const session = await createSession(services, { accountId: login.accountId, method: 'password', ...(client.browser ? { browser: client.browser } : {}) });
  await recordSecurityEvent(services, { name: 'sign-in', accountId: login.accountId, method: 'password', client });
  return session;
}

/** Changing the password ends every other session of the account and tells the user by e-mail. */
export async function changePassword(
  services: Services,
  principal: { accountId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<void> {
  const account = await services.db.collection('accounts').read<AccountDoc>(principal.accountId, principal.accountId);
  const loginId = account?.logins?.find((l) => l.provider === 'password')?.id;
  if (!account || !loginId) throw new HttpError(404, 'login_not_found');
  const login = await services.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
  if (!login?.passwordHash || !login.email) throw new HttpError(404, 'login_not_found');
  const keys = { name: login.email, ...(client.ip ? { ip: client.ip } : {}) };
  await assertNotThrottled(services, keys);
  if (!(await verifyPassword(input.currentPassword, login.passwordHash))) {
    await recordFailure(services, keys);
    throw new HttpError(403, 'wrong_password');
  }
  assertGoodPassword(input.newPassword, login.email);
  const passwordHash = await hashPassword(input.newPassword);
  await updateLogin(services, loginId, (l) => ({ ...l, passwordHash }));
  await revokeAllSessions(services, principal.accountId, 'password-changed', principal.sessionId);
  await recordSecurityEvent(services, { name: 'password-changed', accountId: principal.accountId, method: 'password', client });
  await queueEmail(services, securityEmail('passwordChanged', account.language, login.email, { name: account.firstName }), `pwchanged:${principal.accountId}:${services.clock.now().getTime()}`);
}

/** Always the same answer; the e-mail goes only to an address that has a password login. */
export async function requestPasswordReset(services: Services, input: { email: string }, client: ClientInfo): Promise<void> {
  const email = normaliseEmail(input.email);
  const keys = { name: `reset:${email}`, ...(client.ip ? { ip: client.ip } : {}) };
  await assertNotThrottled(services, keys);
  // Each request counts: a reset link per 3 minutes on average is plenty and stops mail bombing.
  await recordFailure(services, keys);
  const loginId = emailLoginId(email);
  const login = await services.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
  if (!login?.email) return;
  const account = await services.db.collection('accounts').read<AccountDoc>(login.accountId, login.accountId);
  if (!account) return;
  const token = await issueToken(services, login.accountId, loginId, 'reset-password', RESET_TOKEN_SECONDS);
  await queueEmail(services, securityEmail('resetPassword', account.language, login.email, { name: account.firstName, link: link(services, '/reset-password', token) }), `reset:${tokenDocId(token)}`);
}

/** A reset proves control of the address: it sets the password, confirms the address, and ends every session. */
export async function resetPassword(services: Services, input: { token: string; password: string }, client: ClientInfo): Promise<void> {
  const id = tokenDocId(input.token);
  const pending = await services.db.collection('logins').read<PasswordTokenDoc>(id, id);
  const email = pending ? (await services.db.collection('logins').read<LoginIndexDoc>(pending.loginId, pending.loginId))?.email : undefined;
  assertGoodPassword(input.password, email);
  const used = await consumeToken(services, input.token, 'reset-password');
  const passwordHash = await hashPassword(input.password);
  const now = services.clock.now().toISOString();
  await updateLogin(services, used.loginId, (l) => ({ ...l, passwordHash, emailVerifiedAt: l.emailVerifiedAt ?? now }));
  await revokeAllSessions(services, used.accountId, 'password-reset');
  await clearFailures(services, email ?? '');
  await recordSecurityEvent(services, { name: 'password-reset', accountId: used.accountId, method: 'password', client });
}
