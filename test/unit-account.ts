import type { AccountDoc } from '../shared/accounts/index.js';
import type { Clock } from '../shared/platform/clock.js';
import type { Database } from '../shared/platform/cosmos.js';

/** An active Estonian account written straight to the store, for unit tests against the embedded Cosmos server. */
export function writeTestAccount(db: Database, clock: Clock, id: string, extra: Partial<AccountDoc> = {}): Promise<AccountDoc> {
  const at = clock.now().toISOString();
  return db.collection('accounts').upsert<AccountDoc>({
    id,
    type: 'account',
    accountId: id,
    status: 'active',
    firstName: 'Mari',
    lastName: 'Maasikas',
    language: 'et',
    country: 'EE',
    createdAt: at,
    updatedAt: at,
    activeSessions: [],
    ...extra,
  });
}
