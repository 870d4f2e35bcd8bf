import { DocumentExistsError, type Page } from '../platform/cosmos.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import type { AnswerDoc, HistoryDoc, HistoryView } from './model.js';

/** LRN-6: a change stays visible for 30 days; Cosmos removes the entry then by its TTL (the registry's fixed rule). */
const HISTORY_DAYS = 30;

/** The id of a change's entry: the answer's and the change's revision, so the same change always has the same entry. */
const historyId = (answer: AnswerDoc, change: HistoryDoc['change'], revision: number) =>
  `history:${answer.id}:${change === 'answer-deleted' ? `deleted:${answer.savedAt}` : revision}`;

/** One change of study information (LRN-6) as its history entry, not yet written: see `writeChange`. */
export function historyEntry(
  now: Date,
  entry: {
    answer: AnswerDoc;
    revision: number;
    change: HistoryDoc['change'];
    by: string;
    after?: HistoryDoc['after'];
    before?: HistoryDoc['before'];
  },
): HistoryDoc {
  return {
    id: historyId(entry.answer, entry.change, entry.revision),
    type: 'study-history',
    accountId: entry.answer.studentId,
    schoolId: entry.answer.schoolId,
    journalId: entry.answer.journalId,
    taskId: entry.answer.taskId,
    change: entry.change,
    at: now.toISOString(),
    by: entry.by,
    ...(entry.after ? { after: entry.after } : {}),
    ...(entry.before ? { before: entry.before } : {}),
    visibleUntil: new Date(now.getTime() + HISTORY_DAYS * 86_400_000).toISOString(),
  };
}

/**
 * Writes a history entry (LRN-6). Its id is deterministic, so writing it again (a retried request) finds it there and
 * changes nothing; an entry past its 30 days is not written again (the TTL removed it, rightly).
 */
export async function writeChange(services: Pick<Services, 'db' | 'clock'>, doc: HistoryDoc): Promise<void> {
  if (doc.visibleUntil <= services.clock.now().toISOString()) return;
  try {
    await services.db.collection('history').create(doc);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
  }
}

/**
 * A student's history of the last 30 days, newest first: one single-partition query page of their own partition. Entries
 * past `visibleUntil` are not shown even while the TTL has not removed them yet (Cosmos deletes in the background).
 */
export async function historyPage(
  services: Pick<Services, 'db' | 'config' | 'clock'>,
  studentId: string,
  page: PageRequest,
): Promise<Page<HistoryView>> {
  const rows = await pageOf<HistoryDoc>(
    services,
    {
      container: 'history',
      partitionKey: studentId,
      where: "c.type = 'study-history'",
      orderBy: 'c.at DESC',
      defaultPageSize: 50,
    },
    page,
  );
  // Filtered here, not in the query: a continuation is bound to its query's parameters, and the time moves on.
  const now = services.clock.now().toISOString();
  return {
    items: rows.items
      .filter((h) => h.visibleUntil > now)
      .map((h) => ({
        id: h.id,
        schoolId: h.schoolId,
        journalId: h.journalId,
        taskId: h.taskId,
        change: h.change,
        at: h.at,
        by: h.by,
        ...(h.after ? { after: h.after } : {}),
        ...(h.before ? { before: h.before } : {}),
        visibleUntil: h.visibleUntil,
      })),
    ...(rows.continuation ? { continuation: rows.continuation } : {}),
  };
}
