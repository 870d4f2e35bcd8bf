import { USER_FILES_CONTAINER } from '../platform/blob.js';
import type { Services } from '../platform/services.js';
import { accountBlobPrefix } from './library.js';
import { deleteSharesOf } from './shares.js';

/**
 * A person's notes, bookmarks, highlights, progress and own materials, for the data-subject pipeline (PRIV-2 export,
 * PRIV-3 erasure): one partition of `accounts` and one blob prefix, never a scan. Both are idempotent and can be run
 * again after a failure (resumable): erasure deletes the journal shares first, then the documents, then the blobs.
 */
const MATERIAL_TYPES = ['material-annotation', 'material-progress', 'material-library'] as const;

interface MaterialsExport {
  documents: Record<(typeof MATERIAL_TYPES)[number], Record<string, unknown>[]>;
  /** The person's files: container, blob names and sizes; read each with services.blobs.get(name). */
  blobs: { container: string; prefix: string; items: { name: string; size: number }[] };
}

export async function exportMaterialsOf(services: Services, accountId: string): Promise<MaterialsExport> {
  const rows = await services.db.collection('accounts').queryAll<Record<string, unknown> & { type: string }>(accountId, {
    where: 'ARRAY_CONTAINS(@types, c.type)',
    parameters: [{ name: '@types', value: [...MATERIAL_TYPES] }],
  });
  const of = (type: (typeof MATERIAL_TYPES)[number]) =>
    rows.filter((r) => r.type === type).map(({ _rid, _self, _etag, _attachments, _ts, ttl, ...rest }) => rest);
  const documents = {
    'material-annotation': of('material-annotation'),
    'material-progress': of('material-progress'),
    'material-library': of('material-library'),
  };
  const prefix = accountBlobPrefix(accountId);
  return { documents, blobs: { container: USER_FILES_CONTAINER, prefix, items: await services.blobs.list(prefix) } };
}

export async function eraseMaterialsOf(services: Services, accountId: string): Promise<{ documents: number; blobs: number; shares: number }> {
  const shares = await deleteSharesOf(services, accountId);
  const accounts = services.db.collection('accounts');
  const rows = await accounts.queryAll<{ id: string }>(accountId, {
    where: 'ARRAY_CONTAINS(@types, c.type)',
    parameters: [{ name: '@types', value: [...MATERIAL_TYPES] }],
  });
  let documents = 0;
  for (const row of rows) if (await accounts.delete(row.id, accountId)) documents++;
  const blobs = await services.blobs.list(accountBlobPrefix(accountId));
  for (const blob of blobs) await services.blobs.delete(blob.name);
  return { documents, blobs: blobs.length, shares };
}
