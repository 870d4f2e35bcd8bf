import { type KnownDocuments, type Page, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { type EntitlementDoc, entitlementId, type EntitlementPeriod, type OrderDoc } from './model.js';

/**
 * Licences as the entitlement check needs them: one document per account and work (`accounts` container,
 * id entitlement:<workId>) holding the periods of every paid order of that account that includes the work.
 * Writing is idempotent per order: a period is added once, whatever repeats.
 */

async function changeEntitlement(
  services: Pick<Services, 'db' | 'clock'>,
  accountId: string,
  workId: string,
  publisherId: string,
  change: (periods: EntitlementPeriod[]) => EntitlementPeriod[] | undefined,
): Promise<void> {
  await changeEntitlementDoc(services, accountId, workId, publisherId, (doc) => {
    const next = change(doc.periods);
    return next && { ...doc, periods: next };
  });
}

/**
 * The one read-change-write of an account's entitlement for a work, shared by orders and school licences: `change`
 * gets the current document (an empty one when there is none) and returns the next, or undefined for no change.
 */
export async function changeEntitlementDoc(
  services: Pick<Services, 'db' | 'clock'>,
  accountId: string,
  workId: string,
  publisherId: string,
  change: (doc: EntitlementDoc) => EntitlementDoc | undefined,
): Promise<void> {
  const empty: EntitlementDoc = { id: entitlementId(workId), type: 'entitlement', accountId, workId, publisherId, periods: [], updatedAt: '' };
  const next = (current: EntitlementDoc): EntitlementDoc | undefined => {
    const changed = change(current);
    if (!changed) return undefined;
    return { ...changed, updatedAt: services.clock.now().toISOString() };
  };
  // Every paid order of the buyer writes here, possibly all at once, and school licences too: a larger budget than the default.
  await updateWithEtag<EntitlementDoc>(services.db.collection('accounts'), entitlementId(workId), accountId, (current) => next(current), {
    attempts: 30,
    create: () => next(empty),
  });
}

/** Writes the order's licence period into the buyer's entitlement for each work still in the order (STORE-4). */
export async function grantLicences(services: Pick<Services, 'db' | 'clock'>, order: OrderDoc): Promise<void> {
  for (const line of order.lines) {
    if (line.endedAt) continue;
    await changeEntitlement(services, order.accountId, line.workId, order.publisherId, (periods) =>
      periods.some((p) => p.orderId === order.id)
        ? undefined
        : [...periods, { orderId: order.id, from: order.licence.from, until: order.licence.until }],
    );
  }
}

/** Ends the order's licence to these works at `endedAt` (OPS-2, STORE-6). Repeating it changes nothing. */
export async function endLicences(
  services: Pick<Services, 'db' | 'clock'>,
  order: Pick<OrderDoc, 'id' | 'accountId' | 'publisherId'>,
  workIds: readonly string[],
  endedAt: string,
  reason: string,
): Promise<void> {
  for (const workId of workIds) {
    await changeEntitlement(services, order.accountId, workId, order.publisherId, (periods) => {
      const period = periods.find((p) => p.orderId === order.id);
      if (!period || period.endedAt) return undefined;
      return periods.map((p) => (p === period ? { ...p, endedAt, endReason: reason } : p));
    });
  }
}

export interface Access {
  allowed: boolean;
  /** Until when access is certain (the end of the current period, or of a period that continues it). */
  until?: string;
}

const t = (iso: string) => Date.parse(iso);
/** Whether one period grants access at instant `at` (ms). */
type Span = Pick<EntitlementPeriod, 'from' | 'until' | 'endedAt'>;
const covers = (p: Span, at: number) => t(p.from) <= at && at < t(p.until) && (!p.endedAt || at < t(p.endedAt));
const endOf = (p: Span) => (p.endedAt && t(p.endedAt) < t(p.until) ? p.endedAt : p.until);

/** Pure decision over the periods: allowed now, and until when, following periods that continue one another. */
export function accessFrom(periods: readonly Span[], now: Date): Access {
  const at = now.getTime();
  if (!periods.some((p) => covers(p, at))) return { allowed: false };
  let until = at;
  let untilText = now.toISOString();
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of periods) {
      const end = endOf(p);
      if (covers(p, until) && t(end) > until) {
        until = t(end);
        untilText = end;
        changed = true;
      }
    }
  }
  return { allowed: true, until: untilText };
}

/** "May this user open this work now?" (STORE-4), by a personal or a school licence: exactly one Cosmos point read. */
export async function mayOpenWork(
  services: Pick<Services, 'db'>,
  accountId: string,
  workId: string,
  now: Date,
  /** The caller's documents as read with their account (the entitlement check's route reads its entitlement so). */
  known?: KnownDocuments,
): Promise<Access> {
  const id = entitlementId(workId);
  const entitlement = known?.has(id)
    ? (known.get(id) as (EntitlementDoc & Stored) | undefined)
    : await services.db.collection('accounts').read<EntitlementDoc>(id, accountId);
  if (!entitlement || entitlement.type !== 'entitlement') return { allowed: false };
  // Personal licences from the shop and the school's licences (materialised per member) count alike.
  return accessFrom([...entitlement.periods, ...(entitlement.schoolPeriods ?? [])], now);
}

/**
 * Which of these works the account could open at one of the given instants, by a personal or a school licence (usage
 * events count only those, LOG-1): a point read per work for one or two, otherwise one single-partition query.
 */
export async function worksOpenAt(
  services: Pick<Services, 'db'>,
  accountId: string,
  instantsByWork: ReadonlyMap<string, readonly Date[]>,
): Promise<Set<string>> {
  const workIds = [...instantsByWork.keys()];
  const accounts = services.db.collection('accounts');
  const docs =
    workIds.length <= 2
      ? await Promise.all(workIds.map((workId) => accounts.read<EntitlementDoc>(entitlementId(workId), accountId)))
      : await accounts.queryAll<EntitlementDoc>(accountId, {
          where: 'c.type = @type AND ARRAY_CONTAINS(@ids, c.workId)',
          parameters: [
            { name: '@type', value: 'entitlement' },
            { name: '@ids', value: workIds },
          ],
        });
  const open = new Set<string>();
  for (const doc of docs) {
    if (doc?.type !== 'entitlement') continue;
    const periods = [...doc.periods, ...(doc.schoolPeriods ?? [])];
    if ((instantsByWork.get(doc.workId) ?? []).some((at) => accessFrom(periods, at).allowed)) open.add(doc.workId);
  }
  return open;
}

/**
 * Whether the user has any active licence now, their own or through their school (the OpiqGPT trial is for licensed
 * users, GPT-1): one single-partition query over their entitlements.
 */
export async function hasActiveLicence(services: Pick<Services, 'db'>, accountId: string, now: Date): Promise<boolean> {
  const docs = await services.db.collection('accounts').queryAll<EntitlementDoc>(accountId, {
    where: 'c.type = @type',
    parameters: [{ name: '@type', value: 'entitlement' }],
  });
  return docs.some((doc) => accessFrom([...doc.periods, ...(doc.schoolPeriods ?? [])], now).allowed);
}

export interface LicenceView {
  workId: string;
  publisherId: string;
  allowed: boolean;
  until?: string;
  periods: { orderId: string; from: string; until: string; endedAt?: string; endReason?: string }[];
  /** Periods through the user's school (school licences). */
  schoolPeriods?: { schoolId: string; from: string; until: string }[];
}

/** One page of the buyer's licences by work: one single-partition query over their own entitlements. */
export async function listLicences(
  services: Pick<Services, 'db' | 'config'>,
  accountId: string,
  now: Date,
  page: PageRequest = {},
): Promise<Page<LicenceView>> {
  const docs = await pageOf<EntitlementDoc & Stored>(
    services,
    {
      container: 'accounts',
      partitionKey: accountId,
      where: 'c.type = @type',
      parameters: [{ name: '@type', value: 'entitlement' }],
      orderBy: 'c.workId',
      defaultPageSize: 50,
    },
    page,
  );
  return {
    items: docs.items.map((doc) => ({
      workId: doc.workId,
      publisherId: doc.publisherId,
      ...accessFrom([...doc.periods, ...(doc.schoolPeriods ?? [])], now),
      periods: doc.periods,
      ...(doc.schoolPeriods?.length ? { schoolPeriods: doc.schoolPeriods.map(({ schoolId, from, until }) => ({ schoolId, from, until })) } : {}),
    })),
    ...(docs.continuation ? { continuation: docs.continuation } : {}),
  };
}
