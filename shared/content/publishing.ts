import { isDeepStrictEqual } from 'node:util';

import { DocumentExistsError, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import type { Country } from '../store/index.js';
import { type ContentLanguage, type WorkContent, workContentSchema } from './model.js';
import { buildSearchIndex } from './search.js';
import {
  type ChapterDoc,
  chapterDocId,
  chapterStub,
  type ContentWorkDoc,
  createChapterDocs,
  type DraftDoc,
  draftId,
  INLINE_CONTENT_BYTES,
  MAX_CHAPTER_BYTES,
  MAX_CONTENT_BYTES,
  outlineOf,
  publisherOfWork,
  readChapterDocs,
  readContentWork,
  type VersionDoc,
  versionId,
  type VersionListed,
  withChapterBodies,
  type WorkContentState,
} from './store.js';

/**
 * The CMS side (issue 18): publishers' CMS users create a work, edit its draft, and editors publish the draft as the
 * next version. A published version is only ever created (never replaced): a second write of its id is refused, so
 * answers made in version N always meet the exercises of version N.
 */

/** A version kept in one document, its search index included (beyond it: per chapter); Cosmos allows 2 MB. */
const MAX_VERSION_BYTES = 1_500 * 1024;
/** A chapter's document in a split version, its search index included. */
const MAX_CHAPTER_DOC_BYTES = 1_900 * 1024;
/** Versions listed on the work document (the newest; older ones stay readable by number). */
const MAX_HISTORY = 200;

export interface Actor {
  accountId: string;
  /** The CMS role the actor holds at the publisher (author, editor, designer, technical editor). */
  role: string;
}

export interface NewWork {
  slug: string;
  title: string;
  language: ContentLanguage;
  subjects: string[];
  grades: number[];
  country: Country;
}

const workIdOf = (publisherId: string, slug: string) => `${publisherId}.${slug}`;
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** The work in this publisher's partition, or 404 (another publisher's work is not found, never forbidden). */
async function ownWork(services: Pick<Services, 'db'>, publisherId: string, workId: string): Promise<ContentWorkDoc & Stored> {
  const work = publisherOfWork(workId) === publisherId ? await readContentWork(services, workId) : undefined;
  if (!work) throw new AppError('work_not_found');
  return work as ContentWorkDoc & Stored;
}

/**
 * Creates a work in preparation (not in the shop until its first version is published). Repeating the same request
 * returns the same work; another work under the id is 409 `work_id_taken`.
 */
export async function createWork(
  services: Pick<Services, 'db'>,
  publisherId: string,
  input: NewWork,
): Promise<{ work: ContentWorkDoc; created: boolean }> {
  const id = workIdOf(publisherId, input.slug);
  const work: ContentWorkDoc = {
    id,
    type: 'work',
    publisherId,
    title: input.title,
    subjects: input.subjects,
    country: input.country,
    language: input.language,
    grades: input.grades,
    status: 'preparing',
    content: { versions: 0 },
  };
  try {
    return { work: await services.db.collection('catalog').create(work), created: true };
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    const existing = await readContentWork(services, id);
    const same = existing && existing.title === input.title && existing.language === input.language && existing.country === input.country;
    if (!same) throw new AppError('work_id_taken');
    return { work: existing, created: false };
  }
}

export interface DraftView {
  workId: string;
  revision: number;
  content: WorkContent;
  updatedAt: string;
}

const draftView = (draft: DraftDoc): DraftView => ({
  workId: draft.workId,
  revision: draft.revision,
  content: draft.content,
  updatedAt: draft.updatedAt,
});

export async function readDraft(services: Pick<Services, 'db'>, publisherId: string, workId: string): Promise<DraftView> {
  const draft =
    publisherOfWork(workId) === publisherId ? await services.db.collection('content').read<DraftDoc>(draftId(workId), publisherId) : undefined;
  if (!draft || draft.type !== 'work-draft') throw new AppError('work_draft_not_found');
  return draftView(await wholeDraft(services, draft));
}

/** A draft with every chapter's body (a split draft's chapters: one query more). */
async function wholeDraft<T extends DraftDoc>(services: Pick<Services, 'db'>, draft: T): Promise<T> {
  if (!draft.chapterDocs) return draft;
  const docs = await readChapterDocs(services, draft.publisherId, Object.values(draft.chapterDocs));
  return { ...draft, content: { ...draft.content, chapters: withChapterBodies(draft.content.chapters, draft.chapterDocs, docs) } };
}

/** How a draft's content is stored: whole while it is small, else each chapter in a document of its own (store.ts). */
function draftLayout(
  head: Pick<DraftDoc, 'publisherId' | 'workId'>,
  content: WorkContent,
): { stored: Pick<DraftDoc, 'content' | 'chapterDocs'>; chapters: ChapterDoc[] } {
  if (bytes(content) <= INLINE_CONTENT_BYTES) return { stored: { content }, chapters: [] };
  const owner = draftId(head.workId);
  const chapters: ChapterDoc[] = content.chapters.map((chapter) => ({
    id: chapterDocId(owner, chapter),
    type: 'work-chapter',
    publisherId: head.publisherId,
    workId: head.workId,
    chapter,
  }));
  return {
    stored: {
      content: { ...content, chapters: content.chapters.map(chapterStub) },
      chapterDocs: Object.fromEntries(chapters.map((d) => [d.chapter.id, d.id])),
    },
    chapters,
  };
}

const without = (ids: Iterable<string>, keep: readonly string[]) => [...new Set(ids)].filter((id) => !keep.includes(id));

async function deleteChapterDocs(services: Pick<Services, 'db'>, publisherId: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) await services.db.collection('content').delete(id, publisherId);
}

/**
 * Changes the draft: `change` gets the current content (undefined before the first save) and returns the new one, which
 * is validated whole (every exercise with points and a key valid for its kind, ids unique in the work: 422
 * `work_content_invalid`) and limited in size (413). `baseRevision`, when sent, must be the revision the editor started
 * from (409 `work_draft_changed` otherwise, so two editors do not overwrite each other unknowingly). Saving the same
 * content again changes nothing. Operations: the work, the draft, one write.
 *
 * A split draft's chapter documents are never left behind by a save that fails half-way: chapter documents a save is
 * about to create are first noted on the draft (`strayChapters`, one write more, only when a chapter changed), then
 * created, then the draft listing them is written with the chapters it no longer lists as its new `strayChapters`,
 * which are deleted after it. Every save deletes the strays noted before it that it does not list, so whatever an
 * earlier attempt left (created and never listed, or retired and not yet deleted) goes with the next save or its retry.
 */
export async function saveDraft(
  services: Pick<Services, 'db' | 'clock'>,
  publisherId: string,
  workId: string,
  change: (current: WorkContent | undefined, work: ContentWorkDoc) => WorkContent,
  actor: Actor,
  baseRevision?: number,
): Promise<DraftView> {
  const work = await ownWork(services, publisherId, workId);
  const at = services.clock.now().toISOString();
  const validated = (current: WorkContent | undefined): WorkContent => {
    const parsed = workContentSchema.safeParse(change(current, work));
    if (!parsed.success)
      throw new AppError('work_content_invalid', {
        details: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), issue: i.message })),
      });
    if (bytes(parsed.data) > MAX_CONTENT_BYTES)
      throw new AppError('work_content_too_large', { params: { limit: Math.floor(MAX_CONTENT_BYTES / 1024) } });
    const chapter = parsed.data.chapters.find((c) => bytes(c) > MAX_CHAPTER_BYTES);
    if (chapter) throw new AppError('work_content_too_large', { params: { limit: Math.floor(MAX_CHAPTER_BYTES / 1024) } });
    return parsed.data;
  };
  const draft = (revision: number, stored: Pick<DraftDoc, 'content' | 'chapterDocs'>, strayChapters: string[]): DraftDoc => ({
    id: draftId(workId),
    type: 'work-draft',
    publisherId,
    workId,
    revision,
    ...stored,
    ...(strayChapters.length ? { strayChapters } : {}),
    updatedAt: at,
    updatedBy: actor.accountId,
  });
  const head = { publisherId, workId };
  // The draft as it was saved (a split one with its chapters), for the answer.
  let whole: WorkContent | undefined;
  // Set when the write only noted chapter documents to come: the save goes on with another round.
  let noted = false;
  for (;;) {
    noted = false;
    const updated = await updateWithEtag<DraftDoc>(
      services.db.collection('content'),
      draftId(workId),
      publisherId,
      async (stored) => {
        noted = false;
        if (baseRevision !== undefined && baseRevision !== stored.revision) throw new AppError('work_draft_changed');
        const current = await wholeDraft(services, stored);
        const content = validated(current.content);
        whole = content;
        const strays = stored.strayChapters ?? [];
        if (isDeepStrictEqual(current.content, content)) {
          if (strays.length === 0) return undefined;
          // The same content again (a retry): what an earlier attempt left goes now.
          await deleteChapterDocs(services, publisherId, strays);
          return { ...stored, strayChapters: [] };
        }
        const layout = draftLayout(head, content);
        const listed = Object.values(stored.chapterDocs ?? {});
        const ids = layout.chapters.map((c) => c.id);
        const unknown = without(ids, [...listed, ...strays]);
        if (unknown.length) {
          noted = true;
          return { ...stored, strayChapters: [...strays, ...unknown] };
        }
        await deleteChapterDocs(services, publisherId, without(strays, ids));
        await createChapterDocs(services, layout.chapters);
        return draft(stored.revision + 1, layout.stored, without(listed, ids));
      },
      { type: 'work-draft' },
    );
    if (noted) continue;
    if (updated) {
      // The chapters this save retired; a failure here leaves them noted for the next save.
      await deleteChapterDocs(services, publisherId, updated.doc.strayChapters ?? []);
      return draftView({ ...updated.doc, content: whole! });
    }
    if (baseRevision !== undefined && baseRevision !== 0) throw new AppError('work_draft_changed');
    const content = validated(undefined);
    const layout = draftLayout(head, content);
    try {
      if (layout.chapters.length === 0)
        return draftView({ ...(await services.db.collection('content').create(draft(1, layout.stored, []))), content });
      // A first save already split: an empty draft noting its chapters first, then the save as any other.
      const empty = { content: { ...content, chapters: [] } };
      await services.db.collection('content').create(
        draft(
          0,
          empty,
          layout.chapters.map((c) => c.id),
        ),
      );
    } catch (error) {
      // Another first save got there: this change applies to its draft, as to any draft changed meanwhile.
      if (!(error instanceof DocumentExistsError)) throw error;
    }
  }
}

export interface VersionSummary {
  versionNo: number;
  publishedAt: string;
  publishedBy: Actor;
  draftRevision: number;
}

/** The version document for a draft: content, publication audit (who, when) and the search index. */
export function buildVersionDoc(
  work: Pick<ContentWorkDoc, 'id' | 'publisherId'>,
  versionNo: number,
  draft: Pick<DraftDoc, 'content' | 'revision'>,
  actor: Actor,
  at: string,
): VersionDoc {
  return {
    id: versionId(work.id, versionNo),
    type: 'work-version',
    workId: work.id,
    publisherId: work.publisherId,
    versionNo,
    ...draft.content,
    publishedAt: at,
    publishedBy: { accountId: actor.accountId, role: actor.role },
    draftRevision: draft.revision,
    search: buildSearchIndex(draft.content),
  };
}

/**
 * A version too large for one document, as a version document listing its chapters and a document per chapter with
 * the chapter's own search index (content-addressed ids: a second publication attempt of the same draft finds them).
 */
function splitVersion(whole: VersionDoc, content: WorkContent): { version: VersionDoc; chapters: ChapterDoc[] } {
  const chapters = content.chapters.map((chapter): ChapterDoc => {
    const doc: ChapterDoc = {
      id: chapterDocId(whole.id, chapter),
      type: 'work-chapter',
      publisherId: whole.publisherId,
      workId: whole.workId,
      chapter,
      search: buildSearchIndex({ ...content, chapters: [chapter] }),
    };
    if (bytes(doc) > MAX_CHAPTER_DOC_BYTES)
      throw new AppError('work_content_too_large', { params: { limit: Math.floor(MAX_CHAPTER_DOC_BYTES / 1024) } });
    return doc;
  });
  return {
    version: {
      ...whole,
      chapters: content.chapters.map(chapterStub),
      search: { ...whole.search, locations: [], terms: [] },
      chapterDocs: Object.fromEntries(chapters.map((d) => [d.chapter.id, d.id])),
    },
    chapters,
  };
}

const summary = (v: VersionDoc): VersionSummary => ({
  versionNo: v.versionNo,
  publishedAt: v.publishedAt,
  publishedBy: v.publishedBy,
  draftRevision: v.draftRevision,
});

/**
 * Publishes the draft as the next version (issue 18). Idempotent: publishing a draft revision that is already the
 * current version returns that version (`created` false); a retry after a lost answer finishes the same version.
 * Operations: the work, the draft, the version created, the work updated (four besides authentication).
 */
export async function publishDraft(
  services: Pick<Services, 'db' | 'clock' | 'telemetry'>,
  publisherId: string,
  workId: string,
  actor: Actor,
): Promise<{ version: VersionSummary; created: boolean }> {
  const work = await ownWork(services, publisherId, workId);
  const catalog = services.db.collection('catalog');
  const store = services.db.collection('content');
  const stored = await store.read<DraftDoc>(draftId(workId), publisherId);
  if (!stored || stored.type !== 'work-draft') throw new AppError('work_draft_not_found');
  const draft = await wholeDraft(services, stored);
  const state: WorkContentState = work.content ?? { versions: 0 };
  if (state.currentVersion !== undefined && state.publishedDraftRevision === draft.revision) {
    const current = await store.read<VersionDoc>(versionId(workId, state.currentVersion), publisherId);
    if (current) return { version: summary(current), created: false };
  }
  const versionNo = state.versions + 1;
  const whole = buildVersionDoc(work, versionNo, draft, actor, services.clock.now().toISOString());
  // A large version is stored per chapter: the chapters first (noted on the work first), then the version document.
  const split = bytes(whole) > MAX_VERSION_BYTES ? splitVersion(whole, draft.content) : undefined;
  let known: (ContentWorkDoc & Stored) | undefined = work;
  if (split) {
    known = (
      await notePendingChapters(
        services,
        work,
        versionNo,
        split.chapters.map((c) => c.id),
      )
    )?.doc;
    await createChapterDocs(services, split.chapters);
  }
  const candidate = split?.version ?? whole;
  let version: VersionDoc;
  let created = true;
  try {
    version = await store.create(candidate);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    // The id is taken: our own earlier attempt (same draft revision) whose work update was lost, or someone else's
    // publication in between (then the version stands as it is: it is immutable).
    const existing = await store.read<VersionDoc>(candidate.id, publisherId);
    if (!existing || existing.draftRevision !== draft.revision) throw new AppError('work_version_immutable');
    version = existing;
    created = false;
  }
  let strays: string[] = [];
  const next = (current: ContentWorkDoc): ContentWorkDoc | undefined => {
    const { pendingChapters, ...content } = current.content ?? { versions: 0 };
    if (content.versions >= versionNo) return undefined;
    const listed = new Set(Object.values(version.chapterDocs ?? {}));
    strays = pendingChapters?.versionNo === versionNo ? pendingChapters.ids.filter((id) => !listed.has(id)) : [];
    return {
      ...current,
      status: current.status === 'preparing' ? 'distributed' : current.status,
      content: {
        ...content,
        versions: versionNo,
        currentVersion: versionNo,
        publishedDraftRevision: draft.revision,
        // From the draft the version was made of (a split version's own document holds no pages).
        outline: outlineOf(draft.content.chapters),
        history: [...(content.history ?? []), { versionNo, publishedAt: version.publishedAt, role: version.publishedBy.role }].slice(-MAX_HISTORY),
      },
    };
  };
  await updateWithEtag<ContentWorkDoc>(catalog, workId, publisherId, next, { ...(known ? { current: known } : {}), type: 'work' });
  // Chapters of attempts at this version that failed before their version document: nothing lists them.
  for (const id of strays) await store.delete(id, publisherId);
  services.telemetry.event('content.published', { workId, publisherId, versionNo: String(versionNo), role: actor.role });
  return { version: summary(version), created };
}

/**
 * Notes on the work the chapter documents about to be created for version `versionNo` (see `pendingChapters`).
 * Refused when the version has been published meanwhile (its chapters are another's now).
 */
async function notePendingChapters(services: Pick<Services, 'db'>, work: ContentWorkDoc & Stored, versionNo: number, ids: string[]) {
  return updateWithEtag<ContentWorkDoc>(
    services.db.collection('catalog'),
    work.id,
    work.publisherId,
    (current) => {
      const content = current.content ?? { versions: 0 };
      if (content.versions + 1 !== versionNo) throw new AppError('work_version_immutable');
      const earlier = content.pendingChapters?.versionNo === versionNo ? content.pendingChapters.ids : [];
      if (ids.every((id) => earlier.includes(id))) return undefined;
      return { ...current, content: { ...content, pendingChapters: { versionNo, ids: [...new Set([...earlier, ...ids])] } } };
    },
    { current: work, type: 'work' },
  );
}

export interface WorkSummary {
  workId: string;
  title: string;
  language?: string;
  status: string;
  currentVersion?: number;
  /** Newest first: number, when, and the publishing CMS role (the account is on the version itself). */
  versions: VersionListed[];
}

/** The publisher's own view of a work: its state and the versions published (the work document only). */
export async function cmsWork(services: Pick<Services, 'db'>, publisherId: string, workId: string): Promise<WorkSummary> {
  return workSummary(await ownWork(services, publisherId, workId));
}

/** The summary of a work document the CMS routes answer with (created, read). */
export function workSummary(work: ContentWorkDoc): WorkSummary {
  return {
    workId: work.id,
    title: work.title,
    ...(work.language ? { language: work.language } : {}),
    status: work.status,
    ...(work.content?.currentVersion === undefined ? {} : { currentVersion: work.content.currentVersion }),
    versions: [...(work.content?.history ?? [])].reverse(),
  };
}
