import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { type AccountDoc, familyLinksOf, type Objection, objections, type ProcessingChoices, updateAccount } from '../accounts/index.js';
import type { Doc, Page } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { privacyManagedByParent } from '../schools/index.js';

/** What the person asks for: restriction on or off, and each objection on or off (PRIV-4). */
export const processingChoiceSchema = z.strictObject({
  restricted: z.boolean(),
  objections: z.strictObject({ usageAnalytics: z.boolean(), outcomeKeeping: z.boolean(), directMarketing: z.boolean() }),
});
export type ProcessingChoice = z.infer<typeof processingChoiceSchema>;

const sinceSchema = z.string().nullable();

export const processingViewSchema = z.object({
  /** Since when processing is restricted, or null. */
  restrictedSince: sinceSchema,
  objections: z.object({ usageAnalytics: sinceSchema, outcomeKeeping: sinceSchema, directMarketing: sinceSchema }),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
  /** ACC-3: a child under 18 with a confirmed parent may add a restriction or objection; only the parent lifts one. */
  managedByParent: z.boolean(),
});

export function processingView(account: AccountDoc, now: Date): z.infer<typeof processingViewSchema> {
  const p = account.processing ?? {};
  return {
    restrictedSince: p.restrictedAt ?? null,
    objections: {
      usageAnalytics: p.objections?.usageAnalytics ?? null,
      outcomeKeeping: p.objections?.outcomeKeeping ?? null,
      directMarketing: p.objections?.directMarketing ?? null,
    },
    ...(p.updatedAt ? { updatedAt: p.updatedAt } : {}),
    ...(p.updatedBy ? { updatedBy: p.updatedBy } : {}),
    managedByParent: privacyManagedByParent(account, now),
  };
}

/** Keeps the start of what stands, starts what is new, drops what is lifted. */
const since = (was: string | undefined, wanted: boolean, at: string) => (wanted ? (was ?? at) : undefined);

function nextChoices(current: ProcessingChoices, choice: ProcessingChoice, at: string): Omit<ProcessingChoices, 'updatedAt' | 'updatedBy'> {
  const restrictedAt = since(current.restrictedAt, choice.restricted, at);
  const entries = objections.flatMap((o): [Objection, string][] => {
    const value = since(current.objections?.[o], choice.objections[o], at);
    return value ? [[o, value]] : [];
  });
  return { ...(restrictedAt ? { restrictedAt } : {}), ...(entries.length ? { objections: Object.fromEntries(entries) } : {}) };
}

const lifts = (current: ProcessingChoices, choice: ProcessingChoice) =>
  (current.restrictedAt !== undefined && !choice.restricted) ||
  objections.some((o) => current.objections?.[o] !== undefined && !choice.objections[o]);

const adds = (current: ProcessingChoices, choice: ProcessingChoice) =>
  (current.restrictedAt === undefined && choice.restricted) || objections.some((o) => current.objections?.[o] === undefined && choice.objections[o]);

const items = ['restriction', ...objections] as const;
type Item = (typeof items)[number];

/** PRIV-4: one change of restriction or objections, kept so the person sees what was changed, when, by whom and how. */
export interface ProcessingEventDoc extends Doc {
  type: 'processing-event';
  accountId: string;
  at: string;
  /** Who acted: the person, their confirmed parent (ACC-3), or who decided the request it carries out (PRIV-7). */
  by: string;
  as: 'self' | 'parent' | 'request';
  channel: 'settings' | 'request';
  /** The data-subject request carried out (channel 'request'). */
  requestId?: string;
  /** What began (true) or was lifted (false) in this change. */
  changes: { item: Item; on: boolean }[];
}

export const processingEventViewSchema = z.object({
  at: z.string(),
  as: z.enum(['self', 'parent', 'request']),
  channel: z.enum(['settings', 'request']),
  changes: z.array(z.object({ item: z.enum(items), on: z.boolean() })),
});

export const processingEventView = (doc: ProcessingEventDoc): z.infer<typeof processingEventViewSchema> => ({
  at: doc.at,
  as: doc.as,
  channel: doc.channel,
  changes: doc.changes,
});

function changesBetween(before: ProcessingChoices, after: ProcessingChoices): ProcessingEventDoc['changes'] {
  const stands = (choices: ProcessingChoices, item: Item) =>
    item === 'restriction' ? choices.restrictedAt !== undefined : choices.objections?.[item] !== undefined;
  return items.filter((item) => stands(before, item) !== stands(after, item)).map((item) => ({ item, on: stands(after, item) }));
}

/** The history of the person's restriction and objections, newest first (paged). */
export function processingHistory(deps: Pick<Services, 'db' | 'config'>, accountId: string, page: PageRequest): Promise<Page<ProcessingEventDoc>> {
  return pageOf<ProcessingEventDoc>(
    deps,
    { container: 'accounts', partitionKey: accountId, where: "c.type = 'processing-event'", orderBy: 'c.at DESC', defaultPageSize: 20 },
    page,
  );
}

/**
 * RET-4 "until the user asks": while the objection to keeping learning outcomes stands, the retention queue has the
 * erasure pipeline erase them. Sent on every change while it stands (one message per objection: the id carries its
 * start, so repeats collapse in the queue and the erasure itself is idempotent).
 */
async function queueOutcomeErasure(deps: Pick<Services, 'bus'>, account: AccountDoc) {
  const since = account.processing?.objections?.outcomeKeeping;
  if (!since) return;
  await deps.bus.send('retention-outcomes', {
    body: { accountId: account.accountId },
    messageId: `retention-outcomes:${account.accountId}:${since}`,
  });
}

/**
 * Restricts processing or objects to it, or lifts either (PRIV-4), effective at once: every area reads the choices
 * from the account it already has (usage events, marketing). A child under 18 whose parent manages their privacy
 * (ACC-3) may add a restriction or an objection (it only protects them) but lifting one is the parent's
 * (403 privacy_managed_by_parent); `by: { parent }` only for such a child of the caller.
 */
export async function setProcessingChoices(
  deps: Pick<Services, 'db' | 'clock' | 'bus'>,
  accountId: string,
  choice: ProcessingChoice,
  by: 'self' | { parent: string } | { request: string; decidedBy: string },
): Promise<AccountDoc> {
  let event: ProcessingEventDoc | undefined;
  const updated = await updateAccount(deps, accountId, (account) => {
    const now = deps.clock.now();
    const managed = privacyManagedByParent(account, now);
    const current = account.processing ?? {};
    event = undefined;
    // A request carried out (PRIV-7) only adds: lifting stays in the settings.
    if ((by === 'self' || 'request' in by) && managed && lifts(current, choice)) throw new AppError('privacy_managed_by_parent');
    if (by !== 'self' && 'parent' in by && !(managed && familyLinksOf(account, 'parents').some((p) => p.accountId === by.parent)))
      throw new AppError('forbidden');
    if (!lifts(current, choice) && !adds(current, choice)) return account;
    const at = now.toISOString();
    const actor = by === 'self' ? accountId : 'parent' in by ? by.parent : by.decidedBy;
    const next = nextChoices(current, choice, at);
    event = {
      id: `processing-event:${randomUUID()}`,
      type: 'processing-event',
      accountId,
      at,
      by: actor,
      as: by === 'self' ? 'self' : 'parent' in by ? 'parent' : 'request',
      channel: by !== 'self' && 'request' in by ? 'request' : 'settings',
      ...(by !== 'self' && 'request' in by ? { requestId: by.request } : {}),
      changes: changesBetween(current, next),
    };
    return { ...account, processing: { ...next, updatedAt: at, updatedBy: actor } };
  });
  if (event) await deps.db.collection('accounts').create<ProcessingEventDoc>(event);
  await queueOutcomeErasure(deps, updated);
  return updated;
}
