import { z } from 'zod';

import type { Stored } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { journalRole } from './journals.js';
import { type JournalRef, materialContent, saveText, setMaterialShare, type TextInput } from './library.js';

/**
 * Teachers share their own materials with a journal (LRN-4, LRN-1): the share is a reference {schoolId, journalId}
 * on the material and one small document in the school's partition, so a journal's students list them with one
 * single-partition query and open one with one point read. The file stays the teacher's, under the teacher's prefix.
 */
/** A page of a journal's list by default; the rest follow with the continuation token. */
export const JOURNAL_MATERIALS_PAGE = 200;

interface ShareDoc {
  id: string;
  type: 'journal-material-share';
  schoolId: string;
  journalId: string;
  ownerId: string;
  materialId: string;
  name: string;
  contentType: string;
  size: number;
  blob: string;
  sharedAt: string;
  [field: string]: unknown;
}

export const sharedMaterialSchema = z.object({
  ownerId: z.string(),
  materialId: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sharedAt: z.string(),
});

const shareId = (journalId: string, ownerId: string, materialId: string) => `journal-material:${journalId}:${ownerId}:${materialId}`;
const publicShare = ({ ownerId, materialId, name, contentType, size, sharedAt }: ShareDoc) => ({
  ownerId,
  materialId,
  name,
  contentType,
  size,
  sharedAt,
});

async function assertJournalRole(services: Services, journal: JournalRef, accountId: string, allowed: readonly string[]) {
  const role = await journalRole(services, journal.schoolId, journal.journalId, accountId);
  // Not a member and no journal look the same: nobody learns which journals exist.
  if (!role || !allowed.includes(role)) throw new AppError('journal_not_found');
}

/** A teacher of the journal shares one of their own materials with it (idempotent: sharing twice is one share). */
export async function shareMaterial(services: Services, ownerId: string, materialId: string, journal: JournalRef) {
  await assertJournalRole(services, journal, ownerId, ['teacher']);
  const schools = services.db.collection('schools');
  const item = await setMaterialShare(services, ownerId, materialId, journal, true);
  const doc: ShareDoc = {
    id: shareId(journal.journalId, ownerId, materialId),
    type: 'journal-material-share',
    schoolId: journal.schoolId,
    journalId: journal.journalId,
    ownerId,
    materialId,
    name: item.name,
    contentType: item.contentType,
    size: item.size,
    blob: item.blob,
    sharedAt: services.clock.now().toISOString(),
  };
  return publicShare(await schools.upsert(doc));
}

/** The owner stops sharing (also after losing the teacher role: it is their file). The journal side goes first. */
export async function unshareMaterial(services: Services, ownerId: string, materialId: string, journal: JournalRef): Promise<void> {
  await services.db.collection('schools').delete(shareId(journal.journalId, ownerId, materialId), journal.schoolId);
  await setMaterialShare(services, ownerId, materialId, journal, false);
}

/** One page of a journal's shared materials (LRN-4): one single-partition query per page, oldest id first. */
export async function listJournalMaterials(services: Services, accountId: string, journal: JournalRef, page: PageRequest = {}) {
  await assertJournalRole(services, journal, accountId, ['teacher', 'student']);
  const rows = await pageOf<ShareDoc & Stored>(
    services,
    {
      container: 'schools',
      partitionKey: journal.schoolId,
      where: "c.type = 'journal-material-share' AND c.journalId = @journalId",
      parameters: [{ name: '@journalId', value: journal.journalId }],
      orderBy: 'c.id',
      defaultPageSize: JOURNAL_MATERIALS_PAGE,
    },
    page,
  );
  return { materials: rows.items.map(publicShare), ...(rows.continuation ? { continuation: rows.continuation } : {}) };
}

/**
 * A teacher changes a text they shared (LRN-4): saved like any own text (`saveText`, If-Match), then each journal's
 * share document is pointed at the new body (a patch of blob, size and name per share, before the old body's blob
 * goes), so the class opens the new version. A share being removed meanwhile is skipped. Saving the same text again
 * points them again: a change that failed half-way is completed by its retry.
 */
export async function saveSharedText(services: Services, ownerId: string, materialId: string, input: TextInput, ifMatch: string | undefined) {
  return saveText(services, ownerId, materialId, input, ifMatch, async (item) => {
    for (const share of item.shares)
      try {
        await services.db.collection('schools').patch(shareId(share.journalId, ownerId, materialId), share.schoolId, [
          { op: 'set', path: '/blob', value: item.blob },
          { op: 'set', path: '/size', value: item.size },
          { op: 'set', path: '/name', value: item.name },
        ]);
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw error;
      }
  });
}

/** A journal member opens a shared material: the journal's share document says where the file is. */
export async function journalMaterialContent(services: Services, accountId: string, journal: JournalRef, ownerId: string, materialId: string) {
  await assertJournalRole(services, journal, accountId, ['teacher', 'student']);
  const share = await services.db.collection('schools').read<ShareDoc>(shareId(journal.journalId, ownerId, materialId), journal.schoolId);
  if (share?.type !== 'journal-material-share') throw new AppError('material_not_found');
  return materialContent(services, share);
}

/** Used by erasure: the owner's shares, from their library, deleted on the journal side. */
export async function deleteSharesOf(services: Services, ownerId: string): Promise<number> {
  const library = await services.db
    .collection('accounts')
    .read<{ id: string; type: string; items: { id: string; shares: JournalRef[] }[] }>('material-library', ownerId);
  let deleted = 0;
  for (const item of library?.items ?? [])
    for (const share of item.shares)
      if (await services.db.collection('schools').delete(shareId(share.journalId, ownerId, item.id), share.schoolId)) deleted++;
  return deleted;
}
