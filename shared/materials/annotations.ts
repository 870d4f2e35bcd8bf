import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { DocumentExistsError, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';

/**
 * Notes, bookmarks and highlights (LRN-4): one document each in the owner's partition of `accounts`, so listing a
 * user's annotations of one work is one single-partition query page, export and erasure read one partition, and
 * every change is an ETag-checked replace of one small document (two devices editing two notes never collide).
 */
const MAX_ANNOTATIONS_PER_WORK = 2_000;
export const ANNOTATION_PAGE_SIZE = 100;

/** Ids of the content (works, chapters, pages, blocks) are opaque strings of the content model. */
export const contentIdSchema = z.string().regex(/^[A-Za-z0-9._:~-]{1,100}$/, 'letters, digits and . _ : ~ - only, at most 100');
export const clientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, _ or -');

const positionSchema = z
  .object({
    chapterId: contentIdSchema.optional(),
    pageId: contentIdSchema.optional(),
    blockId: contentIdSchema.optional(),
    /** Character offsets inside the block, for highlights. */
    start: z.number().int().min(0).max(1_000_000).optional(),
    end: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict()
  .refine((p) => p.chapterId !== undefined || p.pageId !== undefined || p.blockId !== undefined, 'a position names a chapter, page or block')
  .refine((p) => p.start === undefined || p.end === undefined || p.start <= p.end, 'start must not be after end');

const textSchema = z.string().trim().min(1).max(5_000);
const colorSchema = z.enum(['yellow', 'green', 'blue', 'pink', 'orange']);

export const annotationInputSchema = z.discriminatedUnion('kind', [
  z.object({ id: clientIdSchema.optional(), kind: z.literal('note'), position: positionSchema, text: textSchema }).strict(),
  z
    .object({
      id: clientIdSchema.optional(),
      kind: z.literal('bookmark'),
      position: positionSchema,
      text: z.string().trim().min(1).max(200).optional(),
    })
    .strict(),
  z
    .object({
      id: clientIdSchema.optional(),
      kind: z.literal('highlight'),
      position: positionSchema,
      color: colorSchema,
      text: textSchema.optional(),
    })
    .strict(),
]);

export const annotationChangeSchema = z
  .object({ position: positionSchema.optional(), text: z.string().trim().max(5_000).nullable().optional(), color: colorSchema.optional() })
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'nothing to change');

type Position = z.output<typeof positionSchema>;

interface AnnotationDoc {
  id: string;
  type: 'material-annotation';
  accountId: string;
  workId: string;
  kind: 'note' | 'bookmark' | 'highlight';
  position: Position;
  text?: string;
  color?: string;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export const annotationOutputSchema = z.object({
  id: z.string(),
  workId: z.string(),
  kind: z.enum(['note', 'bookmark', 'highlight']),
  position: z.record(z.string(), z.union([z.string(), z.number()])),
  text: z.string().optional(),
  color: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  etag: z.string(),
});
type AnnotationOut = z.output<typeof annotationOutputSchema>;

const docId = (clientId: string) => `annotation:${clientId}`;

function publicAnnotation(doc: AnnotationDoc & Stored): AnnotationOut {
  return {
    id: doc.id.slice('annotation:'.length),
    workId: doc.workId,
    kind: doc.kind,
    position: doc.position,
    ...(doc.text !== undefined ? { text: doc.text } : {}),
    ...(doc.color !== undefined ? { color: doc.color } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    etag: doc._etag,
  };
}

/** The single-partition query of a user's annotations in one work, oldest first (the route pages it). */
export function annotationsQuery(accountId: string, workId: string) {
  return {
    container: 'accounts' as const,
    partitionKey: accountId,
    where: "c.type = 'material-annotation' AND c.workId = @workId",
    parameters: [{ name: '@workId', value: workId }],
    orderBy: 'c.createdAt',
    defaultPageSize: ANNOTATION_PAGE_SIZE,
  };
}

export const annotationView = (doc: unknown): AnnotationOut => publicAnnotation(doc as AnnotationDoc & Stored);

/**
 * Creates one under the client's id when it sends one: repeating a create whose answer was lost returns the stored
 * annotation instead of a second copy (idempotent on retry); another annotation under that id is a conflict.
 */
export async function createAnnotation(
  services: Services,
  accountId: string,
  workId: string,
  input: z.output<typeof annotationInputSchema>,
): Promise<{ annotation: AnnotationOut; created: boolean }> {
  const accounts = services.db.collection('accounts');
  const id = docId(input.id ?? randomUUID());
  const count = await accounts.count(accountId, "c.type = 'material-annotation' AND c.workId = @workId", [{ name: '@workId', value: workId }]);
  if (count >= MAX_ANNOTATIONS_PER_WORK) throw new AppError('annotation_limit', { params: { limit: MAX_ANNOTATIONS_PER_WORK } });
  const now = services.clock.now().toISOString();
  const doc: AnnotationDoc = {
    id,
    type: 'material-annotation',
    accountId,
    workId,
    kind: input.kind,
    position: input.position,
    ...('text' in input && input.text !== undefined ? { text: input.text } : {}),
    ...('color' in input ? { color: input.color } : {}),
    createdAt: now,
    updatedAt: now,
  };
  try {
    return { annotation: publicAnnotation(await accounts.create(doc)), created: true };
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    const stored = await accounts.read<AnnotationDoc>(id, accountId);
    if (
      stored?.type === 'material-annotation' &&
      stored.workId === workId &&
      stored.kind === input.kind &&
      JSON.stringify(stored.position) === JSON.stringify(input.position)
    )
      return { annotation: publicAnnotation(stored), created: false };
    throw new AppError('annotation_changed');
  }
}

/**
 * Changes one only when the caller saw its current version (If-Match: the ETag from the list or the last write):
 * two devices editing the same note cannot silently overwrite each other; the loser gets 409 and reloads.
 */
export async function updateAnnotation(
  services: Services,
  accountId: string,
  annotationId: string,
  ifMatch: string | undefined,
  change: z.output<typeof annotationChangeSchema>,
): Promise<AnnotationOut> {
  if (!ifMatch) throw new AppError('if_match_required');
  const updated = await updateWithEtag<AnnotationDoc>(
    services.db.collection('accounts'),
    docId(annotationId),
    accountId,
    (current) => {
      if (current._etag !== ifMatch) throw new AppError('annotation_changed');
      const next: AnnotationDoc = { ...current, updatedAt: services.clock.now().toISOString() };
      if (change.position) next.position = change.position;
      if (change.color) {
        if (current.kind !== 'highlight') throw new AppError('annotation_change_invalid');
        next.color = change.color;
      }
      if (change.text !== undefined) {
        if (change.text === null || change.text === '') {
          if (current.kind === 'note') throw new AppError('annotation_change_invalid');
          delete next.text;
        } else next.text = change.text;
      }
      return next;
    },
    { type: 'material-annotation', attempts: 1 },
  );
  if (!updated) throw new AppError('annotation_not_found');
  return publicAnnotation(updated.doc);
}

/** Deletes one; with If-Match only that version. A delete of one already gone is done (idempotent on retry). */
export async function deleteAnnotation(services: Services, accountId: string, annotationId: string, ifMatch: string | undefined): Promise<void> {
  const accounts = services.db.collection('accounts');
  const current = await accounts.read<AnnotationDoc>(docId(annotationId), accountId);
  if (!current || current.type !== 'material-annotation') return;
  if (ifMatch && ifMatch !== current._etag) throw new AppError('annotation_changed');
  await accounts.delete(current.id, accountId);
}
