import { type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError, isAppError } from '../platform/errors.js';
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

/** Adds a confirmed link (idempotent), with the list an ending marks it in (so that mark is one patch, no read). */
export function withFamilyLink(account: AccountDoc, side: 'children' | 'parents', link: FamilyLink): AccountDoc {
  const current = account[side] ?? [];
  if (current.some((l) => l.linkId === link.linkId) && account.endedFamilyLinks) return account;
  const linked = current.some((l) => l.linkId === link.linkId) ? current : [...current, link];
  return withSchoolPartition({ ...account, [side]: linked, endedFamilyLinks: account.endedFamilyLinks ?? [] }, link.schoolId);
}

/** Takes an ended link off the account, and its mark (idempotent). */
export function withoutFamilyLink(account: AccountDoc, side: 'children' | 'parents', linkId: string): AccountDoc {
  const current = account[side] ?? [];
  const next = current.filter((l) => l.linkId !== linkId);
  const marks = account.endedFamilyLinks ?? [];
  const unmarked = marks.filter((id) => id !== linkId);
  if (next.length === current.length && unmarked.length === marks.length) return account;
  return { ...account, [side]: next, ...(account.endedFamilyLinks ? { endedFamilyLinks: unmarked } : {}) };
}

/** The linked person's current names on this account's entry for them (a rename copied; unchanged when they match). */
export function withFamilyNames(
  account: AccountDoc,
  side: 'children' | 'parents',
  person: Pick<AccountDoc, 'accountId' | 'firstName' | 'lastName'>,
): AccountDoc {
  const current = account[side] ?? [];
  const stale = (l: FamilyLink) => l.accountId === person.accountId && (l.firstName !== person.firstName || l.lastName !== person.lastName);
  if (!current.some(stale)) return account;
  return { ...account, [side]: current.map((l) => (stale(l) ? { ...l, firstName: person.firstName, lastName: person.lastName } : l)) };
}

/**
 * Marks a link ended on one account with one patch and no read (issue 11): `familyLinks` leaves it out at once, the
 * entry itself goes queued. A repeat appends the id again, which means the same. An account written before the mark
 * list existed has no list to append to (Cosmos refuses the path): it is read and written instead; one already gone
 * (erased) needs nothing.
 */
export async function markFamilyLinkEnded(deps: Deps, accountId: string, linkId: string): Promise<void> {
  try {
    await deps.db.collection('accounts').patch(accountId, accountId, [{ op: 'add', path: '/endedFamilyLinks/-', value: linkId }]);
  } catch (error) {
    const status = (error as { code?: number }).code;
    if (status === 404) return;
    if (status !== 400) throw error;
    await updateAccount(deps, accountId, (a) =>
      (a.endedFamilyLinks ?? []).includes(linkId) ? a : { ...a, endedFamilyLinks: [...(a.endedFamilyLinks ?? []), linkId] },
    ).catch((e: unknown) => {
      if (!isAppError(e, 'account_not_found')) throw e;
    });
  }
}
