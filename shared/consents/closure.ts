import { z } from 'zod';

import { type AccountDoc, type Closure, readAccount, updateAccount } from '../accounts/index.js';
import { type ClientInfo, confirmRecentIdentity, recordSecurityEvent, releaseAuthenticationData, revokeAllSessions } from '../auth/index.js';
import { type Doc, DocumentExistsError } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';

/**
 * PRIV-8: the event the erasure pipeline (issue 13) acts on, one per account in the `jobs` container. From `closedAt`
 * run the retention rules that start at closure (see the registry's `account-closure` entry): RET-1 authentication
 * data already went at closure; RET-2 account and teaching data, RET-4 learning outcomes and RET-7 identifiable usage
 * events 5 years after; RET-5 the marketing name and e-mail went with the consents (a closed account is never mailed).
 */
export interface AccountClosureDoc extends Doc {
  type: 'account-closure';
  accountId: string;
  closedAt: string;
  as: Closure['as'];
  schoolId?: string;
  /** Set by the erasure pipeline (issue 13) as it works through the rest. */
  erasure?: 'pending';
}

export const closureViewSchema = z.object({ status: z.literal('closed'), closedAt: z.string(), closedBy: z.enum(['self', 'school']) });

const closureView = (closure: Closure) => ({ status: 'closed' as const, closedAt: closure.at, closedBy: closure.as });

/** A school user's account is the school's to close (PRIV-8); everyone else closes their own. */
const isSchoolUser = (account: AccountDoc) => (account.schoolRoles ?? []).length > 0;

/**
 * Closes an account (PRIV-8), in an order that a retry completes: the ways in go first (RET-1: provider logins, the
 * password login with its hash, the personal-code index, so the person can register again), then the account is
 * marked closed with its active-session list emptied (every session ends at once: authentication reads that list),
 * the session documents follow, and the `account-closure` event is recorded for the erasure pipeline. Closing a
 * closed account answers the same again.
 */
async function close(services: Services, account: AccountDoc, closure: Omit<Closure, 'at'>, client: ClientInfo) {
  await releaseAuthenticationData(services, account);
  const at = services.clock.now().toISOString();
  const closed = await updateAccount(services, account.accountId, (doc) => {
    if (doc.closure) return doc;
    return { ...doc, status: 'closed', closure: { ...closure, at }, logins: [], activeSessions: [] };
  });
  const done = closed.closure!;
  await revokeAllSessions(services, account.accountId, 'account-closed', undefined, closed);
  const event: AccountClosureDoc = {
    id: `account-closure:${account.accountId}`,
    type: 'account-closure',
    accountId: account.accountId,
    closedAt: done.at,
    as: done.as,
    ...(done.schoolId ? { schoolId: done.schoolId } : {}),
    erasure: 'pending',
  };
  try {
    await services.db.collection('jobs').create<AccountClosureDoc>(event);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
  }
  await recordSecurityEvent(services, { name: 'account-closed', accountId: account.accountId, reason: done.as, client });
  return closureView(done);
}

/**
 * A private user closes their own account after re-authenticating (password, or a sign-in in the last minutes).
 * A school user is refused with 403 account_closed_by_school: the school's authorised person closes it.
 */
export async function closeOwnAccount(
  services: Services,
  principal: { accountId: string; sessionId: string },
  account: AccountDoc,
  password: string | undefined,
  client: ClientInfo,
) {
  if (account.closure) return closureView(account.closure);
  if (isSchoolUser(account)) throw new AppError('account_closed_by_school');
  await confirmRecentIdentity(services, principal, account, password, client);
  return close(services, account, { as: 'self', by: principal.accountId }, client);
}

/**
 * The school's administrator closes the account of a person of their school (PRIV-8). Only someone whose every
 * school role is in this school: a person another school also holds is 409 account_in_other_school (that school
 * would lose them without a say). Not one's own account (403 cannot_act_on_self).
 */
export async function closeMemberAccount(services: Services, input: { schoolId: string; accountId: string; actor: string }, client: ClientInfo) {
  if (input.accountId === input.actor) throw new AppError('cannot_act_on_self');
  const account = await readAccount(services, input.accountId);
  const schools = new Set((account?.schoolRoles ?? []).map((r) => r.schoolId));
  if (!account || !schools.has(input.schoolId)) throw new AppError('member_not_found');
  if (account.closure) return closureView(account.closure);
  if (schools.size > 1) throw new AppError('account_in_other_school');
  return close(services, account, { as: 'school', by: input.actor, schoolId: input.schoolId }, client);
}

/**
 * Closes a private user's account on a verified data-subject request (PRIV-7, PRIV-8): the privacy officer checked
 * the requester's identity, which stands in for the re-authentication of closing in the settings. A school user's
 * account stays the school's to close (403 account_closed_by_school). Closing a closed account answers the same.
 */
export async function closeAccountOnRequest(services: Services, input: { accountId: string; by: string }) {
  const account = await readAccount(services, input.accountId);
  if (!account) throw new AppError('account_not_found');
  if (account.closure) return closureView(account.closure);
  if (isSchoolUser(account)) throw new AppError('account_closed_by_school');
  return close(services, account, { as: 'self', by: input.by }, {});
}
