import { z } from 'zod';

import { type AccountDoc, type Objection, objections, type ProcessingChoices, updateAccount } from '../accounts/index.js';
import { AppError } from '../platform/errors.js';
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

/**
 * Restricts processing or objects to it, or lifts either (PRIV-4), effective at once: every area reads the choices
 * from the account it already has (usage events, marketing). A child under 18 whose parent manages their privacy
 * (ACC-3) may add a restriction or an objection (it only protects them) but lifting one is the parent's
 * (403 privacy_managed_by_parent); `by: { parent }` only for such a child of the caller.
 */
export async function setProcessingChoices(
  deps: Pick<Services, 'db' | 'clock'>,
  accountId: string,
  choice: ProcessingChoice,
  by: 'self' | { parent: string },
): Promise<AccountDoc> {
  return updateAccount(deps, accountId, (account) => {
    const now = deps.clock.now();
    const managed = privacyManagedByParent(account, now);
    const current = account.processing ?? {};
    if (by === 'self' && managed && lifts(current, choice)) throw new AppError('privacy_managed_by_parent');
    if (by !== 'self' && !(managed && (account.parents ?? []).some((p) => p.accountId === by.parent))) throw new AppError('forbidden');
    if (!lifts(current, choice) && !adds(current, choice)) return account;
    const next = nextChoices(current, choice, now.toISOString());
    return { ...account, processing: { ...next, updatedAt: now.toISOString(), updatedBy: by === 'self' ? accountId : by.parent } };
  });
}
