import { z } from 'zod';

import type { Doc, Stored } from '../platform/cosmos.js';
import { updateWithEtag } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { changeEntitlementDoc } from './licences.js';
import type { EntitlementDoc, SchoolPeriod } from './model.js';
import type { SchoolLicenceDoc } from './school-licences.js';

/**
 * School licences materialised into the members' entitlement documents (one per account and work, `accounts`
 * container), so "may this person open this work" stays one point read whatever the source of the right.
 *
 * - A licence recorded, changed or ended moves its `revision` on and queues a fan-out for that revision: the handler
 *   reads the school's active memberships (one single-partition query), decides who is entitled, and writes or removes
 *   the licence's period on each person's entitlement per work (only teachers and students of an audience the licence
 *   has ever had: nobody else can hold it), a batch of accounts per message; the next batch is a
 *   new message (resumable: a batch repeated after a crash writes the same state). When the last batch is done the
 *   licence records `materialisedRevision`: a repeated message for it changes nothing, and one for an older revision
 *   is dropped (the newer revision's own fan-out does the work).
 * - A membership that starts queues a member sync (that person against the school's active licences).
 * - A membership that ends removes its school periods at once, in the request (dropSchoolPeriods), then queues a member
 *   sync (another role may still entitle the person, and a seat that freed goes to the next student). A fan-out
 *   batch that read the membership before it ended checks it again after writing a period (applyToAccount), so the
 *   period cannot come back after the removal.
 *
 * Who is entitled: teachers and class teachers of the school, for every licence of the school; students in the
 * licence's audience (all students, named classes, or named students). With `seats`, the first `seats` students of
 * the audience by the start of their membership (then account id) hold it: deterministic, and a student who joined
 * earlier never loses a seat to a later one.
 */

const BATCH = 50;

export const schoolEntitlementMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('licence'), schoolId: z.string(), licenceId: z.string(), revision: z.number().int(), after: z.string().optional() }),
  z.object({ kind: z.literal('member'), schoolId: z.string(), accountId: z.string() }),
]);
type SchoolEntitlementMessage = z.infer<typeof schoolEntitlementMessageSchema>;

type Deps = Pick<Services, 'db' | 'clock' | 'bus'>;

interface MembershipRow {
  id: string;
  accountId: string;
  role: string;
  classId?: string;
  since: string;
}

/** The memberships through which this account holds the licence (empty: it does not). Pure. */
export function entitlingMemberships(
  licence: Pick<SchoolLicenceDoc, 'audience' | 'seats'>,
  memberships: readonly MembershipRow[],
  seatHolders: ReadonlySet<string> | undefined,
): string[] {
  const via: string[] = [];
  for (const m of memberships) {
    if (m.role === 'teacher' || m.role === 'classTeacher') via.push(m.id);
    else if (m.role === 'student' && inAudience(licence, m) && (!seatHolders || seatHolders.has(m.accountId))) via.push(m.id);
  }
  return via.sort();
}

function inAudience(licence: Pick<SchoolLicenceDoc, 'audience'>, m: MembershipRow): boolean {
  const a = licence.audience;
  return (
    a.kind === 'school' ||
    (a.kind === 'classes' && m.classId !== undefined && a.classIds.includes(m.classId)) ||
    (a.kind === 'students' && a.accountIds.includes(m.accountId))
  );
}

/**
 * Whether the account may hold the licence's period from an earlier revision (so its entitlement must be read): a
 * teacher, or a student of an audience the licence has had. Anyone else never got it and is skipped. Pure.
 */
export function mightHold(licence: Pick<SchoolLicenceDoc, 'audience' | 'reached'>, memberships: readonly MembershipRow[]): boolean {
  const audiences = licence.reached ?? [licence.audience];
  return memberships.some(
    (m) => m.role === 'teacher' || m.role === 'classTeacher' || (m.role === 'student' && audiences.some((audience) => inAudience({ audience }, m))),
  );
}

const seatLimited = (licence: Pick<SchoolLicenceDoc, 'audience' | 'seats'>) => licence.seats !== undefined && licence.audience.kind !== 'students';

/** The students who hold a seat: the first `seats` of the audience by membership start, then account id. Pure. */
export function seatHoldersOf(licence: Pick<SchoolLicenceDoc, 'audience' | 'seats'>, memberships: readonly MembershipRow[]): Set<string> | undefined {
  if (!seatLimited(licence)) return undefined;
  const firstSince = new Map<string, string>();
  for (const m of memberships) {
    if (m.role !== 'student' || !inAudience(licence, m)) continue;
    const known = firstSince.get(m.accountId);
    if (!known || m.since < known) firstSince.set(m.accountId, m.since);
  }
  const ordered = [...firstSince].sort(([a, sa], [b, sb]) => (sa < sb ? -1 : sa > sb ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return new Set(ordered.slice(0, licence.seats).map(([id]) => id));
}

/** The period this licence gives the account for a work now (undefined: none). */
function desiredPeriod(licence: SchoolLicenceDoc, workId: string, via: string[]): SchoolPeriod | undefined {
  if (licence.status !== 'active' || via.length === 0 || !licence.workIds.includes(workId)) return undefined;
  return { schoolLicenceId: licence.id, schoolId: licence.schoolId, from: licence.from, until: licence.until, via };
}

/**
 * Writes (or removes) the licence's period on each of its works for one account; nothing when it is already so.
 * Whether a period was written (so its memberships must be checked again).
 */
async function writePeriods(deps: Deps, licence: SchoolLicenceDoc, accountId: string, via: string[]): Promise<boolean> {
  let wrote = false;
  for (const workId of licence.workIds) {
    const want = desiredPeriod(licence, workId, via);
    await changeEntitlementDoc(deps, accountId, workId, licence.publisherId, (doc) => {
      const others = (doc.schoolPeriods ?? []).filter((p) => p.schoolLicenceId !== licence.id);
      const current = (doc.schoolPeriods ?? []).find((p) => p.schoolLicenceId === licence.id);
      if (JSON.stringify(current) === JSON.stringify(want)) return undefined;
      if (want) wrote = true;
      return { ...doc, schoolPeriods: want ? [...others, want] : others };
    });
  }
  return wrote;
}

/** The memberships of `via` that are still active, by point reads in the school's partition. */
async function stillActive(deps: Pick<Services, 'db'>, schoolId: string, via: readonly string[]): Promise<string[]> {
  const rows = await Promise.all(via.map((id) => deps.db.collection('schools').read<Doc & { type: string; status?: string }>(id, schoolId)));
  return via.filter((_, i) => rows[i]?.type === 'membership' && rows[i]?.status === 'active');
}

/**
 * The licence's periods for one account, from the memberships read at the start of the batch. A membership can end
 * between that read and the write (the fan-out race, issue 18 h): its ending removes the periods it finds at once
 * (dropSchoolPeriods), but one written after that removal looked would stay until the queued member sync. So a
 * period written is checked against its memberships AFTER the write: a membership that ended before this check is
 * seen here and its period removed again; one that ends after it finds the period written and removes it itself.
 * Either way no period outlives its membership. Costs one point read per membership of a period written.
 */
async function applyToAccount(deps: Deps, licence: SchoolLicenceDoc, accountId: string, via: string[]): Promise<void> {
  let current = via;
  // Each round can only shrink `via`; it is empty after as many rounds as it has memberships.
  for (let round = 0; round <= via.length; round++) {
    if (!(await writePeriods(deps, licence, accountId, current))) return;
    const active = await stillActive(deps, licence.schoolId, current);
    if (active.length === current.length) return;
    current = active;
  }
}

async function activeMembershipRows(deps: Pick<Services, 'db'>, schoolId: string, accountId?: string): Promise<MembershipRow[]> {
  return deps.db.collection('schools').queryAll<MembershipRow>(schoolId, {
    where: `c.type = 'membership' AND c.status = 'active'${accountId ? ' AND c.accountId = @account' : ''}`,
    parameters: accountId ? [{ name: '@account', value: accountId }] : [],
  });
}

/** Queues the fan-out of the licence's current revision (its message id makes a repeat a duplicate). */
export async function queueLicenceSync(
  deps: Pick<Services, 'bus'>,
  licence: Pick<SchoolLicenceDoc, 'id' | 'schoolId' | 'revision' | 'materialisedRevision'>,
): Promise<void> {
  if (licence.materialisedRevision === licence.revision) return;
  const body: SchoolEntitlementMessage = { kind: 'licence', schoolId: licence.schoolId, licenceId: licence.id, revision: licence.revision };
  await deps.bus.send('school-entitlements', { body, messageId: `${licence.id}:${licence.revision}` });
}

/** Queues a member sync for a person whose membership in the school started or ended. */
export async function queueMemberSync(deps: Pick<Services, 'bus'>, schoolId: string, accountId: string, cause: string): Promise<void> {
  const body: SchoolEntitlementMessage = { kind: 'member', schoolId, accountId };
  await deps.bus.send('school-entitlements', { body, messageId: `member:${schoolId}:${accountId}:${cause}` });
}

/** One batch of a licence's fan-out; queues the next batch, or records the revision as materialised. */
async function syncLicence(deps: Deps, message: Extract<SchoolEntitlementMessage, { kind: 'licence' }>): Promise<void> {
  const schools = deps.db.collection('schools');
  const licence = await schools.read<SchoolLicenceDoc>(message.licenceId, message.schoolId);
  if (licence?.type !== 'school-licence') return;
  // An older revision's message: the newer revision has its own fan-out. Our own finished run: nothing to do.
  if (licence.revision !== message.revision || licence.materialisedRevision === message.revision) return;
  const memberships = await activeMembershipRows(deps, message.schoolId);
  const seats = seatHoldersOf(licence, memberships);
  const byAccount = new Map<string, MembershipRow[]>();
  for (const m of memberships) byAccount.set(m.accountId, [...(byAccount.get(m.accountId) ?? []), m]);
  const accounts = [...byAccount.keys()].sort().filter((id) => message.after === undefined || id > message.after);
  const batch = accounts.slice(0, BATCH);
  for (const accountId of batch) {
    const rows = byAccount.get(accountId)!;
    if (mightHold(licence, rows)) await applyToAccount(deps, licence, accountId, entitlingMemberships(licence, rows, seats));
  }
  if (accounts.length > BATCH) {
    const after = batch.at(-1)!;
    const body: SchoolEntitlementMessage = { ...message, after };
    await deps.bus.send('school-entitlements', { body, messageId: `${licence.id}:${licence.revision}:${after}` });
    return;
  }
  await updateWithEtag<SchoolLicenceDoc>(schools, licence.id, licence.schoolId, (doc) =>
    doc.revision === message.revision && doc.materialisedRevision !== message.revision
      ? { ...doc, materialisedRevision: message.revision }
      : undefined,
  );
}

/**
 * A person's entitlements from one school, brought in line with their active memberships. A seat-limited licence is
 * re-fanned instead (a joiner or a leaver can move a seat to someone else), by moving its revision on.
 */
async function syncMember(deps: Deps, message: Extract<SchoolEntitlementMessage, { kind: 'member' }>): Promise<void> {
  const schools = deps.db.collection('schools');
  const licences = await schools.queryAll<SchoolLicenceDoc & Stored>(message.schoolId, {
    where: "c.type = 'school-licence' AND c.status = 'active'",
  });
  const memberships = await activeMembershipRows(deps, message.schoolId, message.accountId);
  for (const licence of licences) {
    if (!seatLimited(licence)) {
      await applyToAccount(deps, licence, message.accountId, entitlingMemberships(licence, memberships, undefined));
      continue;
    }
    const moved = await updateWithEtag<SchoolLicenceDoc>(
      schools,
      licence.id,
      licence.schoolId,
      (doc) => {
        if (doc.status !== 'active') return undefined;
        const revision = doc.revision + 1;
        return {
          ...doc,
          revision,
          history: [...doc.history, { at: deps.clock.now().toISOString(), by: 'system', action: 'seats-reassigned', revision }],
        };
      },
      { current: licence },
    );
    if (moved) await queueLicenceSync(deps, moved.doc);
  }
}

export async function handleSchoolEntitlementMessage(deps: Deps, message: SchoolEntitlementMessage): Promise<void> {
  if (message.kind === 'licence') await syncLicence(deps, message);
  else await syncMember(deps, message);
}

/** The periods left when the ended memberships no longer justify theirs in the school (undefined: none taken off). Pure. */
function periodsWithout(periods: readonly SchoolPeriod[], schoolId: string, ended: ReadonlySet<string>): SchoolPeriod[] | undefined {
  const next = periods.map((p) => (p.schoolId === schoolId ? { ...p, via: p.via.filter((v) => !ended.has(v)) } : p)).filter((p) => p.via.length > 0);
  return JSON.stringify(next) === JSON.stringify(periods) ? undefined : next;
}

/**
 * The entitlements as read that the ended memberships gave a school period, each as it is to be written without it
 * (the read's ETag kept): for a caller that writes them in one transactional batch with the account (issue 11).
 */
export function entitlementsWithoutPeriods(
  deps: Pick<Services, 'clock'>,
  input: { schoolId: string; membershipIds: string[]; known: readonly (EntitlementDoc & Stored)[] },
): (EntitlementDoc & Stored)[] {
  const ended = new Set(input.membershipIds);
  return input.known.flatMap((doc) => {
    const next = periodsWithout(doc.schoolPeriods ?? [], input.schoolId, ended);
    return next ? [{ ...doc, schoolPeriods: next, updatedAt: deps.clock.now().toISOString() }] : [];
  });
}

/**
 * A membership ended (the student left the school, a role ended): the school periods it justified leave the person's
 * entitlements at once (one single-partition query of their entitlements, one write per work touched), before the
 * request answers; then a member sync checks what their remaining roles still give them.
 */
export async function dropSchoolPeriods(
  deps: Deps,
  input: {
    accountId: string;
    schoolId: string;
    membershipIds: string[];
    /** The entitlements with school periods as the caller just read them (`accountWithSchoolEntitlements`). */
    known?: (EntitlementDoc & Stored)[];
  },
): Promise<void> {
  const ended = new Set(input.membershipIds);
  const docs =
    input.known ??
    (await deps.db.collection('accounts').queryAll<EntitlementDoc & Stored>(input.accountId, {
      where: "c.type = 'entitlement' AND ARRAY_LENGTH(c.schoolPeriods) > 0",
    }));
  for (const doc of docs) {
    if (!(doc.schoolPeriods ?? []).some((p) => p.schoolId === input.schoolId && p.via.some((v) => ended.has(v)))) continue;
    await updateWithEtag<EntitlementDoc>(
      deps.db.collection('accounts'),
      doc.id,
      input.accountId,
      (current) => {
        const next = periodsWithout(current.schoolPeriods ?? [], input.schoolId, ended);
        return next ? { ...current, schoolPeriods: next, updatedAt: deps.clock.now().toISOString() } : undefined;
      },
      { current: doc, attempts: 30 },
    );
  }
  await queueMemberSync(deps, input.schoolId, input.accountId, `ended:${[...ended].sort().join(',')}`);
}

/**
 * The account document and its entitlements that hold school periods, in one single-partition query (issue 11:
 * ending a role writes both; a point read and a query cost two).
 */
export async function accountWithSchoolEntitlements<A extends Doc>(
  deps: Pick<Services, 'db'>,
  accountId: string,
): Promise<{ account: (A & Stored) | undefined; entitlements: (EntitlementDoc & Stored)[] }> {
  const docs = await deps.db.collection('accounts').queryAll<(A | EntitlementDoc) & Stored>(accountId, {
    where: "c.id = @id OR (c.type = 'entitlement' AND ARRAY_LENGTH(c.schoolPeriods) > 0)",
    parameters: [{ name: '@id', value: accountId }],
    // Small documents: one page for a person with up to 999 school-licensed works (request units are per document).
    pageSize: 1000,
  });
  return {
    account: docs.find((d): d is A & Stored => d.id === accountId && d.type === 'account'),
    entitlements: docs.filter((d): d is EntitlementDoc & Stored => d.type === 'entitlement'),
  };
}
