import type { AccountDoc, Objection } from './model.js';

type Choices = Pick<AccountDoc, 'status' | 'processing'>;

/** PRIV-4: while restricted, the person's data is kept but not used for marketing, analytics, profiling or statistics. */
export const processingRestricted = (account: Choices): boolean => Boolean(account.processing?.restrictedAt);

export const objectsTo = (account: Choices, objection: Objection): boolean => Boolean(account.processing?.objections?.[objection]);

/** LOG-1 with PRIV-4: usage events are recorded only for an active account that neither restricted processing nor objected. */
export const usageRecordingAllowed = (account: Choices): boolean =>
  account.status === 'active' && !processingRestricted(account) && !objectsTo(account, 'usageAnalytics');
