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
// The bytes one account may keep: the setting MATERIALS_QUOTA_BYTES (default 200 MiB; tests lower it).

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
  /** A text the user wrote through the JSON route (its body is the blob, UTF-8 plain text). */
  kind?: 'text';
  title?: string;
  /** Counts the text's changes: its ETag, so a change made elsewhere meanwhile is not overwritten. */
  revision?: number;
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
  kind: z.literal('text').optional(),
  title: z.string().optional(),
  /** A text's version: send it back as If-Match to change the text. */
  etag: z.string().optional(),
});
type PublicMaterial = z.output<typeof materialOutputSchema>;
const textEtag = (item: Pick<MaterialItem, 'revision'>) => `"text-${item.revision ?? 1}"`;
const publicItem = ({ id, name, contentType, size, createdAt, shares, kind, title, revision }: MaterialItem): PublicMaterial => ({
  id,
  name,
  contentType,
  size,
  createdAt,
  shares,
  ...(kind === 'text' ? { kind, ...(title !== undefined ? { title } : {}), etag: textEtag({ revision }) } : {}),
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
  if (library?.type === 'material-library') assertQuota(services, library.items, input.bytes.byteLength);

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
        assertQuota(services, library.items, item.size);
        return { ...library, items: [...library.items, item] };
      },
      {
        type: 'material-library',
        // The library as read above: the first attempt writes from it (one read, one ETag-checked write).
        ...(library?.type === 'material-library' ? { current: library } : {}),
        create: () => (assertQuota(services, [], item.size), { id: LIBRARY_ID, type: 'material-library', accountId, items: [item] }),
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

function assertQuota(services: Pick<Services, 'config'>, items: MaterialItem[], size: number): void {
  if (items.length >= MAX_MATERIALS_PER_ACCOUNT) throw new AppError('material_quota', { params: { limit: `${MAX_MATERIALS_PER_ACCOUNT} files` } });
  const used = items.reduce((sum, i) => sum + i.size, 0);
  const quota = services.config.MATERIALS_QUOTA_BYTES;
  if (used + size > quota) throw new AppError('material_quota', { params: { limit: `${Math.round((quota / 1024 / 1024) * 10) / 10} MB` } });
}

export const MAX_TEXT_TITLE = 200;
/** A text's body in characters (at most 4 bytes each in UTF-8: well under an upload's 10 MiB and the body limit). */
export const MAX_TEXT_CHARACTERS = 50_000;

export interface TextInput {
  title: string;
  body: string;
}

/** What the JSON route answers for a text: the material and its words. */
export interface TextMaterial {
  material: PublicMaterial;
  body: string;
}

/**
 * A user's own text (LRN-4), written through JSON instead of an upload: a title and a body, kept like any material
 * (the body a UTF-8 text blob under the account's prefix, the entry in the library with the same quota, export and
 * erasure). Created under the id the client chose (the same title and body again answer the stored one); changed
 * only with If-Match naming its current version (another version: `material_changed`, nothing stored). A shared
 * text's journal copies are pointed at the new body by `stored` (shares.ts `saveSharedText`). Order as for uploads:
 * the new body's blob, then the library under its ETag (the quota checked there), `stored`, then the old body's blob
 * goes. Costs: the library (read, write), and what `stored` costs.
 */
export async function saveText(
  services: Services,
  accountId: string,
  materialId: string,
  input: TextInput,
  ifMatch: string | undefined,
  /** Called with the text as stored (also when it was already), before the old body's blob is deleted. */
  stored: (item: MaterialItem) => Promise<void> = async () => undefined,
): Promise<{ text: TextMaterial; created: boolean }> {
  const bytes = new TextEncoder().encode(input.body);
  if (bytes.byteLength === 0) throw new AppError('material_empty');
  // The same checks as an uploaded text: no markup, no control characters.
  const sniffed = sniffContentType(bytes);
  if (!sniffed || !sniffed.contentType.startsWith('text/plain')) throw new AppError('material_type_refused');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const accounts = services.db.collection('accounts');
  const library = await accounts.read<LibraryDoc>(LIBRARY_ID, accountId);
  const items = library?.type === 'material-library' ? library.items : [];
  // Decided again on the document the write replaces: what is there now under the id.
  const decide = (existing: MaterialItem | undefined): 'create' | 'replace' | 'same' => {
    if (!existing) {
      if (ifMatch) throw new AppError('material_not_found');
      return 'create';
    }
    if (existing.kind !== 'text') throw new AppError('material_id_taken');
    // What is stored already (a retry of a change whose answer was lost, whatever its If-Match): nothing to change.
    if (existing.sha256 === sha256 && existing.title === input.title) return 'same';
    if (!ifMatch) throw new AppError('if_match_required');
    if (ifMatch !== textEtag(existing)) throw new AppError('material_changed');
    return 'replace';
  };
  const before = items.find((i) => i.id === materialId);
  if (decide(before) === 'same') {
    // A shared text's journal copies are pointed at it again: a change that failed after the library write is completed.
    await stored(before!);
    return { text: { material: publicItem(before!), body: input.body }, created: false };
  }
  assertQuota(services, before ? items.filter((i) => i !== before) : items, bytes.byteLength);

  const blob = materialBlob(accountId, materialId);
  await services.blobs.put(blob, bytes, sniffed.contentType, { accountid: accountId, sha256 });
  const at = services.clock.now().toISOString();
  let result: { item: MaterialItem; replaced?: MaterialItem; created: boolean } | undefined;
  try {
    await updateWithEtag<LibraryDoc>(
      accounts,
      LIBRARY_ID,
      accountId,
      (current) => {
        const existing = current.items.find((i) => i.id === materialId);
        const action = decide(existing);
        if (action === 'same') {
          result = { item: existing!, created: false };
          return undefined;
        }
        const others = current.items.filter((i) => i.id !== materialId);
        assertQuota(services, others, bytes.byteLength);
        const item: MaterialItem = {
          id: materialId,
          name: `${materialId}.txt`,
          contentType: sniffed.contentType,
          size: bytes.byteLength,
          sha256,
          blob,
          createdAt: existing?.createdAt ?? at,
          shares: existing?.shares ?? [],
          kind: 'text',
          title: input.title,
          revision: (existing?.revision ?? 0) + 1,
        };
        result = { item, ...(existing ? { replaced: existing } : {}), created: !existing };
        return { ...current, items: existing ? current.items.map((i) => (i.id === materialId ? item : i)) : [...others, item] };
      },
      {
        type: 'material-library',
        ...(library?.type === 'material-library' ? { current: library } : {}),
        create: () => {
          decide(undefined);
          assertQuota(services, [], bytes.byteLength);
          const item: MaterialItem = {
            id: materialId,
            name: `${materialId}.txt`,
            contentType: sniffed.contentType,
            size: bytes.byteLength,
            sha256,
            blob,
            createdAt: at,
            shares: [],
            kind: 'text',
            title: input.title,
            revision: 1,
          };
          result = { item, created: true };
          return { id: LIBRARY_ID, type: 'material-library', accountId, items: [item] };
        },
      },
    );
  } catch (error) {
    await services.blobs.delete(blob).catch(() => undefined);
    throw error;
  }
  const done = result!;
  await stored(done.item);
  // This attempt's blob is not the text's (the same text was there), or the old body's blob is no longer referenced.
  if (done.item.blob !== blob) await services.blobs.delete(blob).catch(() => undefined);
  if (done.replaced) await services.blobs.delete(done.replaced.blob).catch(() => undefined);
  return { text: { material: publicItem(done.item), body: input.body }, created: done.created };
}

/** A user's own text with its body (one point read of the library, the blob). */
export async function readText(services: Services, accountId: string, materialId: string): Promise<TextMaterial> {
  const item = await findMaterial(services, accountId, materialId);
  if (item.kind !== 'text') throw new AppError('material_not_found');
  const stored = await services.blobs.get(item.blob);
  if (!stored) throw new AppError('material_not_found');
  return { material: publicItem(item), body: new TextDecoder().decode(stored.bytes) };
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
