import { type AccountDoc, defaultPrivacy, familyLinksOf, isMinorAccount, needsParentForConsent } from '../accounts/index.js';
import { type Capability, type Role, rowOf, type Scope, WITHDRAWING_PUBLISHER_ROLES } from './capabilities.js';

/** What a request is about: the wrapper derives it from the route's parameters. */
export interface Target {
  accountId?: string;
  schoolId?: string;
  classId?: string;
  subject?: string;
  publisherId?: string;
}

export interface Grant {
  role: Role;
  scope: Scope;
  /** For school scopes: the school the grant is in. */
  schoolId?: string;
}

/** The roles a person holds, from their account document (kept current when memberships and links change). */
export function rolesOf(account: AccountDoc): Set<Role> {
  const held = new Set<Role>(['user']);
  for (const r of account.schoolRoles ?? []) held.add(r.role);
  if (familyLinksOf(account, 'children').length > 0) held.add('parent');
  if ((account.publisherRoles ?? []).length > 0) held.add('cmsUser');
  for (const r of account.staffRoles ?? []) held.add(r);
  if (account.municipality) held.add('municipality');
  if (!account.schoolRoles?.length && !account.publisherRoles?.length && !account.staffRoles?.length && !account.municipality)
    held.add('privateUser');
  return held;
}

/**
 * The grants the capability table gives this person for this target; empty means 403. `loadAccount` reads a
 * child's account for the parent scopes (their privacy settings apply at once, ACC-4); `now` decides who is a minor.
 */
export async function authorize(
  account: AccountDoc,
  capability: Capability,
  target: Target,
  loadAccount: (accountId: string) => Promise<AccountDoc | undefined>,
  now: Date = new Date(),
): Promise<Grant[]> {
  const held = rolesOf(account);
  const grants: Grant[] = [];
  for (const [role, scope] of Object.entries(rowOf(capability)) as [Role, Scope][]) {
    if (!held.has(role)) continue;
    switch (scope) {
      case 'own':
        if (!target.accountId || target.accountId === account.accountId) grants.push({ role, scope });
        break;
      case 'ownSchool': {
        if (!target.schoolId) break;
        const inSchool =
          role === 'municipality'
            ? account.municipality?.schoolIds.includes(target.schoolId)
            : (account.schoolRoles ?? []).some((r) => r.role === role && r.schoolId === target.schoolId);
        if (inSchool) grants.push({ role, scope, schoolId: target.schoolId });
        break;
      }
      case 'ownClass':
        if (
          target.schoolId &&
          target.classId &&
          (account.schoolRoles ?? []).some((r) => r.role === 'classTeacher' && r.schoolId === target.schoolId && r.classId === target.classId)
        )
          grants.push({ role, scope, schoolId: target.schoolId });
        break;
      case 'ownSubject':
        if (
          target.schoolId &&
          target.subject &&
          (account.schoolRoles ?? []).some((r) => r.role === role && r.schoolId === target.schoolId && (r.subjects ?? []).includes(target.subject!))
        )
          grants.push({ role, scope, schoolId: target.schoolId });
        break;
      case 'ownChild': {
        const link = target.accountId ? familyLinksOf(account, 'children').find((c) => c.accountId === target.accountId) : undefined;
        if (!link) break;
        const child = await loadAccount(link.accountId);
        if (
          child &&
          (child.privacy ?? defaultPrivacy).shareWithParents &&
          familyLinksOf(child, 'parents').some((p) => p.accountId === account.accountId)
        )
          grants.push({ role, scope, schoolId: link.schoolId });
        break;
      }
      case 'ownMinorChild': {
        const link = target.accountId ? familyLinksOf(account, 'children').find((c) => c.accountId === target.accountId) : undefined;
        if (!link) break;
        const child = await loadAccount(link.accountId);
        if (child && isMinorAccount(child, now) === true && familyLinksOf(child, 'parents').some((p) => p.accountId === account.accountId))
          grants.push({ role, scope, schoolId: link.schoolId });
        break;
      }
      case 'ownYoungChild': {
        const link = target.accountId ? familyLinksOf(account, 'children').find((c) => c.accountId === target.accountId) : undefined;
        if (!link) break;
        const child = await loadAccount(link.accountId);
        if (child && needsParentForConsent(child, now) && familyLinksOf(child, 'parents').some((p) => p.accountId === account.accountId))
          grants.push({ role, scope, schoolId: link.schoolId });
        break;
      }
      case 'publisher':
        if (target.publisherId && (account.publisherRoles ?? []).some((r) => r.publisherId === target.publisherId)) grants.push({ role, scope });
        break;
      case 'publisherEditor':
        if (
          target.publisherId &&
          (account.publisherRoles ?? []).some((r) => r.publisherId === target.publisherId && WITHDRAWING_PUBLISHER_ROLES.includes(r.role))
        )
          grants.push({ role, scope });
        break;
      case 'staff':
        grants.push({ role, scope });
        break;
    }
  }
  return grants;
}
