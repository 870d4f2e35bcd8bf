import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { type AccountDoc, readAccount, type SchoolRoleName, updateAccount, withoutSchoolRole } from '../accounts/index.js';
import type { Grant } from '../acl/index.js';
import { claimPersonalCode, releasePersonalCode, tellOwner } from '../auth/index.js';
import { BATCH_LIMIT, type Doc, type Page, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { accountWithSchoolEntitlements, dropSchoolPeriods, entitlementsWithoutPeriods } from '../store/index.js';
import { copyNamesToFamily } from './parent-links.js';

/** A person's role in a school. The name and e-mail are a snapshot kept current on rectification. */
export interface MembershipDoc extends Doc {
  type: 'membership';
  schoolId: string;
  accountId: string;
  role: SchoolRoleName;
  classId?: string;
  subjects?: string[];
  status: 'active' | 'ended';
  since: string;
  endedAt?: string;
  endedBy?: string;
  invitedBy?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

/** A person of the school as the caller may see them (names and e-mail only where the grant allows). */
export const memberViewSchema = z.object({
  accountId: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  roles: z.array(
    z.object({
      role: z.enum(['student', 'teacher', 'classTeacher', 'schoolAdmin']),
      classId: z.string().optional(),
      subjects: z.array(z.string()).optional(),
    }),
  ),
});

export interface MemberView {
  accountId: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  roles: { role: SchoolRoleName; classId?: string; subjects?: string[] }[];
}

export async function activeMemberships(deps: Pick<Services, 'db'>, schoolId: string, accountId?: string): Promise<MembershipDoc[]> {
  return deps.db.collection('schools').queryAll<MembershipDoc>(schoolId, {
    where: `c.type = 'membership' AND c.status = 'active'${accountId ? ' AND c.accountId = @accountId' : ''}`,
    parameters: accountId ? [{ name: '@accountId', value: accountId }] : [],
  });
}

/**
 * One page of the school's active memberships the caller may see (teachers: students only), optionally of one class,
 * ordered by account so that a person's roles are adjacent: one single-partition query per page.
 */
export async function pageMemberships(
  deps: Pick<Services, 'db' | 'config'>,
  schoolId: string,
  grants: Grant[],
  filter: { classId?: string | undefined },
  page: PageRequest,
): Promise<Page<MembershipDoc>> {
  const admin = grants.some((g) => g.role === 'schoolAdmin');
  return pageOf<MembershipDoc>(
    deps,
    {
      container: 'schools',
      partitionKey: schoolId,
      where: `c.type = 'membership' AND c.status = 'active'${admin ? '' : " AND c.role = 'student'"}${filter.classId ? ' AND c.classId = @classId' : ''}`,
      parameters: filter.classId ? [{ name: '@classId', value: filter.classId }] : [],
      orderBy: 'c.accountId',
      defaultPageSize: 100,
    },
    page,
  );
}

/**
 * The school's people as the caller may see them: administrators everyone with names, roles, classes and e-mails
 * (ACL-1); teachers only the students, with names, classes and e-mails (ACL-2). Ended roles are gone (ACC-4).
 */
export function visibleMembers(memberships: MembershipDoc[], grants: Grant[]): MemberView[] {
  const admin = grants.some((g) => g.role === 'schoolAdmin');
  const byAccount = new Map<string, MemberView>();
  for (const m of memberships) {
    if (!admin && m.role !== 'student') continue;
    const view = byAccount.get(m.accountId) ?? {
      accountId: m.accountId,
      ...(m.firstName ? { firstName: m.firstName } : {}),
      ...(m.lastName ? { lastName: m.lastName } : {}),
      ...(m.email ? { email: m.email } : {}),
      roles: [],
    };
    view.roles.push({ role: m.role, ...(m.classId ? { classId: m.classId } : {}), ...(admin && m.subjects ? { subjects: m.subjects } : {}) });
    byAccount.set(m.accountId, view);
  }
  return [...byAccount.values()].sort((a, b) => `${a.lastName} ${a.firstName}`.localeCompare(`${b.lastName} ${b.firstName}`, 'et'));
}

/**
 * PRIV-8: a closed account's memberships end with it (ended by 'account-closed'), so the school's member and class
 * lists, which show active people only, drop the person as they do on an ended role; the roles stay on the closed
 * account as the record of who closed it. Safe to repeat: an ended membership is not found again.
 */
export async function endMembershipsOfClosedAccount(deps: Pick<Services, 'db' | 'clock'>, account: AccountDoc): Promise<number> {
  const schoolIds = new Set((account.schoolRoles ?? []).map((r) => r.schoolId));
  let ended = 0;
  for (const schoolId of schoolIds)
    for (const membership of await activeMemberships(deps, schoolId, account.accountId)) {
      await updateWithEtag<MembershipDoc>(
        deps.db.collection('schools'),
        membership.id,
        schoolId,
        (m) => (m.status === 'ended' ? undefined : { ...m, status: 'ended', endedAt: deps.clock.now().toISOString(), endedBy: 'account-closed' }),
        { type: 'membership', current: membership as MembershipDoc & Stored },
      );
      ended += 1;
    }
  return ended;
}

/**
 * Ends a role: the membership is marked ended and the role leaves the person's account at once, so the school's
 * access through it ends immediately (ACC-4). Ending an already ended role is harmless (false: nothing to end); a
 * retry of an ending that stopped after ending the memberships (its role still on the account, or a school period
 * still given through one) finishes it.
 */
export async function endRole(
  deps: Pick<Services, 'db' | 'clock' | 'bus'>,
  input: { schoolId: string; accountId: string; role: SchoolRoleName; classId?: string; by: string },
): Promise<boolean> {
  const schools = deps.db.collection('schools');
  const memberships = await roleMemberships(deps, input);
  const active = memberships.filter((m) => m.status === 'active');
  // The memberships a closed account's closure ended keep its roles on the account as the record (PRIV-8).
  const earlier = memberships.filter((m) => m.status === 'ended' && m.endedBy !== 'account-closed');
  if (active.length === 0 && earlier.length === 0) return false;
  // A concurrent change is re-read and the membership still ended (ending an ended one writes nothing).
  for (const membership of active)
    await updateWithEtag<MembershipDoc>(
      schools,
      membership.id,
      input.schoolId,
      (m) => (m.status === 'ended' ? undefined : { ...m, status: 'ended', endedAt: deps.clock.now().toISOString(), endedBy: input.by }),
      { type: 'membership', current: membership },
    );
  // The account and its school-licensed entitlements in one query (issue 11), each then written from that read.
  const { account, entitlements } = await accountWithSchoolEntitlements<AccountDoc>(deps, input.accountId);
  const candidates = active.length > 0 ? active : earlier.filter((m) => stillGiving(m, account, entitlements));
  if (candidates.length === 0) return false;
  const withoutRoles = (a: AccountDoc) =>
    candidates.reduce(
      (next, m) => withoutSchoolRole(next, { schoolId: input.schoolId, role: input.role, ...(m.classId ? { classId: m.classId } : {}) }),
      a,
    );
  const membershipIds = candidates.map((m) => m.id);
  // The role summary and the school licence periods these roles gave leave together, at once (ACC-4: the role's
  // access ends); what a batch could not write (it met a change) is written one by one below, re-read where it changed.
  const unwritten = account
    ? await writeRoleEndTogether(
        deps,
        account,
        withoutRoles(account),
        entitlementsWithoutPeriods(deps, { schoolId: input.schoolId, membershipIds, known: entitlements }),
      )
    : { account: true, entitlementIds: new Set<string>() };
  if (unwritten.account) await updateAccount(deps, input.accountId, withoutRoles, account);
  // Also queues the member sync (another role may still entitle the person, a freed seat goes to the next student).
  await dropSchoolPeriods(deps, {
    accountId: input.accountId,
    schoolId: input.schoolId,
    membershipIds,
    known: entitlements.filter((e) => unwritten.entitlementIds.has(e.id)),
  });
  return true;
}

/** The person's memberships of the role in the school (of the class, when named), active and ended: one query. */
async function roleMemberships(
  deps: Pick<Services, 'db'>,
  input: { schoolId: string; accountId: string; role: SchoolRoleName; classId?: string },
): Promise<(MembershipDoc & Stored)[]> {
  return deps.db.collection('schools').queryAll<MembershipDoc & Stored>(input.schoolId, {
    where: `c.type = 'membership' AND c.accountId = @accountId AND c.role = @role${input.classId === undefined ? '' : ' AND c.classId = @classId'}`,
    parameters: [
      { name: '@accountId', value: input.accountId },
      { name: '@role', value: input.role },
      ...(input.classId === undefined ? [] : [{ name: '@classId', value: input.classId }]),
    ],
  });
}

/** Whether an ended membership's ending was left unfinished: its role still on the account, or a period still via it. */
function stillGiving(m: MembershipDoc, account: AccountDoc | undefined, entitlements: readonly EntitlementLike[]): boolean {
  const role = (account?.schoolRoles ?? []).some((r) => r.schoolId === m.schoolId && r.role === m.role && (r.classId ?? '') === (m.classId ?? ''));
  return role || entitlements.some((e) => (e.schoolPeriods ?? []).some((p) => p.schoolId === m.schoolId && p.via.includes(m.id)));
}

type EntitlementLike = { schoolPeriods?: { schoolId: string; via: string[] }[] };

/**
 * The account's new role summary and its entitlements without the role's periods, each replacing the version read
 * (its ETag), in transactional batches of the account's partition (issue 11): one write for the account and up to 99
 * works, then one per 100 works more. Answers what was not written: a batch that meets a change (412) or a gone
 * document writes nothing, and it and the batches after it are left to the caller.
 */
async function writeRoleEndTogether(
  deps: Pick<Services, 'db' | 'clock'>,
  read: AccountDoc & Stored,
  next: AccountDoc,
  entitlements: (Doc & Stored)[],
): Promise<{ account: boolean; entitlementIds: Set<string> }> {
  const summary = next === read ? [] : [{ ...next, updatedAt: deps.clock.now().toISOString(), _etag: read._etag }];
  const writes = [...summary, ...entitlements];
  for (let from = 0; from < writes.length; from += BATCH_LIMIT) {
    const batch = writes.slice(from, from + BATCH_LIMIT);
    const written = await deps.db.collection('accounts').writeTogether(
      read.accountId,
      batch.map((doc) => ({ replace: doc })),
    );
    if (!written.ok)
      return {
        account: from === 0 && summary.length > 0,
        entitlementIds: new Set(writes.slice(from).flatMap((doc) => (doc.id === read.id ? [] : [doc.id]))),
      };
  }
  return { account: false, entitlementIds: new Set() };
}

type ProfileField = 'firstName' | 'lastName' | 'phone' | 'personalCode' | 'personalCodeVerification' | 'birthDate' | 'email';

/** A field set to null is removed (a personal code taken off the account). */
type ProfileChanges = { [F in ProfileField]?: AccountDoc[F] | null };

export interface AccountChangeDoc extends Doc {
  type: 'account-change';
  accountId: string;
  at: string;
  by: string;
  /** 'self', 'school:<schoolId>' or 'operator'. */
  via: string;
  changes: { field: ProfileField; from?: unknown; to?: unknown }[];
}

/**
 * Rectification (ACC-5, PRIV-5): applies the changes to the account, records them, and has the name and e-mail
 * snapshot on the person's memberships refreshed (queue `member-name-copies`: the request pays no query and no
 * write per membership).
 */
async function rectifyRecorded(
  deps: Pick<Services, 'db' | 'clock' | 'bus'>,
  input: { accountId: string; by: string; via: string; changes: ProfileChanges },
  /** The account as the caller just read it: no second read while it is current. */
  known?: AccountDoc,
): Promise<{ account: AccountDoc; changes: AccountChangeDoc['changes'] }> {
  let recorded: AccountChangeDoc['changes'] = [];
  const updated = await updateAccount(
    deps,
    input.accountId,
    (account) => {
      recorded = (Object.entries(input.changes) as [ProfileField, unknown][])
        .filter(([field, value]) => value !== undefined && JSON.stringify(account[field] ?? null) !== JSON.stringify(value))
        .map(([field, value]) => ({
          field,
          ...(account[field] !== undefined ? { from: account[field] } : {}),
          ...(value !== null ? { to: value } : {}),
        }));
      if (!recorded.length) return account;
      const next = { ...account } as Record<string, unknown>;
      for (const change of recorded) {
        if (change.to === undefined) delete next[change.field];
        else next[change.field] = change.to;
      }
      return next as unknown as AccountDoc;
    },
    known,
  );
  if (recorded.length === 0) return { account: updated, changes: [] };
  await deps.db.collection('accounts').create<AccountChangeDoc>({
    id: `account-change:${randomUUID()}`,
    type: 'account-change',
    accountId: input.accountId,
    at: deps.clock.now().toISOString(),
    by: input.by,
    via: input.via,
    changes: recorded,
  });
  const copied = updated.schoolRoles?.length || updated.children?.length || updated.parents?.length;
  if (recorded.some((c) => c.field === 'firstName' || c.field === 'lastName' || c.field === 'email') && copied)
    await deps.bus.send('member-name-copies', {
      body: { accountId: input.accountId } satisfies z.infer<typeof memberNameCopiesSchema>,
      messageId: `member-names:${input.accountId}:${updated.updatedAt}`,
    });
  return { account: updated, changes: recorded };
}

export const memberNameCopiesSchema = z.strictObject({ accountId: z.string().min(1) });

/**
 * The queued rest of a rectification: the account's current names and e-mail onto each of its active memberships,
 * and its names onto the family entries of its linked parents' or children's accounts (the family lists read only
 * those). Read from the account when the message runs, so a late or repeated message writes what is true now, and
 * nothing when the copies already match.
 */
export async function copyNamesToMemberships(deps: Pick<Services, 'db' | 'clock'>, work: z.infer<typeof memberNameCopiesSchema>): Promise<void> {
  const account = await readAccount(deps, work.accountId);
  if (!account) return;
  for (const schoolId of new Set((account.schoolRoles ?? []).map((r) => r.schoolId)))
    for (const m of await activeMemberships(deps, schoolId, account.accountId)) await copyNames(deps, m as MembershipDoc & Stored, account);
  await copyNamesToFamily(deps, account);
}

/**
 * The account's names and e-mail onto one membership, written under the ETag of the version the query read: a
 * membership ended since is re-read and left ended, never rewritten active.
 */
async function copyNames(deps: Pick<Services, 'db'>, read: MembershipDoc & Stored, account: AccountDoc): Promise<void> {
  await updateWithEtag<MembershipDoc>(
    deps.db.collection('schools'),
    read.id,
    read.schoolId,
    (current) => {
      const names = {
        ...(account.firstName ? { firstName: account.firstName } : {}),
        ...(account.lastName ? { lastName: account.lastName } : {}),
        ...(account.email ? { email: account.email } : {}),
      };
      const same = Object.entries(names).every(([field, value]) => current[field as keyof typeof names] === value);
      return current.status === 'active' && !same ? { ...current, ...names } : undefined;
    },
    { current: read, type: 'membership' },
  );
}

type CodeInput = { country: 'EE' | 'FI'; code: string; birthDate: string } | null;

/**
 * Corrects names and the personal code (ACC-5, AUTH-3), by the person ('self') or by their school. A code the person
 * types is stored UNVERIFIED and gets no index, so it can never link anyone's sign-in to this account; a code the
 * school enters for its student is verified by the school and indexed (unless another account holds it). The old
 * code's index is released at once. The answer is the same whether or not another account has the code, so codes
 * cannot be probed; the owner is e-mailed when their code changes.
 */
export async function rectifyIdentity(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  input: {
    accountId: string;
    by: string;
    source: { kind: 'self' } | { kind: 'school'; schoolId: string };
    names: { firstName?: string; lastName?: string; phone?: string };
    personalCode?: CodeInput;
  },
  /** The account as the caller just read it (with its ETag): not read again. */
  known?: AccountDoc,
): Promise<AccountDoc> {
  const now = services.clock.now().toISOString();
  const code = input.personalCode;
  const codeChanges: ProfileChanges =
    code === undefined
      ? {}
      : code === null
        ? { personalCode: null, personalCodeVerification: null }
        : {
            personalCode: { country: code.country, code: code.code },
            birthDate: code.birthDate,
            personalCodeVerification: input.source.kind === 'school' ? { kind: 'school', by: input.source.schoolId, at: now } : null,
          };
  const before = known?.accountId === input.accountId ? known : await readAccount(services, input.accountId);
  if (!before) throw new AppError('account_not_found');
  // The same code again is no change when nothing would be gained: a person re-typing it keeps its verification, and
  // the school re-entering a verified code keeps the first verification; the school entering a code the person had
  // typed verifies it.
  const sameCode = code && before.personalCode?.country === code.country && before.personalCode.code === code.code;
  const sameStanding = sameCode && (input.source.kind === 'self' || before.personalCodeVerification !== undefined);
  const { account, changes } = await rectifyRecorded(
    services,
    {
      accountId: input.accountId,
      by: input.by,
      via: input.source.kind === 'self' ? 'self' : `school:${input.source.schoolId}`,
      changes: { ...input.names, ...(sameStanding ? {} : codeChanges) },
    },
    before,
  );
  const codeChanged = changes.some((c) => c.field === 'personalCode' || c.field === 'personalCodeVerification');
  if (codeChanged && before.personalCode) await releasePersonalCode(services, input.accountId, before.personalCode);
  if (code !== undefined && account.personalCode && account.personalCodeVerification?.kind === 'school' && input.source.kind === 'school')
    // Idempotent: a retried request claims what an interrupted one did not (a request that names no code leaves it).
    await claimPersonalCode(services, input.accountId, account.personalCode, { verification: 'school', schoolId: input.source.schoolId });
  if (changes.some((c) => c.field === 'personalCode'))
    await tellOwner(services, input.accountId, 'personalCodeChanged', now, { bySchool: input.source.kind === 'school' });
  return account;
}

export async function memberOrThrow(deps: Pick<Services, 'db'>, schoolId: string, accountId: string, grants: Grant[]): Promise<MemberView> {
  const [member] = visibleMembers(await activeMemberships(deps, schoolId, accountId), grants);
  if (!member) throw new AppError('member_not_found');
  return member;
}
