import { z } from 'zod';

import { updateWithEtag } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { contentIdSchema } from './annotations.js';

/**
 * What a user has worked through in a work (LRN-4): one document per user and work in the user's partition of
 * `accounts`, read with one point read and written once per batch of events (a read and one ETag-checked replace).
 * A page or exercise once completed stays completed; visiting it again only moves its time.
 */
const MAX_PROGRESS_ENTRIES = 5_000;
const MAX_EVENTS_PER_BATCH = 100;

export const progressEventsSchema = z
  .object({
    events: z
      .array(z.object({ positionId: contentIdSchema, kind: z.enum(['page', 'exercise']), state: z.enum(['visited', 'completed']) }).strict())
      .min(1)
      .max(MAX_EVENTS_PER_BATCH),
  })
  .strict();

interface Entry {
  kind: 'page' | 'exercise';
  state: 'visited' | 'completed';
  at: string;
}

interface ProgressDoc {
  id: string;
  type: 'material-progress';
  accountId: string;
  workId: string;
  entries: Record<string, Entry>;
  updatedAt: string;
  [field: string]: unknown;
}

export const progressOutputSchema = z.object({
  workId: z.string(),
  entries: z.record(z.string(), z.object({ kind: z.enum(['page', 'exercise']), state: z.enum(['visited', 'completed']), at: z.string() })),
  completed: z.number().int(),
  visited: z.number().int(),
  updatedAt: z.string().optional(),
});
type ProgressOut = z.output<typeof progressOutputSchema>;

const progressId = (workId: string) => `progress:${workId}`;

function publicProgress(workId: string, doc: ProgressDoc | undefined): ProgressOut {
  const entries = doc?.entries ?? {};
  const values = Object.values(entries);
  return {
    workId,
    entries,
    completed: values.filter((e) => e.state === 'completed').length,
    visited: values.length,
    ...(doc ? { updatedAt: doc.updatedAt } : {}),
  };
}

export async function readProgress(services: Services, accountId: string, workId: string): Promise<ProgressOut> {
  const doc = await services.db.collection('accounts').read<ProgressDoc>(progressId(workId), accountId);
  return publicProgress(workId, doc?.type === 'material-progress' ? doc : undefined);
}

/** Merges one batch of events; a batch sent twice changes nothing the second time (idempotent on retry). */
export async function recordProgress(
  services: Services,
  accountId: string,
  workId: string,
  events: z.output<typeof progressEventsSchema>['events'],
): Promise<ProgressOut> {
  const now = services.clock.now().toISOString();
  const merge = (entries: Record<string, Entry>): Record<string, Entry> | undefined => {
    const next = { ...entries };
    let changed = false;
    for (const event of events) {
      const known = next[event.positionId];
      if (known?.state === 'completed' || (known && known.state === event.state && known.kind === event.kind)) continue;
      // A new entry past the cap is dropped rather than refused: progress is a convenience, the batch still lands.
      if (!known && Object.keys(next).length >= MAX_PROGRESS_ENTRIES) continue;
      next[event.positionId] = { kind: event.kind, state: event.state, at: now };
      changed = true;
    }
    return changed ? next : undefined;
  };
  const updated = await updateWithEtag<ProgressDoc>(
    services.db.collection('accounts'),
    progressId(workId),
    accountId,
    (current) => {
      const entries = merge(current.entries);
      return entries ? { ...current, entries, updatedAt: now } : undefined;
    },
    {
      type: 'material-progress',
      create: () => ({ id: progressId(workId), type: 'material-progress', accountId, workId, entries: merge({}) ?? {}, updatedAt: now }),
    },
  );
  return publicProgress(workId, updated?.doc);
}
