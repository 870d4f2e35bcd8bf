import { type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import type { AccountDoc, FamilyLink, SchoolRole } from './model.js';

type Deps = Pick<Services, 'db' | 'clock'>;

/** Reads, changes and writes an account with its ETag, retrying when someone else wrote in between. */
export async function updateAccount(
  deps: Deps,
  accountId: string,
  change: (account: AccountDoc & Stored) => AccountDoc,
  /**
   * The account as the caller just read it (with its ETag): the first attempt starts from it, saving a read. Another
   * account's document, or one without an ETag, is ignored.
   */
  known?: AccountDoc,
): Promise<AccountDoc & Stored> {
  const current = known?.accountId === accountId && '_etag' in known ? (known as AccountDoc & Stored) : undefined;
  const updated = await updateWithEtag<AccountDoc>(
    deps.db.collection('accounts'),
    accountId,
    accountId,
    (account) => {
      const next = change(account);
      return next === account ? undefined : { ...next, updatedAt: deps.clock.now().toISOString() };
    },
    { type: 'account', ...(current ? { current } : {}) },
  );
  if (!updated) throw new AppError('account_not_found');
  return updated.doc;
}

export async function readAccount(deps: Pick<Services, 'db'>, accountId: string): Promise<(AccountDoc & Stored) | undefined> {
  const account = await deps.db.collection('accounts').read<AccountDoc>(accountId, accountId);
  return account?.type === 'account' ? account : undefined;
}

const sameRole = (a: SchoolRole, b: SchoolRole) => a.schoolId === b.schoolId && a.role === b.role && (a.classId ?? '') === (b.classId ?? '');

/** Adds an active school role to the account's summary (idempotent). */
export function withSchoolRole(account: AccountDoc, role: SchoolRole): AccountDoc {
  const current = account.schoolRoles ?? [];
  if (current.some((r) => sameRole(r, role))) return withSchoolPartition(account, role.schoolId);
  return withSchoolPartition({ ...account, schoolRoles: [...current, role] }, role.schoolId);
}

/** Remembers a school that holds data about the person; kept when the role ends, so export and erasure still find it. */
export function withSchoolPartition(account: AccountDoc, schoolId: string): AccountDoc {
  const known = account.schoolPartitions ?? [];
  return known.includes(schoolId) ? account : { ...account, schoolPartitions: [...known, schoolId] };
}

/** Removes a school role from the summary: the school's access through it ends at once (ACC-4). */
export function withoutSchoolRole(account: AccountDoc, role: Pick<SchoolRole, 'schoolId' | 'role' | 'classId'>): AccountDoc {
  const current = account.schoolRoles ?? [];
  const next = current.filter((r) => !sameRole(r, role as SchoolRole));
  return next.length === current.length ? account : { ...account, schoolRoles: next };
}

export function withFamilyLink(account: AccountDoc, side: 'children' | 'parents', link: FamilyLink): AccountDoc {
  const current = account[side] ?? [];
  if (current.some((l) => l.linkId === link.linkId)) return account;
  return withSchoolPartition({ ...account, [side]: [...current, link] }, link.schoolId);
}

export function withoutFamilyLink(account: AccountDoc, side: 'children' | 'parents', linkId: string): AccountDoc {
  const current = account[side] ?? [];
  const next = current.filter((l) => l.linkId !== linkId);
  return next.length === current.length ? account : { ...account, [side]: next };
}
