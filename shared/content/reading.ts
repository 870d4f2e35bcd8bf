import { recordUsageEvent, type UsageSubject } from '../events/index.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { catalogSnapshot, mayOpenWork } from '../store/index.js';
import type { Block } from './model.js';
import { searchIndex, words } from './search.js';
import { type OutlineChapter, readContentWork, readVersionForReader } from './store.js';
import { studentView, type StudentWorkVersion } from './student-view.js';

/**
 * Students and teachers reading works (issue 18). The licence decides: `mayOpenWork` (store/licences.ts; school
 * licences count there too), one point read. Each route then reads one document by id in the publisher's partition
 * (the publisher is part of the work id), so opening costs 3 operations with authentication; a version stored per
 * chapter (a large work, store.ts) comes with its chapters in the same one query (`readVersionForReader`).
 */

async function assertMayOpen(services: Pick<Services, 'db' | 'clock'>, accountId: string, workId: string): Promise<void> {
  const access = await mayOpenWork(services, accountId, workId, services.clock.now());
  if (!access.allowed) throw new AppError('work_not_licensed');
}

export interface WorkOutline {
  workId: string;
  publisherId: string;
  title: string;
  language?: string;
  subjects: string[];
  grades: number[];
  currentVersion: number;
  chapters: OutlineChapter[];
  /**
   * OPS-2: the publisher stopped distributing the work. It is closed for new work (no new tasks or answers); its
   * pages stay readable while the reader's licence lasts (licences end when the withdrawal's job runs).
   */
  withdrawn: boolean;
}

/** The table of contents of the current published version, for a reader with a licence. */
export async function openWork(services: Pick<Services, 'db' | 'clock'>, accountId: string, workId: string): Promise<WorkOutline> {
  await assertMayOpen(services, accountId, workId);
  const work = await readContentWork(services, workId);
  const content = work?.content;
  if (!work || content?.currentVersion === undefined) throw new AppError('work_not_found');
  return {
    workId: work.id,
    publisherId: work.publisherId,
    title: work.title,
    ...(work.language ? { language: work.language } : {}),
    subjects: work.subjects,
    grades: work.grades ?? [],
    currentVersion: content.currentVersion,
    chapters: content.outline ?? [],
    withdrawn: work.status === 'withdrawn',
  };
}

/**
 * Whether new work (tasks, answers) may start in a work: false once the publisher has withdrawn it (OPS-2) or when it
 * has no published version. Answers already made stay readable (`loadPublishedVersion` needs no licence).
 */
export async function openForNewWork(services: Pick<Services, 'db'>, workId: string): Promise<boolean> {
  const work = await readContentWork(services, workId);
  return Boolean(work && work.status !== 'withdrawn' && work.content?.currentVersion !== undefined);
}

/** A published version (or one chapter of it) without its answer keys, for a reader with a licence. */
export async function openVersion(
  services: Pick<Services, 'db' | 'clock'>,
  accountId: string,
  workId: string,
  versionNo: number,
  chapterId?: string,
): Promise<StudentWorkVersion> {
  await assertMayOpen(services, accountId, workId);
  const version = await readVersionForReader(services, workId, versionNo, chapterId);
  if (!version) throw new AppError('work_version_not_found');
  if (chapterId !== undefined && !version.chapters.some((c) => c.id === chapterId)) throw new AppError('work_chapter_not_found');
  return studentView(version, chapterId);
}

export interface WorkSearchHit {
  chapterId: string;
  chapterTitle: string;
  pageId?: string;
  pageTitle?: string;
  blockId?: string;
  /** The start of the text found (what the student sees on the page; never a key). */
  snippet: string;
}

const SNIPPET = 160;
const SEARCH_HITS = 20;

function snippetOf(block: Block | undefined): string {
  if (!block) return '';
  const text = block.kind === 'exercise' ? block.exercise.prompt : block.kind === 'image' ? block.alt : block.text;
  return text.length > SNIPPET ? `${text.slice(0, SNIPPET - 1)}…` : text;
}

/** Full-text search inside one published version the reader may open (issue 18 item 6b), recorded as a usage event. */
export async function searchWork(
  services: Pick<Services, 'db' | 'clock' | 'bus' | 'telemetry'>,
  reader: UsageSubject,
  workId: string,
  versionNo: number,
  query: string,
): Promise<WorkSearchHit[]> {
  await assertMayOpen(services, reader.accountId, workId);
  const version = await readVersionForReader(services, workId, versionNo);
  if (!version) throw new AppError('work_version_not_found');
  // A split version has an index per chapter, in reading order; hits are counted over all of them.
  const hits = version.searchIndexes
    .flatMap((index) => searchIndex(index, query))
    .slice(0, SEARCH_HITS)
    .map((hit): WorkSearchHit => {
      const chapter = version.chapters.find((c) => c.id === hit.chapterId);
      const page = hit.pageId === undefined ? undefined : chapter?.pages.find((p) => p.id === hit.pageId);
      const block = hit.blockId === undefined ? undefined : page?.blocks.find((b) => b.id === hit.blockId);
      return {
        chapterId: hit.chapterId,
        chapterTitle: chapter?.title ?? '',
        ...(page ? { pageId: page.id, pageTitle: page.title } : {}),
        ...(block ? { blockId: block.id } : {}),
        snippet: block ? snippetOf(block) : (page?.title ?? chapter?.title ?? ''),
      };
    });
  await recordUsageEvent(services, reader, {
    kind: 'search',
    properties: {
      scope: 'work',
      workId,
      versionNo,
      words: words(query).length,
      characters: query.length,
      hits: hits.length,
      language: version.language,
    },
  });
  return hits;
}

export interface CatalogueHit {
  workId: string;
  publisherId: string;
  title: string;
  subjects: string[];
  grades: number[];
  country: string;
  language?: string;
}

export interface CatalogueQuery {
  q?: string;
  subject?: string;
  grade?: number;
  country?: string;
}

/**
 * Search of the catalogue by title words (each query word begins a title word; case ignored, diacritics kept),
 * subject, grade and country, over the shop's cached catalogue (store/catalog.ts: read whole at most every 5 minutes
 * per instance, never per user). Recorded as a usage event without the query text.
 */
export async function searchCatalogue(
  services: Pick<Services, 'db' | 'clock' | 'bus' | 'telemetry'>,
  reader: UsageSubject,
  query: CatalogueQuery,
): Promise<CatalogueHit[]> {
  const snapshot = await catalogSnapshot(services);
  const wanted = words(query.q ?? '');
  const hits = snapshot.works
    .filter((w) => {
      if (query.subject !== undefined && !w.subjects.includes(query.subject)) return false;
      if (query.country !== undefined && w.country !== query.country) return false;
      if (query.grade !== undefined && !(w.grades ?? []).includes(query.grade)) return false;
      const titleWords = words(w.title);
      return wanted.every((q) => titleWords.some((t) => t.startsWith(q)));
    })
    .slice(0, 50)
    .map((w) => ({
      workId: w.id,
      publisherId: w.publisherId,
      title: w.title,
      subjects: w.subjects,
      grades: w.grades ?? [],
      country: w.country,
      ...(w.language ? { language: w.language } : {}),
    }));
  await recordUsageEvent(services, reader, {
    kind: 'search',
    properties: {
      scope: 'catalogue',
      words: wanted.length,
      characters: (query.q ?? '').length,
      hits: hits.length,
      ...(query.subject ? { subject: query.subject } : {}),
      ...(query.grade === undefined ? {} : { grade: query.grade }),
    },
  });
  return hits;
}
