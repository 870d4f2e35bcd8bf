import type { Doc } from '../platform/cosmos.js';
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

/** A draft's content is at most this big, so a version (content + search index) stays under Cosmos's 2 MB. */
export const MAX_CONTENT_BYTES = 800 * 1024;

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
  updatedAt: string;
  updatedBy: string;
}

export interface VersionDoc extends Doc, WorkVersion {
  type: 'work-version';
  draftRevision: number;
  search: SearchIndex;
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

export async function readVersionDoc(services: Pick<Services, 'db'>, workId: string, versionNo: number): Promise<VersionDoc | undefined> {
  const publisherId = publisherOfWork(workId);
  if (!publisherId) return undefined;
  const doc = await services.db.collection('content').read<VersionDoc>(versionId(workId, versionNo), publisherId);
  return doc?.type === 'work-version' && doc.workId === workId ? doc : undefined;
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
