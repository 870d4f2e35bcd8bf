import type { Services } from '../platform/services.js';

/**
 * Who a person is in a study journal (LRN-1), for sharing own materials with it. Journals belong to the learning
 * area (issue 18, branch l-learning), which had not landed when this was written: this reads a `journal` document in
 * the school's partition by id and its `teacherIds` / `studentIds`, the one place to rewire to the learning area's
 * membership check when it lands. No journal document means no journal (sharing answers 404).
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
