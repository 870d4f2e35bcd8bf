import { z } from 'zod';

import { type AccountDoc, type Closure, readAccount, updateAccount } from '../accounts/index.js';
import { type ClientInfo, confirmRecentIdentity, recordSecurityEvent, releaseAuthenticationData, revokeAllSessions } from '../auth/index.js';
import { yearsAfter } from '../platform/calendar.js';
import { type Doc, DocumentExistsError, type Stored } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { runJob } from '../platform/jobs.js';
import type { Services } from '../platform/services.js';
import { endMembershipsOfClosedAccount, forgetFamilyOf } from '../schools/index.js';

/**
 * PRIV-8: the event the erasure pipeline (issue 13) acts on, one per account in the `jobs` container. From `closedAt`
 * run the retention rules that start at closure (see the registry's `account-closure` entry): RET-1 authentication
 * data is gone when this is written (it is written last, by the closure queue); RET-2 account and teaching data, RET-4 learning outcomes and RET-7 identifiable usage
 * events 5 years after; RET-5 the marketing name and e-mail went with the consents (a closed account is never mailed).
 */
export interface AccountClosureDoc extends Doc {
  type: 'account-closure';
  accountId: string;
  closedAt: string;
  as: Closure['as'];
  schoolId?: string;
  /**
   * When the 5 years of RET-2/RET-4/RET-7 from `closedAt` end: the daily retention job erases the subject from then on.
   * Kept as a field so the job's query is a range over one indexed value (older events lack it: the job uses closedAt).
   */
  due?: string;
  /** Pending until the erasure pipeline runs for the account; it removes this event with the subject's `jobs` partition. */
  erasure?: 'pending';
}

/** RET-2, RET-4, RET-7: account and teaching data, learning outcomes and identifiable usage events are kept 5 years after closure. */
export const CLOSURE_RETENTION_YEARS = 5;

export const closureViewSchema = z.object({ status: z.literal('closed'), closedAt: z.string(), closedBy: z.enum(['self', 'school', 'inactivity']) });

const closureView = (closure: Closure) => ({ status: 'closed' as const, closedAt: closure.at, closedBy: closure.as });

/** A school user's account is the school's to close (PRIV-8); everyone else closes their own. */
const isSchoolUser = (account: AccountDoc) => (account.schoolRoles ?? []).length > 0;

/** What the closure queue gets: whose closure to complete, and the client that asked (for the security log, AUTH-4). */
export const accountClosureWorkSchema = z.object({
  accountId: z.string().min(1),
  client: z.object({ ip: z.string().optional(), country: z.string().optional(), browser: z.string().optional() }),
});
type ClosureWork = z.infer<typeof accountClosureWorkSchema>;

const closureEventId = (accountId: string) => `account-closure:${accountId}`;

/** One message per account: Service Bus drops a repeat within its window, and the queue function recognises its own work. */
const queueClosureWork = (services: Pick<Services, 'bus'>, work: ClosureWork) =>
  services.bus.send('account-closure', { body: work, messageId: closureEventId(work.accountId) });

/**
 * Closes an account (PRIV-8). In the request only what the promise "at once" needs: the account is marked closed with
 * its active-session list emptied, and since every request authenticates by reading that one document, every session
 * and every sign-in (which refuses a closed account) ends with this one write. The rest (the login indexes with the
 * password hash, the session documents, the security log and the `account-closure` event) is queued to
 * `completeAccountClosure`. Closing a closed account answers the same and queues the rest again (a lost message).
 */
async function close(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  account: AccountDoc & Partial<Stored>,
  closure: Omit<Closure, 'at'>,
  client: ClientInfo,
) {
  const at = services.clock.now().toISOString();
  const closed = await updateAccount(
    services,
    account.accountId,
    (doc) => (doc.closure ? doc : { ...doc, status: 'closed', closure: { ...closure, at }, activeSessions: [] }),
    account,
  );
  await queueClosureWork(services, { accountId: account.accountId, client });
  return closureView(closed.closure!);
}

/**
 * The queued rest of a closure (PRIV-8, RET-1), safe to repeat and to resume after a run killed half-way: the
 * `account-closure` event is written last, so finding it means the work is done and a repeated message changes
 * nothing; every step before it leaves alone what an earlier run already did (a released login index is not found
 * again, a revoked session is no longer active). Only a run killed between the security log and the event logs twice.
 */
export async function completeAccountClosure(services: Services, work: ClosureWork): Promise<void> {
  const { accountId } = work;
  const jobs = services.db.collection('jobs');
  if (await jobs.read<AccountClosureDoc>(closureEventId(accountId), accountId)) return markCompleted(services, accountId);
  const account = await readAccount(services, accountId);
  // Not closed (or gone): nothing of ours to complete.
  if (!account?.closure) return;
  // RET-1: provider logins, the password login with its hash, the personal-code index: the person can register again.
  const released = await releaseAuthenticationData(services, account);
  // The count stays with the closure (the logins list empties here): the erasure's evidence counts the indexes released.
  const cleared = await updateAccount(
    services,
    accountId,
    (doc) =>
      doc.logins?.length || (doc.closure && doc.closure.loginIndexesReleased === undefined)
        ? {
            ...doc,
            logins: [],
            ...(doc.closure ? { closure: { ...doc.closure, loginIndexesReleased: doc.closure.loginIndexesReleased ?? released } } : {}),
          }
        : doc,
    account,
  );
  await revokeAllSessions(services, accountId, 'account-closed', undefined, cleared);
  // The school's lists show active people only: the closed person leaves them as on an ended role.
  await endMembershipsOfClosedAccount(services, account);
  const done = account.closure;
  await recordSecurityEvent(services, { name: 'account-closed', accountId, reason: done.as, client: work.client });
  const event: AccountClosureDoc = {
    id: closureEventId(accountId),
    type: 'account-closure',
    accountId,
    closedAt: done.at,
    due: yearsAfter(new Date(done.at), CLOSURE_RETENTION_YEARS).toISOString(),
    as: done.as,
    ...(done.schoolId ? { schoolId: done.schoolId } : {}),
    erasure: 'pending',
  };
  try {
    await jobs.create<AccountClosureDoc>(event);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
  }
  await markCompleted(services, accountId);
}

/** Notes on the closed account that its queued work is done, so the recovery sweep leaves it (idempotent). */
async function markCompleted(services: Services, accountId: string): Promise<void> {
  const at = services.clock.now().toISOString();
  await updateAccount(services, accountId, (doc) =>
    doc.closure && !doc.closure.completedAt ? { ...doc, closure: { ...doc.closure, completedAt: at } } : doc,
  );
}

/** A closure's queued work not done this long after the closure is taken to be lost (its message never sent). */
const CLOSURE_GRACE_MINUTES = 30;
const SWEEP_PAGE = 100;

/**
 * PRIV-8 recovery (`closure-sweep` timer, a `runJob` job per hour): closed accounts whose queued work was never done
 * (the send failed after the account was marked closed, and a self-closure cannot be repeated: its sessions ended
 * with it) are queued again. A cross-partition query over `accounts`, paged and checkpointed by the job runner, only
 * in this job; the message id names the hour, so a message still in the queue is not replaced by a duplicate and the
 * next hour tries again.
 */
export async function sweepUnfinishedClosures(services: Services, now: Date): Promise<Record<string, number>> {
  const hour = now.toISOString().slice(0, 13);
  const before = new Date(now.getTime() - CLOSURE_GRACE_MINUTES * 60_000).toISOString();
  const { job, ran } = await runJob(services, { name: 'closure-sweep', period: hour }, async (checkpoint) => {
    const page = await services.db.collection('accounts').crossPartitionQuery<{
      accountId: string;
    }>("SELECT c.accountId FROM c WHERE c.type = 'account' AND IS_DEFINED(c.closure) AND NOT IS_DEFINED(c.closure.completedAt) AND c.closure.at < @before", [{ name: '@before', value: before }], checkpoint, SWEEP_PAGE);
    for (const { accountId } of page.items)
      await services.bus.send('account-closure', {
        body: { accountId, client: {} } satisfies ClosureWork,
        messageId: `${closureEventId(accountId)}:sweep:${hour}`,
      });
    return { counts: { requeued: page.items.length }, next: page.continuation };
  });
  return ran ? job.counts : {};
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
  if (account.closure) {
    await queueClosureWork(services, { accountId: account.accountId, client });
    return closureView(account.closure);
  }
  if (schools.size > 1) throw new AppError('account_in_other_school');
  return close(services, account, { as: 'school', by: input.actor, schoolId: input.schoolId }, client);
}

/**
 * RET-9: the yearly closure of an account nobody has signed in to for 5 years, a month after its notice. The system
 * acts, not a person, so there is no re-authentication and no client; otherwise the same closure as PRIV-8.
 */
export async function closeAccountForInactivity(services: Services, accountId: string) {
  const account = await readAccount(services, accountId);
  if (!account) return undefined;
  if (account.closure) return closureView(account.closure);
  return close(services, account, { as: 'inactivity', by: 'system' }, {});
}

/**
 * PRIV-3: an erasure on request closes the account first and completes the closure at once (the erasure must not
 * wait for the closure queue): its request was verified, and a student's had the school's consent, so a school user
 * is closed as by the school. Idempotent like the closure itself; nothing when the account is gone.
 */
export async function closeAccountForErasure(services: Services, input: { accountId: string; by: string }): Promise<void> {
  const account = await readAccount(services, input.accountId);
  if (!account) return;
  if (!account.closure) await close(services, account, { as: isSchoolUser(account) ? 'school' : 'self', by: input.by }, {});
  await completeAccountClosure(services, { accountId: input.accountId, client: {} });
  // The linked accounts' entries carry this person's names: they go before the account does.
  await forgetFamilyOf(services, account);
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
