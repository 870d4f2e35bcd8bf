import '../accounts/messages.js';
import type { AccountDoc, StaffRole, Suspension } from '../accounts/model.js';
import { HttpError } from '../http/errors.js';
import { queueEmail } from '../messaging/index.js';
import { updateAccount } from '../accounts/store.js';
import type { Services } from '../platform/services.js';
import type { ClientInfo } from './client-info.js';
import { securityEmail } from './emails.js';
import { recordSecurityEvent } from './security-log.js';
import { revokeAllSessions } from './sessions.js';

/** OPS-1: access is cancelled on the third breach; lifting the suspension is then refused. */
export const BREACHES_BEFORE_CANCELLATION = 3;

/** Operator staff with one of these roles may suspend and reinstate accounts (AUTH-5, OPS-1). */
const SUSPENDING_ROLES: readonly StaffRole[] = ['security', 'support'];

export async function assertStaff(services: Pick<Services, 'db'>, accountId: string, roles: readonly StaffRole[] = SUSPENDING_ROLES): Promise<AccountDoc> {
  const actor = await services.db.collection('accounts').read<AccountDoc>(accountId, accountId);
  if (!actor || actor.status !== 'active' || !(actor.staffRoles ?? []).some((r) => roles.includes(r))) throw new HttpError(403, 'staff_only');
  return actor;
}

/**
 * Suspends an account at once (AUTH-5): the status blocks new sign-ins and every session is revoked, so even a
 * still-valid access token stops working on its next request. The user is told by e-mail. Repeating it is harmless.
 */
export async function suspendAccount(
  services: Services,
  input: { accountId: string; by: string; reason: Suspension['reason']; schoolId?: string; note?: string },
  client: ClientInfo,
): Promise<{ revokedSessions: number; accessCancelledNow: boolean }> {
  const suspension: Suspension = {
    at: services.clock.now().toISOString(),
    reason: input.reason,
    by: input.by,
    ...(input.schoolId ? { schoolId: input.schoolId } : {}),
    ...(input.note ? { note: input.note } : {}),
  };
  let alreadySuspended = false;
  let cancelledBefore = false;
  const account = await updateAccount(services, input.accountId, (a) => {
    alreadySuspended = a.status === 'suspended';
    cancelledBefore = Boolean(a.accessCancelled);
    if (alreadySuspended) return a;
    // OPS-1: a leaked password is not the user's breach; the other reasons count, and the third cancels access.
    const breachCount = (a.breachCount ?? 0) + (input.reason === 'password-leak' ? 0 : 1);
    return {
      ...a,
      status: 'suspended',
      suspension,
      breachCount,
      ...(breachCount >= BREACHES_BEFORE_CANCELLATION && !a.accessCancelled ? { accessCancelled: { at: suspension.at, by: input.by } } : {}),
    };
  });
  // Revoked even when already suspended: a session created in a race with the first call must end too.
  const revokedSessions = await revokeAllSessions(services, input.accountId, 'suspended');
  if (!alreadySuspended) {
    await recordSecurityEvent(services, { name: 'suspended', accountId: input.accountId, reason: input.reason, client });
    if (account.email)
      await queueEmail(services, securityEmail('suspended', account.language, account.email, { name: account.firstName }), `suspended:${input.accountId}:${suspension.at}`);
  }
  return { revokedSessions, accessCancelledNow: !cancelledBefore && Boolean(account.accessCancelled) };
}

export async function liftSuspension(services: Services, input: { accountId: string; by: string }, client: ClientInfo): Promise<void> {
  let changed = false;
  await updateAccount(services, input.accountId, (a) => {
    if (a.accessCancelled) throw new HttpError(409, 'access_cancelled');
    changed = a.status === 'suspended';
    if (!changed) return a;
    const { suspension: _previous, ...rest } = a;
    void _previous;
    return { ...rest, status: 'active' };
  });
  if (changed) await recordSecurityEvent(services, { name: 'suspension-lifted', accountId: input.accountId, reason: `by:${input.by}`, client });
}
