import { z } from 'zod';

import {
  type AccountDoc,
  familyLinksOf,
  isMinorAccount,
  markFamilyLinkEnded,
  readAccount,
  type SchoolRole,
  updateAccount,
  withFamilyLink,
  withFamilyNames,
  withoutFamilyLink,
  withSchoolPartition,
} from '../accounts/index.js';
import type { Grant, Target } from '../acl/index.js';
import { countUnderLimitOn, emailLoginId, type LoginIndexDoc, normaliseEmail, personalCodeLoginId } from '../auth/index.js';
import { queueEmail } from '../messaging/index.js';
import { parsePersonalCode, type PersonalCodeCountry } from '../personal-codes/index.js';
import { DocumentExistsError, type Page, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError, isAppError } from '../platform/errors.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { parentLinkConfirmedEmail } from './emails.js';
import type { MembershipDoc } from './members.js';
import type { ParentLinkDoc, ParentLinkEvent, ParentLinkStatus, ParentLinkView, PersonSnapshot, SchoolDoc } from './model.js';

type Deps = Pick<Services, 'db' | 'clock'>;

/** Link requests a person may make in 15 minutes (each one looks someone up by e-mail or personal code). */
const LINK_REQUESTS_PER_WINDOW = 10;

/**
 * Counts a link request on the caller's own account, as the authentication read it (issue 11: no bucket of its own,
 * whose create-or-patch cost two operations once it existed), before anyone is looked up: one conditional patch, or one
 * ETag-checked replace when the window starts, ends or locks (throttle.ts, `countUnderLimitOn`); 429 past the limit,
 * so the lookups cannot be used to probe who has an account. Answers the account as the count left it, so a later
 * write of it (the child's school noted) starts from the ETag the count moved on.
 */
export async function countLinkRequest(deps: Pick<Services, 'db' | 'clock' | 'config'>, account: AccountDoc): Promise<AccountDoc> {
  const read = '_etag' in account ? (account as AccountDoc & Stored) : await readAccount(deps, account.accountId);
  if (!read) throw new AppError('account_not_found');
  const counted = await countUnderLimitOn(deps, read, 'link_requests', LINK_REQUESTS_PER_WINDOW, 'accounts');
  return counted?.type === 'account' ? (counted as AccountDoc & Stored) : read;
}

// ---------------------------------------------------------------------------------------------------------------
// The state machine (ACC-3): requested -> confirmed | refused; confirmed -> ended. Nothing else.

const parentLinkTransitions: Readonly<Record<ParentLinkStatus, readonly ParentLinkStatus[]>> = {
  requested: ['confirmed', 'refused'],
  confirmed: ['ended'],
  refused: [],
  ended: [],
};

export function canTransition(from: ParentLinkStatus, to: ParentLinkStatus): boolean {
  return parentLinkTransitions[from].includes(to);
}

/**
 * The link after moving to `to`, with the move appended to its history (who, in which capacity, when).
 * An illegal move throws 409 `parent_link_transition`, naming the move in the details.
 */
export function transition(link: ParentLinkDoc, to: ParentLinkStatus, actor: Omit<ParentLinkEvent, 'status'>): ParentLinkDoc {
  if (!canTransition(link.status, to))
    throw new AppError('parent_link_transition', { details: [{ path: 'status', issue: `${link.status} -> ${to} is not allowed` }] });
  const event: ParentLinkEvent = { status: to, at: actor.at, by: actor.by, as: actor.as };
  return {
    ...link,
    status: to,
    ...(to === 'confirmed' || to === 'refused' ? { decidedBy: actor.by, decidedAt: actor.at } : {}),
    ...(to === 'ended' ? { endedBy: actor.by, endedAt: actor.at } : {}),
    history: [...link.history, event],
  };
}

// ---------------------------------------------------------------------------------------------------------------

const LINK_ID = /^parent-link:([^:]+):([^:]+)(?::\d+)?$/;

/** The parties a link id names (ids are made by this module: `parent-link:<parentId>:<childId>[:<epoch ms>]`). */
export function partiesOf(linkId: string): { parentId: string; childId: string } | undefined {
  const match = LINK_ID.exec(linkId);
  return match ? { parentId: match[1]!, childId: match[2]! } : undefined;
}

/**
 * What ending a link is about, for the capability table's `parentLink.end` row: a party to the link gets the `own`
 * grant (target = themselves), anyone else is aimed at the link's parent so `own` fails; a school administrator
 * gets `ownSchool` through the school. The handler checks the stored link again.
 */
export function endLinkTarget(linkId: string, schoolId: string, caller: string | undefined): Target {
  const parties = partiesOf(linkId);
  const isParty = caller !== undefined && parties !== undefined && (parties.parentId === caller || parties.childId === caller);
  return { schoolId, accountId: isParty ? caller : (parties?.parentId ?? 'parent-link:unknown') };
}

const snapshot = (a: AccountDoc): PersonSnapshot => ({
  accountId: a.accountId,
  firstName: a.firstName,
  lastName: a.lastName,
  ...(a.email ? { email: a.email } : {}),
});

/**
 * The school a link is made in: the child's first active student role. A student of several schools gets one link,
 * confirmed by one school (one confirmation, one FamilyLink per parent); the parent's access is per child, not per school.
 */
function linkSchoolOf(child: AccountDoc): SchoolRole | undefined {
  return (child.schoolRoles ?? []).find((r) => r.role === 'student');
}

async function openLink(deps: Pick<Services, 'db'>, schoolId: string, parentId: string, childId: string): Promise<ParentLinkDoc | undefined> {
  const [open] = await deps.db.collection('schools').queryAll<ParentLinkDoc>(schoolId, {
    where: "c.type = 'parent-link' AND c.parentAccountId = @parent AND c.childAccountId = @child AND c.status IN ('requested', 'confirmed')",
    parameters: [
      { name: '@parent', value: parentId },
      { name: '@child', value: childId },
    ],
  });
  return open;
}

export type RequestOutcome = 'requested' | 'already-open' | 'no-school';

/** Creates a requested link in the child's school unless one is open (or the parent is already linked). */
async function requestLink(deps: Deps, input: { parent: AccountDoc; child: AccountDoc; requestedBy: 'parent' | 'child' }): Promise<RequestOutcome> {
  const { parent, child } = input;
  const school = linkSchoolOf(child);
  if (!school) return 'no-school';
  if (familyLinksOf(parent, 'children').some((c) => c.accountId === child.accountId)) return 'already-open';
  // PRIV-2: the parent's export finds the request in the child's school before the school decides (first, so a retry
  // after a failure finds the school noted; one write more, once per school).
  if (!(parent.schoolPartitions ?? []).includes(school.schoolId))
    await updateAccount(deps, parent.accountId, (a) => withSchoolPartition(a, school.schoolId), parent);
  // The pair's first link holds the plain id for good (links are kept, RET-2), so an open one can only exist when
  // creating it fails: the query runs only then (issue 11).
  const at = deps.clock.now().toISOString();
  const doc: ParentLinkDoc = {
    id: `parent-link:${parent.accountId}:${child.accountId}`,
    type: 'parent-link',
    schoolId: school.schoolId,
    parentAccountId: parent.accountId,
    childAccountId: child.accountId,
    status: 'requested',
    requestedBy: input.requestedBy,
    requestedAt: at,
    parent: snapshot(parent),
    child: { ...snapshot(child), ...(school.classId ? { classId: school.classId } : {}) },
    history: [{ status: 'requested', at, by: input.requestedBy === 'parent' ? parent.accountId : child.accountId, as: input.requestedBy }],
  };
  const schools = deps.db.collection('schools');
  try {
    await schools.create<ParentLinkDoc>(doc);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    // The pair's first link is closed (refused or ended), or a request racing this one created it just now.
    if (await openLink(deps, school.schoolId, parent.accountId, child.accountId)) return 'already-open';
    await schools.create<ParentLinkDoc>({ ...doc, id: `${doc.id}:${Date.parse(at)}` });
  }
  return 'requested';
}

/**
 * A student names a parent by e-mail (the address of the parent's password login, verified). An unknown or unverified
 * address does nothing and answers the same, so accounts cannot be discovered this way.
 */
export async function requestByChild(deps: Deps, child: AccountDoc, parentEmail: string): Promise<RequestOutcome | 'unknown'> {
  if (!linkSchoolOf(child)) throw new AppError('student_role_required');
  const email = normaliseEmail(parentEmail);
  if (child.email && normaliseEmail(child.email) === email)
    throw new AppError('cannot_link_self', { details: [{ path: 'parentEmail', issue: 'your own address' }] });
  const loginId = emailLoginId(email);
  const login = await deps.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
  // Issue 17: an address nobody proved they own (sign-up never verified) names no one: same answer as unknown.
  if (!login || login.type !== 'login-index' || !login.emailVerifiedAt) return 'unknown';
  if (login.accountId === child.accountId) throw new AppError('cannot_link_self', { details: [{ path: 'parentEmail', issue: 'your own address' }] });
  const parent = await readAccount(deps, login.accountId);
  if (!parent || parent.status !== 'active') return 'unknown';
  return requestLink(deps, { parent, child, requestedBy: 'child' });
}

/**
 * A parent names a child by personal code (AUTH-3; 422 invalid_personal_code when it fails its checksum). An unknown
 * code, or a person who is not a student, does nothing and answers the same.
 */
export async function requestByParent(
  deps: Deps,
  parent: AccountDoc,
  code: { country: PersonalCodeCountry; code: string },
): Promise<RequestOutcome | 'unknown'> {
  const parsed = parsePersonalCode(code.country, code.code);
  if (!parsed.ok) throw new AppError('invalid_personal_code', { details: [{ path: 'personalCode.code', issue: parsed.problem }] });
  const loginId = personalCodeLoginId(parsed.value);
  const login = await deps.db.collection('logins').read<LoginIndexDoc>(loginId, loginId);
  if (!login || login.type !== 'login-index') return 'unknown';
  if (login.accountId === parent.accountId) throw new AppError('cannot_link_self', { details: [{ path: 'personalCode', issue: 'your own code' }] });
  const child = await readAccount(deps, login.accountId);
  if (!child || child.status !== 'active') return 'unknown';
  return requestLink(deps, { parent, child, requestedBy: 'parent' });
}

function parentLinkView(doc: ParentLinkDoc): ParentLinkView {
  return {
    id: doc.id,
    schoolId: doc.schoolId,
    parentAccountId: doc.parentAccountId,
    childAccountId: doc.childAccountId,
    status: doc.status,
    requestedBy: doc.requestedBy,
    requestedAt: doc.requestedAt,
    ...(doc.decidedBy ? { decidedBy: doc.decidedBy, decidedAt: doc.decidedAt } : {}),
    ...(doc.endedBy ? { endedBy: doc.endedBy, endedAt: doc.endedAt } : {}),
    ...(doc.parent ? { parent: doc.parent } : {}),
    ...(doc.child ? { child: doc.child } : {}),
    history: doc.history,
  };
}

/** The school's parent links, newest request first, optionally of one status (the administrator's review list). */
export async function listLinks(
  deps: Pick<Services, 'db' | 'config'>,
  schoolId: string,
  status?: ParentLinkStatus,
  page: PageRequest = {},
): Promise<Page<ParentLinkView>> {
  const docs = await pageOf<ParentLinkDoc>(
    deps,
    {
      container: 'schools',
      partitionKey: schoolId,
      where: `c.type = 'parent-link'${status ? ' AND c.status = @status' : ''}`,
      parameters: status ? [{ name: '@status', value: status }] : [],
      orderBy: 'c.requestedAt DESC',
      defaultPageSize: 50,
    },
    page,
  );
  return { items: docs.items.map(parentLinkView), ...(docs.continuation ? { continuation: docs.continuation } : {}) };
}

async function readLink(deps: Pick<Services, 'db'>, schoolId: string, linkId: string): Promise<ParentLinkDoc & Stored> {
  const doc = await deps.db.collection('schools').read<ParentLinkDoc>(linkId, schoolId);
  if (!doc || doc.type !== 'parent-link') throw new AppError('parent_link_not_found');
  return doc;
}

/** Reads, moves and writes a link with its ETag; a concurrent change is re-read and judged again. */
async function moveLink(
  deps: Deps,
  schoolId: string,
  linkId: string,
  decide: (link: ParentLinkDoc) => ParentLinkDoc,
  /** The link as just read: no second read while it is current. */
  current?: ParentLinkDoc & Stored,
): Promise<ParentLinkDoc> {
  const updated = await updateWithEtag<ParentLinkDoc>(deps.db.collection('schools'), linkId, schoolId, decide, {
    type: 'parent-link',
    ...(current ? { current } : {}),
  });
  if (!updated) throw new AppError('parent_link_not_found');
  return updated.doc;
}

const familyLinkOf = (link: ParentLinkDoc) => ({ schoolId: link.schoolId, linkId: link.id });

/** Accounts the request has already read (issue 11: each saves a read while it is still current). */
type KnownAccounts = readonly (AccountDoc | undefined)[];
const knownOf = (known: KnownAccounts, accountId: string) => known.find((a) => a?.accountId === accountId);

/** The names an entry carries: from the account as read, else the link's snapshot (a rename later is copied queued). */
function namesFor(known: KnownAccounts, snapshotOf: PersonSnapshot | undefined, accountId: string) {
  const person = knownOf(known, accountId) ?? snapshotOf;
  return person ? { firstName: person.firstName, lastName: person.lastName } : {};
}

/**
 * Mirrors a confirmed link on both accounts: parent.children and child.parents (what access checks read), each with
 * the other person's names so the family lists read no other account.
 */
async function addFamilyLinks(deps: Deps, link: ParentLinkDoc, known: KnownAccounts = []): Promise<void> {
  const { parentAccountId: parentId, childAccountId: childId } = link;
  const child = { accountId: childId, ...familyLinkOf(link), ...namesFor(known, link.child, childId) };
  const parent = { accountId: parentId, ...familyLinkOf(link), ...namesFor(known, link.parent, parentId) };
  await updateAccount(deps, parentId, (a) => withFamilyLink(a, 'children', child), knownOf(known, parentId));
  await updateAccount(deps, childId, (a) => withFamilyLink(a, 'parents', parent), knownOf(known, childId));
}

async function removeFamilyLinks(
  deps: Deps,
  link: Pick<ParentLinkDoc, 'id' | 'parentAccountId' | 'childAccountId'>,
  known: KnownAccounts = [],
): Promise<void> {
  const { parentAccountId: parentId, childAccountId: childId } = link;
  // The parent's side first: that is the side that grants access, so it ends first.
  await updateAccount(deps, parentId, (a) => withoutFamilyLink(a, 'children', link.id), knownOf(known, parentId)).catch(ignoreMissingAccount);
  await updateAccount(deps, childId, (a) => withoutFamilyLink(a, 'parents', link.id), knownOf(known, childId)).catch(ignoreMissingAccount);
}

function ignoreMissingAccount(error: unknown): undefined {
  if (isAppError(error, 'account_not_found')) return undefined;
  throw error;
}

/**
 * A repeat of a move that already happened is still refused (409: the state machine has no confirmed -> confirmed),
 * but first the accounts are brought in line with the stored state, so a request that failed half-way is completed.
 */
async function repairThenRethrow(
  deps: Deps,
  schoolId: string,
  linkId: string,
  error: unknown,
  /** The link as this request read it, when it was already past `requested` (then it is the state refused), and accounts read. */
  known: { link?: ParentLinkDoc; accounts?: KnownAccounts } = {},
): Promise<never> {
  if (isAppError(error, 'parent_link_transition')) {
    const link = known.link && known.link.status !== 'requested' ? known.link : await readLink(deps, schoolId, linkId);
    const read = (id: string) => knownOf(known.accounts ?? [], id) ?? readAccount(deps, id);
    if (link.status === 'confirmed') await addFamilyLinks(deps, link, await Promise.all([read(link.parentAccountId), read(link.childAccountId)]));
    if (link.status === 'ended') await removeFamilyLinks(deps, link);
  }
  throw error;
}

/**
 * The link, the school and the child's active student memberships of the school, in one single-partition query (issue
 * 11: a point read each of link and school, and the child's account, cost three). The membership is what the child's
 * account copies its school roles from, and carries the child's names (kept current on a rename).
 */
async function confirmationReads(deps: Pick<Services, 'db'>, schoolId: string, linkId: string, childId: string | undefined) {
  const docs = (
    await deps.db.collection('schools').query<(ParentLinkDoc | SchoolDoc | MembershipDoc) & Stored>(schoolId, {
      where: "ARRAY_CONTAINS(@ids, c.id) OR (c.type = 'membership' AND c.accountId = @child)",
      parameters: [
        { name: '@ids', value: [linkId, schoolId] },
        { name: '@child', value: childId ?? '' },
      ],
    })
  ).items;
  const link = docs.find((d): d is ParentLinkDoc & Stored => d.id === linkId && d.type === 'parent-link');
  const school = docs.find((d): d is SchoolDoc & Stored => d.id === schoolId && d.type === 'school');
  const studentship = docs.find(
    (d): d is MembershipDoc & Stored => d.type === 'membership' && d.role === 'student' && d.status === 'active' && d.accountId === childId,
  );
  return { link, school, studentship };
}

/**
 * The school's administrator confirms a requested link (ACC-3: only now does it count). The parent's account gets
 * its entry at once (the account read that checks it is open), the child's follows queued
 * (`family-link-confirmations`): ACL-5 grants only once both name each other, so the access starts moments later,
 * never earlier. The parent is told by e-mail (queued). 5 operations with the one that authenticates (was 8).
 */
export async function confirmLink(services: Services, schoolId: string, linkId: string, adminId: string): Promise<ParentLinkView> {
  const { link: current, school, studentship } = await confirmationReads(services, schoolId, linkId, partiesOf(linkId)?.childId);
  if (!current) throw new AppError('parent_link_not_found');
  const parent = await readAccount(services, current.parentAccountId);
  if (current.status === 'requested') {
    if (!studentship) throw new AppError('child_not_in_school');
    if (!parent || parent.status === 'closed') throw new AppError('account_not_found');
  }
  const at = services.clock.now().toISOString();
  const link = await moveLink(services, schoolId, linkId, (l) => transition(l, 'confirmed', { by: adminId, as: 'school', at }), current).catch(
    (e: unknown) => repairThenRethrow(services, schoolId, linkId, e, { link: current, accounts: [parent] }),
  );
  // The child's names as the school keeps them (the membership follows a rename), else as the request recorded them.
  const named = studentship?.firstName && studentship.lastName ? studentship : link.child;
  const childNames = named ? { firstName: named.firstName!, lastName: named.lastName! } : undefined;
  const entry = { accountId: link.childAccountId, ...familyLinkOf(link), ...childNames };
  await updateAccount(services, link.parentAccountId, (a) => withFamilyLink(a, 'children', entry), parent);
  await services.bus.send('family-link-confirmations', {
    body: { schoolId, linkId } satisfies FamilyLinkConfirmation,
    messageId: `family-link-confirmation:${linkId}`,
  });
  if (parent?.email && school) {
    await queueEmail(
      services,
      {
        ...parentLinkConfirmedEmail(parent.language, parent.email, {
          parentName: parent.firstName,
          childName: childNames ? `${childNames.firstName} ${childNames.lastName}` : '',
          schoolName: school.name,
        }),
        country: parent.country,
        language: parent.language,
      },
      `parent-link-confirmed:${link.id}`,
    );
  }
  return parentLinkView(link);
}

export const familyLinkConfirmationSchema = z.strictObject({ schoolId: z.string().min(1), linkId: z.string().min(1) });
type FamilyLinkConfirmation = z.infer<typeof familyLinkConfirmationSchema>;

/**
 * The queued rest of a confirmation: both accounts brought in line with the link as it is now (confirmed: both name
 * each other, with names from their accounts; anything else: nothing, an ending has its own queue). Safe to repeat.
 */
export async function finishFamilyLinkConfirmation(deps: Deps, work: FamilyLinkConfirmation): Promise<void> {
  const link = await deps.db.collection('schools').read<ParentLinkDoc>(work.linkId, work.schoolId);
  if (link?.type !== 'parent-link' || link.status !== 'confirmed') return;
  await addFamilyLinks(deps, link, await Promise.all([readAccount(deps, link.parentAccountId), readAccount(deps, link.childAccountId)]));
}

export async function refuseLink(deps: Deps, schoolId: string, linkId: string, adminId: string): Promise<ParentLinkView> {
  const at = deps.clock.now().toISOString();
  const link = await moveLink(deps, schoolId, linkId, (l) => transition(l, 'refused', { by: adminId, as: 'school', at }));
  return parentLinkView(link);
}

/**
 * Ends a confirmed link: either party, or the school's administrator. Both accounts are marked before the answer, so
 * the parent's access ends with this request (ACC-4) and neither family list shows the link any more.
 */
export async function endLink(
  deps: Pick<Services, 'db' | 'clock' | 'bus'>,
  schoolId: string,
  linkId: string,
  caller: string,
  grants: Grant[],
): Promise<ParentLinkView> {
  const current = await readLink(deps, schoolId, linkId);
  const as: ParentLinkEvent['as'] | undefined =
    current.parentAccountId === caller
      ? 'parent'
      : current.childAccountId === caller
        ? 'child'
        : grants.some((g) => g.role === 'schoolAdmin' && g.schoolId === schoolId)
          ? 'school'
          : undefined;
  if (!as) throw new AppError('forbidden');
  const at = deps.clock.now().toISOString();
  const link = await moveLink(deps, schoolId, linkId, (l) => transition(l, 'ended', { by: caller, as, at }), current).catch((e: unknown) =>
    repairThenRethrow(deps, schoolId, linkId, e),
  );
  await markBothSidesEnded(deps, link);
  return parentLinkView(link);
}

/**
 * Both accounts marked (one patch each, no read: issue 11), the parent's first as the side that grants access; every
 * check and both family lists leave a marked link out (ACL-5). The entries and marks go queued (`family-link-endings`).
 */
async function markBothSidesEnded(deps: Pick<Services, 'db' | 'clock' | 'bus'>, link: ParentLinkDoc): Promise<void> {
  await markFamilyLinkEnded(deps, link.parentAccountId, link.id);
  await markFamilyLinkEnded(deps, link.childAccountId, link.id);
  await deps.bus.send('family-link-endings', {
    body: { linkId: link.id, parentAccountId: link.parentAccountId, childAccountId: link.childAccountId } satisfies FamilyLinkEnding,
    messageId: `family-link-ending:${link.id}`,
  });
}

export const familyLinkEndingSchema = z.strictObject({
  linkId: z.string().min(1),
  parentAccountId: z.string().min(1),
  childAccountId: z.string().min(1),
});
type FamilyLinkEnding = z.infer<typeof familyLinkEndingSchema>;

/** The queued rest of ending a link: both accounts without its entry and mark (a side already done is left as it is; safe to repeat). */
export async function finishFamilyLinkEnding(deps: Deps, work: FamilyLinkEnding): Promise<void> {
  await removeFamilyLinks(deps, { id: work.linkId, parentAccountId: work.parentAccountId, childAccountId: work.childAccountId });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

/**
 * The caller's confirmed children or parents with their names, from the caller's own account alone (issue 11): the
 * entries carry the names (copied at confirmation, refreshed on a rename) and an ending marks both accounts before it
 * answers, so a link in force here is in force on the other side too (ACL-5). An entry written before names were kept
 * reads that person's account once.
 */
export async function familyOf(deps: Pick<Services, 'db'>, account: AccountDoc, side: 'children' | 'parents') {
  const links = familyLinksOf(account, side);
  const back = side === 'children' ? 'parents' : 'children';
  const people = await Promise.all(
    links.map(async (l) => {
      if (l.firstName !== undefined && l.lastName !== undefined) return { firstName: l.firstName, lastName: l.lastName };
      const person = await readAccount(deps, l.accountId);
      return person && familyLinksOf(person, back).some((b) => b.linkId === l.linkId) ? person : undefined;
    }),
  );
  return links.flatMap((l, i) => {
    const person = people[i];
    return person ? [{ accountId: l.accountId, firstName: person.firstName, lastName: person.lastName, schoolId: l.schoolId, linkId: l.linkId }] : [];
  });
}

/**
 * PRIV-3: an erased person's entries (which carry their names) taken off their linked parents' and children's accounts
 * before their own account goes; safe to repeat. The link documents are the registry's to anonymise.
 */
export async function forgetFamilyOf(deps: Deps, person: AccountDoc): Promise<void> {
  for (const l of person.children ?? [])
    await updateAccount(deps, l.accountId, (a) => withoutFamilyLink(a, 'parents', l.linkId)).catch(ignoreMissingAccount);
  for (const l of person.parents ?? [])
    await updateAccount(deps, l.accountId, (a) => withoutFamilyLink(a, 'children', l.linkId)).catch(ignoreMissingAccount);
}

/**
 * A rename copied onto the family entries that carry the person's names, on the other accounts (queued with the
 * membership copies, `member-name-copies`): each account read and written under its ETag, nothing when they match.
 */
export async function copyNamesToFamily(deps: Deps, person: AccountDoc): Promise<void> {
  for (const l of person.children ?? [])
    await updateAccount(deps, l.accountId, (a) => withFamilyNames(a, 'parents', person)).catch(ignoreMissingAccount);
  for (const l of person.parents ?? [])
    await updateAccount(deps, l.accountId, (a) => withFamilyNames(a, 'children', person)).catch(ignoreMissingAccount);
}

/** ACL-5: what a parent sees of their child's profile: name, schools and classes. Read-only; no contact data. */
export async function childProfile(deps: Deps, childId: string, known?: AccountDoc) {
  // The access check has usually read the child's account already (issue 11): no second read then.
  const child = known?.accountId === childId ? known : await readAccount(deps, childId);
  if (!child) throw new AppError('account_not_found');
  const studentRoles = (child.schoolRoles ?? []).filter((r) => r.role === 'student');
  const schools = await Promise.all(
    studentRoles.map(async (r) => {
      // The school and the class document in one single-partition query rather than two point reads.
      const ids = [r.schoolId, ...(r.classId ? [r.classId] : [])];
      const docs = (
        await deps.db.collection('schools').query<{ id: string; type: string; name?: string }>(r.schoolId, {
          where: 'ARRAY_CONTAINS(@ids, c.id)',
          parameters: [{ name: '@ids', value: ids }],
        })
      ).items;
      const school = docs.find((d) => d.id === r.schoolId && d.type === 'school');
      const klass = r.classId ? docs.find((d) => d.id === r.classId && d.type === 'class') : undefined;
      return {
        schoolId: r.schoolId,
        ...(school?.name ? { schoolName: school.name } : {}),
        ...(r.classId ? { classId: r.classId } : {}),
        ...(klass?.name ? { className: klass.name } : {}),
      };
    }),
  );
  return {
    id: child.accountId,
    firstName: child.firstName,
    lastName: child.lastName,
    minor: isMinorAccount(child, deps.clock.now()) === true,
    schools,
  };
}
