import { z } from 'zod';

import { type AccountDoc, readAccount } from '../accounts/index.js';
import type { Doc } from '../platform/cosmos.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { countSubjectDocuments } from '../privacy/index.js';
import { type HoldingsCounts, holdingsOf } from './holdings.js';

/**
 * PRIV-1's counts are the export's finding (one query per partition the person has data in: 10 and more operations),
 * too many for a GET (issue 11: 3 at most). The queue `holdings-counts` counts and keeps the result per person; the
 * view reads it in one point read and asks for a new count when it is missing or older than this.
 */
export const HOLDINGS_COUNTS_FRESH_MINUTES = 10;

interface HoldingsCountsDoc extends Doc, HoldingsCounts {
  type: 'holdings-counts';
  accountId: string;
}

const countsId = (accountId: string) => `holdings-counts:${accountId}`;

export const holdingsCountMessageSchema = z.strictObject({ accountId: z.string().min(1), requestedAt: z.iso.datetime() });

/**
 * PRIV-1 for the person (or a parent's child under 18): the registry's texts, with the counts made by the queue when
 * they are at most `HOLDINGS_COUNTS_FRESH_MINUTES` old; otherwise a count is asked for and the view says `preparing`,
 * every count null (never a stale or guessed number). The authenticating read and one point read.
 */
export async function holdingsView(services: Pick<Services, 'db' | 'config' | 'clock' | 'bus'>, account: AccountDoc, lang: Language) {
  const kept = await services.db.collection('jobs').read<HoldingsCountsDoc>(countsId(account.accountId), account.accountId);
  const now = services.clock.now();
  const fresh = kept?.type === 'holdings-counts' && now.getTime() - Date.parse(kept.countedAt) <= HOLDINGS_COUNTS_FRESH_MINUTES * 60_000;
  if (fresh) return holdingsOf(services, account, lang, { countedAt: kept.countedAt, counts: kept.counts });
  await services.bus.send('holdings-counts', {
    body: { accountId: account.accountId, requestedAt: now.toISOString() } satisfies z.infer<typeof holdingsCountMessageSchema>,
    // Asking again before the count is made asks for the same count (duplicate detection drops it).
    messageId: `holdings-counts:${account.accountId}:${kept?.type === 'holdings-counts' ? kept.countedAt : 'none'}`,
  });
  return holdingsOf(services, account, lang, 'preparing');
}

/**
 * The queued count: every type the export finds, kept for the view. A count made after the request was asked for
 * already answers it (a repeat or a late message counts nothing again); an account gone (erased) is not counted.
 */
export async function countHoldings(services: Pick<Services, 'db' | 'clock'>, message: z.infer<typeof holdingsCountMessageSchema>): Promise<void> {
  const jobs = services.db.collection('jobs');
  const kept = await jobs.read<HoldingsCountsDoc>(countsId(message.accountId), message.accountId);
  if (kept?.type === 'holdings-counts' && kept.countedAt >= message.requestedAt) return;
  const account = await readAccount(services, message.accountId);
  if (!account) return;
  const countedAt = services.clock.now().toISOString();
  // This document is held too, from now on.
  const counts = { ...Object.fromEntries(await countSubjectDocuments(services, account)), 'holdings-counts': 1 };
  await jobs.upsert<HoldingsCountsDoc>({ id: countsId(message.accountId), type: 'holdings-counts', accountId: message.accountId, countedAt, counts });
}
