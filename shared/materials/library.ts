import { createHash, randomUUID } from 'node:crypto';

import { z } from 'zod';

import { updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { attachmentDisposition, downloadName, safeFileName, sniffContentType } from './sniff.js';

/**
 * Own materials (LRN-4): files and texts a user adds. The file goes to Blob Storage under the account's prefix; the
 * account's library document (accounts container, the account's partition) lists them. One document per account,
 * not one per file: the list is one point read, and the quota (count and bytes) is checked and taken in the same
 * ETag-checked write that makes the file visible, so parallel uploads cannot overshoot it.
 */
export const MAX_MATERIAL_BYTES = 10 * 1024 * 1024;
const MAX_MATERIALS_PER_ACCOUNT = 100;
const MAX_MATERIAL_BYTES_PER_ACCOUNT = 200 * 1024 * 1024;

const LIBRARY_ID = 'material-library';

export interface JournalRef {
  schoolId: string;
  journalId: string;
}

export interface MaterialItem {
  id: string;
  /** The name shown and used for downloads: the user's name with the extension of what the file is. */
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  blob: string;
  createdAt: string;
  /** Journals the owner (a teacher) shared it with. */
  shares: JournalRef[];
}

interface LibraryDoc {
  id: string;
  type: 'material-library';
  accountId: string;
  items: MaterialItem[];
  [field: string]: unknown;
}

/** Every blob of a person lives under this prefix (export and erasure list it; PRIV-2, PRIV-3). */
export const accountBlobPrefix = (accountId: string) => `accounts/${accountId}/`;
/**
 * One blob per upload attempt (a random last segment): a losing or refused attempt deletes only its own bytes, never
 * the blob another attempt under the same material id made visible, and a re-upload after a delete never meets the
 * delete of the old blob.
 */
const materialBlob = (accountId: string, materialId: string) => `${accountBlobPrefix(accountId)}materials/${materialId}/${randomUUID()}`;

export const materialOutputSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  createdAt: z.string(),
  shares: z.array(z.object({ schoolId: z.string(), journalId: z.string() })),
});
type PublicMaterial = z.output<typeof materialOutputSchema>;
const publicItem = ({ id, name, contentType, size, createdAt, shares }: MaterialItem): PublicMaterial => ({
  id,
  name,
  contentType,
  size,
  createdAt,
  shares,
});

export async function listMaterials(services: Services, accountId: string): Promise<PublicMaterial[]> {
  const library = await services.db.collection('accounts').read<LibraryDoc>(LIBRARY_ID, accountId);
  return library?.type === 'material-library' ? library.items.map(publicItem) : [];
}

export async function findMaterial(services: Services, accountId: string, materialId: string): Promise<MaterialItem> {
  const library = await services.db.collection('accounts').read<LibraryDoc>(LIBRARY_ID, accountId);
  const item = library?.type === 'material-library' ? library.items.find((i) => i.id === materialId) : undefined;
  if (!item) throw new AppError('material_not_found');
  return item;
}

/**
 * Adds a file under the id the client chose, so a retry of a lost answer is the same upload: the same bytes under an
 * existing id answer with the stored material (created false), other bytes are a conflict. Order: sniff, write the
 * blob, then make it visible in the library with the quota check. A blob whose library entry was never written
 * (refused by the quota, a crash) is deleted at once or, at worst, lies unseen under the account's prefix, where
 * erasure finds it; no library entry ever points at a missing blob.
 */
export async function addMaterial(
  services: Services,
  accountId: string,
  input: { materialId: string; name: string | undefined; bytes: Uint8Array },
): Promise<{ material: PublicMaterial; created: boolean }> {
  if (input.name === undefined || !safeFileName(input.name)) throw new AppError('material_name_invalid');
  if (input.bytes.byteLength === 0) throw new AppError('material_empty');
  const sniffed = sniffContentType(input.bytes);
  if (!sniffed) throw new AppError('material_type_refused');
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const accounts = services.db.collection('accounts');
  const library = await accounts.read<LibraryDoc>(LIBRARY_ID, accountId);
  const existing = library?.items.find((i) => i.id === input.materialId);
  if (existing) {
    if (existing.sha256 !== sha256) throw new AppError('material_id_taken');
    return { material: publicItem(existing), created: false };
  }
  // A full library refuses before any bytes are written (checked again in the write that makes the file visible).
  if (library?.type === 'material-library') assertQuota(library.items, input.bytes.byteLength);

  const blob = materialBlob(accountId, input.materialId);
  await services.blobs.put(blob, input.bytes, sniffed.contentType, { accountid: accountId, sha256 });
  const item: MaterialItem = {
    id: input.materialId,
    name: downloadName(input.name, sniffed),
    contentType: sniffed.contentType,
    size: input.bytes.byteLength,
    sha256,
    blob,
    createdAt: services.clock.now().toISOString(),
    shares: [],
  };
  let stored: MaterialItem = item;
  try {
    await updateWithEtag<LibraryDoc>(
      accounts,
      LIBRARY_ID,
      accountId,
      (library) => {
        const same = library.items.find((i) => i.id === item.id);
        if (same) {
          if (same.sha256 !== sha256) throw new AppError('material_id_taken');
          stored = same;
          return undefined;
        }
        assertQuota(library.items, item.size);
        return { ...library, items: [...library.items, item] };
      },
      {
        type: 'material-library',
        // The library as read above: the first attempt writes from it (one read, one ETag-checked write).
        ...(library?.type === 'material-library' ? { current: library } : {}),
        create: () => (assertQuota([], item.size), { id: LIBRARY_ID, type: 'material-library', accountId, items: [item] }),
      },
    );
  } catch (error) {
    // Refused or failed: this attempt's blob must not outlive it.
    await services.blobs.delete(blob).catch(() => undefined);
    throw error;
  }
  // Another attempt with the same bytes got there first: its blob is the material's; this one's goes.
  if (stored !== item) await services.blobs.delete(blob).catch(() => undefined);
  return { material: publicItem(stored), created: stored === item };
}

function assertQuota(items: MaterialItem[], size: number): void {
  if (items.length >= MAX_MATERIALS_PER_ACCOUNT) throw new AppError('material_quota', { params: { limit: `${MAX_MATERIALS_PER_ACCOUNT} files` } });
  const used = items.reduce((sum, i) => sum + i.size, 0);
  if (used + size > MAX_MATERIAL_BYTES_PER_ACCOUNT)
    throw new AppError('material_quota', { params: { limit: `${MAX_MATERIAL_BYTES_PER_ACCOUNT / 1024 / 1024} MB` } });
}

/** The bytes and the headers a download goes out with: always an attachment, never rendered, never sniffed. */
export async function materialContent(services: Services, item: Pick<MaterialItem, 'blob' | 'name' | 'contentType'>) {
  const stored = await services.blobs.get(item.blob);
  if (!stored) throw new AppError('material_not_found');
  return {
    bytes: stored.bytes,
    headers: {
      // The type sniffed at upload, from the library (never text/html: such files are never stored).
      'content-type': item.contentType,
      'content-disposition': attachmentDisposition(item.name),
      'x-content-type-options': 'nosniff',
      // Even if a browser were to render it, it could run nothing and reach nothing.
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-origin',
    },
  };
}

/** Removes a material: first from the library (it stops being visible), then its blob. A shared one is refused. */
export async function deleteMaterial(services: Services, accountId: string, materialId: string): Promise<void> {
  let removed: MaterialItem | undefined;
  await updateWithEtag<LibraryDoc>(
    services.db.collection('accounts'),
    LIBRARY_ID,
    accountId,
    (library) => {
      removed = library.items.find((i) => i.id === materialId);
      if (!removed) return undefined;
      if (removed.shares.length > 0) throw new AppError('material_shared');
      return { ...library, items: library.items.filter((i) => i.id !== materialId) };
    },
    { type: 'material-library' },
  );
  if (!removed) throw new AppError('material_not_found');
  await services.blobs.delete(removed.blob);
}

/** Records or removes a journal share on the owner's library item (the journal side is in shares.ts). */
export async function setMaterialShare(
  services: Services,
  accountId: string,
  materialId: string,
  journal: JournalRef,
  shared: boolean,
): Promise<MaterialItem> {
  let found: MaterialItem | undefined;
  await updateWithEtag<LibraryDoc>(
    services.db.collection('accounts'),
    LIBRARY_ID,
    accountId,
    (library) => {
      found = library.items.find((i) => i.id === materialId);
      if (!found) return undefined;
      const has = found.shares.some((s) => s.schoolId === journal.schoolId && s.journalId === journal.journalId);
      if (has === shared) return undefined;
      const shares = shared
        ? [...found.shares, journal]
        : found.shares.filter((s) => !(s.schoolId === journal.schoolId && s.journalId === journal.journalId));
      found = { ...found, shares };
      return { ...library, items: library.items.map((i) => (i.id === materialId ? found! : i)) };
    },
    { type: 'material-library' },
  );
  if (!found) throw new AppError('material_not_found');
  return found;
}
