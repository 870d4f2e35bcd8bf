import { createHash } from 'node:crypto';

import { readAccount } from '../accounts/index.js';
import { queueEmail } from '../messaging/index.js';
import type { Services } from '../platform/services.js';
import { accountNotice } from './emails.js';

/**
 * E-mails the account's owner about a change to the ways into their account (a login linked or removed, the personal
 * code changed), so a takeover attempt does not go unnoticed. Accounts hold only verified addresses.
 */
export async function tellOwner(
  services: Pick<Services, 'db' | 'bus'>,
  accountId: string,
  kind: Parameters<typeof accountNotice>[0],
  key: string,
  vars: { provider?: string; bySchool?: boolean } = {},
): Promise<void> {
  const account = await readAccount(services, accountId);
  if (!account?.email) return;
  await queueEmail(
    services,
    {
      ...accountNotice(kind, account.language, account.email, { name: account.firstName, ...vars }),
      country: account.country,
      language: account.language,
    },
    `${kind}:${messageKey(`${accountId}:${key}`)}`,
  );
}

/** Idempotency keys become message ids (visible in queues and dead letters): hashed, so no login subject shows. */
export const messageKey = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 32);
