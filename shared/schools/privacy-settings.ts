import { type AccountDoc, defaultPrivacy, familyLinksOf, isMinorAccount, type PrivacySettings, updateAccount } from '../accounts/index.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import type { PrivacyView } from './model.js';

/**
 * ACC-3, ACC-4: a child under 18 with a confirmed parent has their privacy settings managed by the parent; everyone
 * else (adults, and people whose age is not known) manages their own.
 */
export function privacyManagedByParent(account: Pick<AccountDoc, 'personalCode' | 'birthDate' | 'parents'>, now: Date): boolean {
  return familyLinksOf(account, 'parents').length > 0 && isMinorAccount(account, now) === true;
}

export function privacyView(account: AccountDoc, now: Date): PrivacyView {
  const p = account.privacy ?? defaultPrivacy;
  return {
    shareWithParents: p.shareWithParents,
    shareWithPublishers: p.shareWithPublishers,
    ...(p.updatedAt ? { updatedAt: p.updatedAt } : {}),
    ...(p.updatedBy ? { updatedBy: p.updatedBy } : {}),
    managedByParent: privacyManagedByParent(account, now),
  };
}

export type PrivacyChoice = Pick<PrivacySettings, 'shareWithParents' | 'shareWithPublishers'>;

/**
 * Changes a person's privacy settings, recording who did it and when. They take effect at once: access checks read
 * the settings from the account on every request (ACC-4).
 * - `by: 'self'`: refused with 403 privacy_managed_by_parent for a minor whose parent link is confirmed;
 * - `by: { parent }`: only for a minor child whose confirmed parent the caller is (the capability table checked
 *   that already; it is checked again here on the fresh document).
 */
export async function setPrivacy(
  deps: Pick<Services, 'db' | 'clock'>,
  accountId: string,
  choice: PrivacyChoice,
  by: 'self' | { parent: string },
): Promise<AccountDoc> {
  return updateAccount(deps, accountId, (account) => {
    const now = deps.clock.now();
    if (by === 'self' && privacyManagedByParent(account, now)) throw new AppError('privacy_managed_by_parent');
    if (by !== 'self' && !(privacyManagedByParent(account, now) && familyLinksOf(account, 'parents').some((p) => p.accountId === by.parent)))
      throw new AppError('forbidden');
    const current = account.privacy ?? defaultPrivacy;
    if (current.shareWithParents === choice.shareWithParents && current.shareWithPublishers === choice.shareWithPublishers && current.updatedAt)
      return account;
    return {
      ...account,
      privacy: {
        shareWithParents: choice.shareWithParents,
        shareWithPublishers: choice.shareWithPublishers,
        updatedAt: now.toISOString(),
        updatedBy: by === 'self' ? accountId : by.parent,
      },
    };
  });
}
