import type { Access } from '../http/define-http.js';
import { HttpError } from '../http/errors.js';

/**
 * Shop operations (invoice payments, stopping a work, cancelling orders) are for operator staff with the support
 * role. The route's capability lets operator staff through the wrapper; this narrows it to support, using the
 * account the wrapper already read (no extra read).
 */
export function assertStoreStaff(access: Access): string {
  if (!(access.account.staffRoles ?? []).includes('support')) throw new HttpError(403, 'staff_only');
  return access.account.accountId;
}
