import type { Services } from '../platform/services.js';

/**
 * Who a person is in a study journal (LRN-1), for sharing own materials with it. Journals are the learning area's
 * (shared/learning: a `journal` document in the school's partition, id = journal id, with `teacherIds` and
 * `studentIds`); its public face exports no membership check yet, so this reads those two fields, one point read. The
 * capability at the door already requires a current teacher or student role in that school (ACC-4). No journal, or
 * not a member: the caller gets 404 journal_not_found (the learning area's code), as for its own journal routes.
 */
export type JournalRole = 'teacher' | 'student';

interface JournalLike {
  type: string;
  teacherIds?: unknown;
  studentIds?: unknown;
}

export async function journalRole(services: Services, schoolId: string, journalId: string, accountId: string): Promise<JournalRole | undefined> {
  const journal = (await services.db.collection('schools').read(journalId, schoolId)) as JournalLike | undefined;
  if (journal?.type !== 'journal') return undefined;
  const has = (list: unknown) => Array.isArray(list) && list.includes(accountId);
  if (has(journal.teacherIds)) return 'teacher';
  if (has(journal.studentIds)) return 'student';
  return undefined;
}
