import { type AccountDoc, readAccount, type Suspension, updateAccount } from '../accounts/index.js';
import { type Capability, recordStaffAccess } from '../acl/index.js';
import { type ClientInfo, measureEmail, recordSecurityEvent, revokeAllSessions } from '../auth/index.js';
import { queueEmail } from '../messaging/index.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { closeCases, openCases, schoolsInvolved } from '../schools/index.js';

/** OPS-1: access is cancelled on the third breach; lifting the suspension is then refused. */
const BREACHES_BEFORE_CANCELLATION = 3;

/**
 * Who may act on whom (issue 17, roles broader than tasks): nobody suspends or reinstates themselves, and only
 * security staff act on security staff (support could otherwise lock out the people who investigate them).
 */
function assertMayActOn(actor: AccountDoc, target: AccountDoc): void {
  if (actor.accountId === target.accountId) throw new AppError('cannot_act_on_self');
  if ((target.staffRoles ?? []).includes('security') && !(actor.staffRoles ?? []).includes('security'))
    throw new AppError('cannot_act_on_security_staff');
}

/**
 * ACL-7: staff acting on a person's account leave an entry in that person's audit log, as the organisations acts do
 * (the security log keeps the measure for the operator; the audit log is what the person reads at GET /me/audit).
 * Only acts that changed something are written: repeating a suspension adds nothing.
 */
async function auditStaffAct(services: Services, staffAccountId: string, subjectId: string, correlationId: string, action: string): Promise<void> {
  await recordStaffAccess(services, { subjectId, staffAccountId, capability: 'ops.account.suspend', correlationId, action });
}

/**
 * OPS-1: a read-only account writes only its own settings (capability self.update: profile, privacy, password,
 * logins, support requests); everything others would see or act on is refused.
 */
export function blockedByRestriction(account: AccountDoc, capability: Capability): boolean {
  return account.restriction?.mode === 'read-only' && capability !== 'self.update' && capability !== 'public';
}

/**
 * Suspends an account at once (AUTH-5): the status blocks new sign-ins and every session is revoked, so even a
 * still-valid access token stops working on its next request. Or, for misuse, restricts it to read-only (OPS-1).
 * The user is told by e-mail with the real reason category; the schools where they hold a role get a case their
 * administrators are e-mailed about, can see and comment on. Repeating it is harmless.
 */
export async function suspendAccount(
  services: Services,
  input: {
    accountId: string;
    actor: AccountDoc;
    reason: Suspension['reason'];
    mode?: 'suspend' | 'read-only';
    schoolId?: string;
    note?: string;
    correlationId: string;
  },
  client: ClientInfo,
): Promise<{ revokedSessions: number; accessCancelledNow: boolean; cases: string[] }> {
  const target = await readAccount(services, input.accountId);
  if (!target) throw new AppError('account_not_found');
  assertMayActOn(input.actor, target);
  // A leaked password is not misuse: the school is involved only when the operator names it.
  const schoolIds = input.reason === 'password-leak' && !input.schoolId ? [] : schoolsInvolved(target, input.schoolId);
  const by = input.actor.accountId;
  const at = services.clock.now().toISOString();
  if (input.mode === 'read-only')
    return restrictAccount(
      services,
      {
        target,
        reason: input.reason,
        by,
        at,
        schoolIds,
        correlationId: input.correlationId,
        ...(input.schoolId ? { schoolId: input.schoolId } : {}),
        ...(input.note ? { note: input.note } : {}),
      },
      client,
    );

  const suspension: Suspension = {
    at,
    reason: input.reason,
    by,
    ...(input.schoolId ? { schoolId: input.schoolId } : {}),
    ...(input.note ? { note: input.note } : {}),
  };
  let alreadySuspended = false;
  let cancelledBefore = false;
  let listedSessions = 0;
  const account = await updateAccount(
    services,
    input.accountId,
    (a) => {
      alreadySuspended = a.status === 'suspended';
      cancelledBefore = Boolean(a.accessCancelled);
      listedSessions = 0;
      if (alreadySuspended) return a;
      listedSessions = a.activeSessions?.length ?? 0;
      // OPS-1: a leaked password is not the user's breach; the other reasons count, and the third cancels access.
      const breachCount = (a.breachCount ?? 0) + (input.reason === 'password-leak' ? 0 : 1);
      return {
        ...a,
        status: 'suspended',
        suspension,
        breachCount,
        ...(breachCount >= BREACHES_BEFORE_CANCELLATION && !a.accessCancelled ? { accessCancelled: { at: suspension.at, by } } : {}),
        // The session list emptied in the same write (issue 11: one write ends them all; the documents follow queued).
        activeSessions: [],
      };
    },
    target,
  );
  // Revoked even when already suspended: a session created in a race with the first call must end too. From the
  // account just written (its ETag saves a read; an emptied list writes nothing more).
  const revokedSessions = listedSessions + (await revokeAllSessions(services, input.accountId, 'suspended', undefined, account));
  let cases: string[] = [];
  if (!alreadySuspended) {
    await recordSecurityEvent(services, { name: 'suspended', accountId: input.accountId, reason: input.reason, client });
    await auditStaffAct(services, by, input.accountId, input.correlationId, `account.suspend:${input.reason}`);
    cases = await openCases(services, {
      account,
      schoolIds,
      measure: 'suspended',
      reason: input.reason,
      by,
      at,
      ...(input.note ? { note: input.note } : {}),
    });
    if (account.email)
      await queueEmail(
        services,
        {
          ...measureEmail('suspended', input.reason, account.language, account.email, { name: account.firstName, withSchool: schoolIds.length > 0 }),
          country: account.country,
          language: account.language,
        },
        `suspended:${input.accountId}:${suspension.at}`,
      );
  }
  return { revokedSessions, accessCancelledNow: !cancelledBefore && Boolean(account.accessCancelled), cases };
}

async function restrictAccount(
  services: Services,
  input: {
    target: AccountDoc;
    reason: Suspension['reason'];
    by: string;
    at: string;
    schoolIds: string[];
    correlationId: string;
    schoolId?: string;
    note?: string;
  },
  client: ClientInfo,
): Promise<{ revokedSessions: number; accessCancelledNow: boolean; cases: string[] }> {
  // Read-only is for misuse; a leaked password needs the sessions ended (a suspension).
  if (input.reason === 'password-leak')
    throw new AppError('validation_failed', { details: [{ path: 'mode', issue: 'read-only is for misuse; suspend for a password leak' }] });
  const reason = input.reason;
  let already = false;
  const account = await updateAccount(services, input.target.accountId, (a) => {
    already = a.restriction !== undefined || a.status === 'suspended';
    if (already) return a;
    return {
      ...a,
      restriction: {
        mode: 'read-only',
        reason,
        at: input.at,
        by: input.by,
        ...(input.schoolId ? { schoolId: input.schoolId } : {}),
        ...(input.note ? { note: input.note } : {}),
      },
    };
  });
  if (already) return { revokedSessions: 0, accessCancelledNow: false, cases: [] };
  await recordSecurityEvent(services, { name: 'suspended', accountId: account.accountId, reason: `read-only:${reason}`, client });
  await auditStaffAct(services, input.by, account.accountId, input.correlationId, `account.read-only:${reason}`);
  const cases = await openCases(services, {
    account,
    schoolIds: input.schoolIds,
    measure: 'read-only',
    reason,
    by: input.by,
    at: input.at,
    ...(input.note ? { note: input.note } : {}),
  });
  if (account.email)
    await queueEmail(
      services,
      {
        ...measureEmail('read-only', reason, account.language, account.email, { name: account.firstName, withSchool: input.schoolIds.length > 0 }),
        country: account.country,
        language: account.language,
      },
      `restricted:${account.accountId}:${input.at}`,
    );
  return { revokedSessions: 0, accessCancelledNow: false, cases };
}

/** Lifts a suspension or a read-only restriction once it is cleared; the schools' cases are closed. */
export async function liftSuspension(
  services: Services,
  input: { accountId: string; actor: AccountDoc; correlationId: string },
  client: ClientInfo,
): Promise<void> {
  const target = await readAccount(services, input.accountId);
  if (!target) throw new AppError('account_not_found');
  assertMayActOn(input.actor, target);
  let changed = false;
  let schoolIds: string[] = [];
  await updateAccount(
    services,
    input.accountId,
    (a) => {
      if (a.accessCancelled) throw new AppError('access_cancelled');
      changed = a.status === 'suspended' || a.restriction !== undefined;
      if (!changed) return a;
      schoolIds = [
        ...new Set([
          ...(a.schoolRoles ?? []).map((r) => r.schoolId),
          ...[a.suspension?.schoolId, a.restriction?.schoolId].filter((s): s is string => Boolean(s)),
        ]),
      ];
      const { suspension: _previous, restriction: _restriction, ...rest } = a;
      void _previous;
      void _restriction;
      return { ...rest, status: 'active' };
    },
    target,
  );
  if (changed) {
    await recordSecurityEvent(services, { name: 'suspension-lifted', accountId: input.accountId, reason: `by:${input.actor.accountId}`, client });
    await auditStaffAct(services, input.actor.accountId, input.accountId, input.correlationId, 'account.reinstate');
    await closeCases(services, target, schoolIds);
  }
}
