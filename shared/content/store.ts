import { createHash } from 'node:crypto';

import { type Doc, DocumentExistsError, type Stored } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import type { WorkDoc } from '../store/index.js';
import type { Block, Chapter, Exercise, Page, WorkContent, WorkVersion } from './model.js';
import type { SearchIndex } from './search.js';

/**
 * Where content lives (partition publisherId everywhere):
 * - the shop's work document (container `catalog`, `id` = workId, type 'work') gains `content`: the current published
 *   version, its outline and the list of versions;
 * - container `content` (kept apart so the catalogue's snapshot never reads through large documents):
 *   `draft:<workId>` (type 'work-draft'): what CMS users edit, one document, at most MAX_CONTENT_BYTES;
 *   `version:<workId>:<n>` (type 'work-version'): a published version with its search index, only ever created.
 * Work ids made by the CMS are `<publisherId>.<slug>`, so the publisher (the partition) is known from the id alone:
 * opening a work costs no query (DESIGN.md section 4).
 */

/**
 * Size rules (issue 18 c). A draft or version whose content is at most INLINE_CONTENT_BYTES keeps it in its one
 * document, as small works always did (their costs unchanged). A bigger one keeps each chapter in a document of its
 * own (type 'work-chapter', content-addressed: `<draft or version id>:ch:<chapterId>:<hash>`), listed by the draft or
 * version document in `chapterDocs`, whose `chapters` then hold only ids and titles. A chapter's document, its search
 * index included, stays well under Cosmos's 2 MB with a chapter of at most MAX_CHAPTER_BYTES; a work is at most
 * MAX_CONTENT_BYTES. Readers get a split version in one query by id prefix (`readVersionForReader`, no more than a
 * small one); other reads (answer checking, tasks) read the version, then its chapters (one point read or one query).
 */
export const INLINE_CONTENT_BYTES = 800 * 1024;
export const MAX_CHAPTER_BYTES = 900 * 1024;
export const MAX_CONTENT_BYTES = 8 * 1024 * 1024;

export interface OutlineChapter {
  id: string;
  title: string;
  pages: { id: string; title: string }[];
}

export interface WorkContentState {
  /** The newest published version (absent until the first publication). */
  currentVersion?: number;
  /** Versions published so far (the next is versions + 1). */
  versions: number;
  /** The draft revision the current version was published from (publishing it again changes nothing). */
  publishedDraftRevision?: number;
  outline?: OutlineChapter[];
  /** The versions published (newest last, at most the last 200): number, when, and the publishing CMS role. */
  history?: VersionListed[];
  /**
   * Chapter documents a publication of version `versionNo` (the next) is creating, noted before they are created: an
   * attempt that fails before its version document leaves them behind, and the publication that makes the version
   * deletes those its version does not list (a retry with another draft, or a small one, leaves no stray chapter).
   */
  pendingChapters?: { versionNo: number; ids: string[] };
}

export interface VersionListed {
  versionNo: number;
  publishedAt: string;
  role: string;
}

/** The shop's work document (store/model.ts) as content sees it: `status` 'preparing' until its first publication. */
export interface ContentWorkDoc extends Doc {
  type: 'work';
  publisherId: string;
  title: string;
  subjects: string[];
  country: WorkDoc['country'];
  language?: string;
  grades?: number[];
  status: WorkDoc['status'] | 'preparing';
  content?: WorkContentState;
}

export interface DraftDoc extends Doc {
  type: 'work-draft';
  publisherId: string;
  workId: string;
  revision: number;
  content: WorkContent;
  /** Split drafts: chapter id -> its 'work-chapter' document (content.chapters then hold only ids and titles). */
  chapterDocs?: Record<string, string>;
  /**
   * Chapter documents that may exist without this draft listing them: noted by a save before it creates them, or
   * retired by the save that wrote this draft; deleted by the next save (publishing.ts `saveDraft`).
   */
  strayChapters?: string[];
  updatedAt: string;
  updatedBy: string;
}

export interface VersionDoc extends Doc, WorkVersion {
  type: 'work-version';
  draftRevision: number;
  /** The whole version's index; empty in a split version (each chapter document has its own). */
  search: SearchIndex;
  /** Split versions: chapter id -> its 'work-chapter' document. */
  chapterDocs?: Record<string, string>;
}

/** One chapter of a split draft or version, with (in a version) its search index. Only ever created. */
export interface ChapterDoc extends Doc {
  type: 'work-chapter';
  publisherId: string;
  workId: string;
  chapter: Chapter;
  search?: SearchIndex;
}

/** A version as readers get it: every chapter whole (or the one asked for), and the search indexes to look in. */
export interface ReadVersion extends VersionDoc {
  searchIndexes: SearchIndex[];
}

const chapterHash = (chapter: Chapter) => createHash('sha256').update(JSON.stringify(chapter)).digest('hex').slice(0, 16);
export const chapterDocId = (ownerId: string, chapter: Chapter) => `${ownerId}:ch:${chapter.id}:${chapterHash(chapter)}`;
/** What a split document keeps of a chapter. */
export const chapterStub = (chapter: Chapter): Chapter => ({ id: chapter.id, title: chapter.title, pages: [] });

/** The chapter documents with these ids, in the publisher's partition: one point read for one, one query for more. */
export async function readChapterDocs(services: Pick<Services, 'db'>, publisherId: string, ids: readonly string[]): Promise<Map<string, ChapterDoc>> {
  const content = services.db.collection('content');
  const docs =
    ids.length === 1
      ? [await content.read<ChapterDoc>(ids[0]!, publisherId)]
      : ids.length === 0
        ? []
        : await content.queryAll<ChapterDoc>(publisherId, { where: 'ARRAY_CONTAINS(@ids, c.id)', parameters: [{ name: '@ids', value: [...ids] }] });
  return new Map(docs.filter((d): d is ChapterDoc & Stored => d?.type === 'work-chapter').map((d) => [d.id, d]));
}

/** The chapters of a split document with their bodies from `docs` (a chapter not among them stays a stub). */
export function withChapterBodies(chapters: readonly Chapter[], chapterDocs: Record<string, string>, docs: Map<string, ChapterDoc>): Chapter[] {
  return chapters.map((c) => {
    const docId = chapterDocs[c.id];
    return (docId && docs.get(docId)?.chapter) || c;
  });
}

/** Creates chapter documents (content-addressed: one already there holds the same chapter). */
export async function createChapterDocs(services: Pick<Services, 'db'>, docs: readonly ChapterDoc[]): Promise<void> {
  for (const doc of docs)
    try {
      await services.db.collection('content').create(doc);
    } catch (error) {
      if (!(error instanceof DocumentExistsError)) throw error;
    }
}

export const draftId = (workId: string) => `draft:${workId}`;
export const versionId = (workId: string, versionNo: number) => `version:${workId}:${versionNo}`;

/** The publisher encoded in a CMS work id (`<publisherId>.<slug>`), or undefined for ids that carry none. */
export function publisherOfWork(workId: string): string | undefined {
  const dot = workId.indexOf('.');
  return dot > 0 ? workId.slice(0, dot) : undefined;
}

export const outlineOf = (chapters: readonly Chapter[]): OutlineChapter[] =>
  chapters.map((c) => ({ id: c.id, title: c.title, pages: c.pages.map((p) => ({ id: p.id, title: p.title })) }));

function toWorkVersion(doc: VersionDoc): WorkVersion {
  const { workId, publisherId, versionNo, title, language, chapters, publishedAt, publishedBy } = doc;
  return { workId, publisherId, versionNo, title, language, chapters, publishedAt, publishedBy };
}

/**
 * A published version with its chapters: one point read, and for a split version its chapters' documents (only the
 * chapter asked for, when one is).
 */
async function readVersionDoc(
  services: Pick<Services, 'db'>,
  workId: string,
  versionNo: number,
  chapterId?: string,
): Promise<ReadVersion | undefined> {
  const publisherId = publisherOfWork(workId);
  if (!publisherId) return undefined;
  const doc = await services.db.collection('content').read<VersionDoc>(versionId(workId, versionNo), publisherId);
  if (doc?.type !== 'work-version' || doc.workId !== workId) return undefined;
  if (!doc.chapterDocs) return { ...doc, searchIndexes: [doc.search] };
  const map = doc.chapterDocs;
  const wanted = chapterId === undefined ? doc.chapters.map((c) => map[c.id]!) : map[chapterId] ? [map[chapterId]] : [];
  const docs = await readChapterDocs(services, publisherId, wanted);
  const searchIndexes = doc.chapters.flatMap((c) => docs.get(map[c.id] ?? '')?.search ?? []);
  return { ...doc, chapters: withChapterBodies(doc.chapters, map, docs), searchIndexes };
}

/**
 * A published version for a reader (the reading and search routes): like `readVersionDoc`, but the version and its
 * chapters' documents (or the one chapter's) come in ONE single-partition query by id and id prefix, so a large work
 * costs what a small one does (authentication, the licence, this query: the GET budget of 3). A chapter document the
 * version does not list (left by a failed publication) is ignored.
 */
export async function readVersionForReader(
  services: Pick<Services, 'db'>,
  workId: string,
  versionNo: number,
  chapterId?: string,
): Promise<ReadVersion | undefined> {
  const publisherId = publisherOfWork(workId);
  if (!publisherId) return undefined;
  const id = versionId(workId, versionNo);
  const prefix = chapterId === undefined ? `${id}:ch:` : `${id}:ch:${chapterId}:`;
  const rows = await services.db.collection('content').queryAll<VersionDoc | ChapterDoc>(publisherId, {
    where: 'c.id = @id OR STARTSWITH(c.id, @prefix)',
    parameters: [
      { name: '@id', value: id },
      { name: '@prefix', value: prefix },
    ],
  });
  const doc = rows.find((r): r is VersionDoc & Stored => r.id === id && r.type === 'work-version');
  if (!doc || doc.workId !== workId) return undefined;
  if (!doc.chapterDocs) return { ...doc, searchIndexes: [doc.search] };
  const map = doc.chapterDocs;
  const listed = new Set(Object.values(map));
  const docs = new Map(rows.filter((r): r is ChapterDoc & Stored => r.type === 'work-chapter' && listed.has(r.id)).map((d) => [d.id, d]));
  const searchIndexes = doc.chapters.flatMap((c) => docs.get(map[c.id] ?? '')?.search ?? []);
  return { ...doc, chapters: withChapterBodies(doc.chapters, map, docs), searchIndexes };
}

export async function readContentWork(services: Pick<Services, 'db'>, workId: string): Promise<ContentWorkDoc | undefined> {
  const publisherId = publisherOfWork(workId);
  if (!publisherId) return undefined;
  const doc = await services.db.collection('catalog').read<ContentWorkDoc & Doc>(workId, publisherId);
  return doc?.type === 'work' && doc.publisherId === publisherId ? doc : undefined;
}

/**
 * A published version of a work, without any licence check (for checking answers, and for showing answers already
 * made in a withdrawn work during their retention): `versionNo`, or the current version (one read more).
 * One point read with a version number; two without.
 */
export async function loadPublishedVersion(services: Pick<Services, 'db'>, workId: string, versionNo?: number): Promise<WorkVersion | undefined> {
  let number = versionNo;
  if (number === undefined) {
    number = (await readContentWork(services, workId))?.content?.currentVersion;
    if (number === undefined) return undefined;
  }
  const doc = await readVersionDoc(services, workId, number);
  return doc && toWorkVersion(doc);
}

/**
 * The current published version for new work in it (a task, OPS-2): `work_withdrawn` once the publisher has withdrawn
 * the work, undefined when it has none. The same two point reads as `loadPublishedVersion`: the work document that
 * names the current version also carries the withdrawal, so the check costs nothing more.
 */
export async function loadVersionForNewWork(services: Pick<Services, 'db'>, workId: string): Promise<WorkVersion | undefined> {
  const work = await readContentWork(services, workId);
  if (work?.status === 'withdrawn') throw new AppError('work_withdrawn');
  const number = work?.content?.currentVersion;
  if (number === undefined) return undefined;
  const doc = await readVersionDoc(services, workId, number);
  return doc && toWorkVersion(doc);
}

export interface FoundExercise {
  exercise: Exercise;
  chapterId: string;
  pageId: string;
}

/** An exercise of a version by its id (ids are unique within a work), with where it sits. */
export function findExercise(version: Pick<WorkVersion, 'chapters'>, exerciseId: string): FoundExercise | undefined {
  for (const chapter of version.chapters)
    for (const page of chapter.pages)
      for (const block of page.blocks)
        if (block.kind === 'exercise' && block.exercise.id === exerciseId)
          return { exercise: block.exercise, chapterId: chapter.id, pageId: page.id };
  return undefined;
}

/** Every exercise of a version, in reading order. */
export function exercisesOf(version: Pick<WorkVersion, 'chapters'>): Exercise[] {
  return version.chapters.flatMap((c: Chapter) =>
    c.pages.flatMap((p: Page) => p.blocks.flatMap((b: Block) => (b.kind === 'exercise' ? [b.exercise] : []))),
  );
}
