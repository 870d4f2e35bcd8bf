import { ConcurrentUpdateError, type Stored } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import type { PackageDoc, PackageWorkCopy, PublisherDoc, WorkDoc } from './model.js';

export async function readPackage(
  services: Pick<Services, 'db'>,
  publisherId: string,
  packageId: string,
): Promise<(PackageDoc & Stored) | undefined> {
  const doc = await services.db.collection('catalog').read<PackageDoc>(packageId, publisherId);
  return doc?.type === 'package' ? doc : undefined;
}

/** The works of one publisher with these ids: point reads for one or two, otherwise one single-partition query. */
const POINT_READS_UP_TO = 2;

export async function readWorks(services: Pick<Services, 'db'>, publisherId: string, workIds: readonly string[]): Promise<Map<string, WorkDoc>> {
  if (workIds.length === 0) return new Map();
  const catalog = services.db.collection('catalog');
  // Up to two works, point reads cost no more Cosmos requests than a query and its query plan (issue 11), and less RU.
  if (workIds.length <= POINT_READS_UP_TO) {
    const read = await Promise.all(workIds.map((id) => catalog.read<WorkDoc>(id, publisherId)));
    return new Map(read.filter((w): w is WorkDoc & Stored => w?.type === 'work').map((w) => [w.id, w]));
  }
  const works = await catalog.queryAll<WorkDoc & Stored>(publisherId, {
    where: 'c.type = @type AND ARRAY_CONTAINS(@ids, c.id)',
    parameters: [
      { name: '@type', value: 'work' },
      { name: '@ids', value: [...workIds] },
    ],
  });
  return new Map(works.map((w) => [w.id, w]));
}

/**
 * The package's works as its copies give them, when the copies cover every work and each says `distributed` (then no
 * work needs reading: a work that leaves distribution updates the copies in the same batch). Undefined otherwise.
 */
export function distributedCopies(pkg: PackageDoc): { id: string; title: string }[] | undefined {
  const copies = new Map((pkg.works ?? []).map((copy) => [copy.workId, copy]));
  const works = pkg.workIds.map((id) => copies.get(id));
  if (works.some((copy) => copy?.status !== 'distributed')) return undefined;
  return (works as PackageWorkCopy[]).map((copy) => ({ id: copy.workId, title: copy.title }));
}

/** The copy of a work a package keeps (`PackageDoc.works`). */
export const workCopy = (work: Pick<WorkDoc, 'id' | 'title' | 'status'>): PackageWorkCopy => ({
  workId: work.id,
  title: work.title,
  status: work.status,
});

/**
 * Read, change and write a work under its ETag, like `updateWithEtag`, and when its status or title changes, write
 * the copies of the packages holding it in the same transactional batch (packages and works share the publisher's
 * partition): checkout trusts a copy that says `distributed` (issue 11), so a work never leaves distribution without
 * its copies. Packages without copies are left alone (checkout reads their works). Undefined when there is no such work.
 */
export async function changeWorkAndCopies(
  services: Pick<Services, 'db'>,
  publisherId: string,
  workId: string,
  change: (current: WorkDoc & Stored) => WorkDoc | undefined,
): Promise<{ doc: WorkDoc & Stored; changed: boolean } | undefined> {
  const catalog = services.db.collection('catalog');
  for (let attempt = 0; attempt < 5; attempt++) {
    const work = await catalog.read<WorkDoc>(workId, publisherId);
    if (work?.type !== 'work') return undefined;
    const next = change(work);
    if (!next) return { doc: work, changed: false };
    const copying = next.status === work.status && next.title === work.title ? [] : await packagesCopying(services, publisherId, workId);
    const packages = copying.map((pkg) => ({
      replace: { ...pkg, works: pkg.works!.map((copy) => (copy.workId === workId ? workCopy(next) : copy)) },
    }));
    const written = await catalog.writeTogether(publisherId, [{ replace: { ...next, _etag: work._etag } }, ...packages]);
    if (written.ok) return { doc: written.docs[0] as WorkDoc & Stored, changed: true };
    // 412: the work or a package changed since read; 404: a package went meanwhile. Read and decide again.
    if (written.status !== 412 && written.status !== 404) throw new Error(`The work's batch failed at ${written.failedIndex} with ${written.status}`);
  }
  throw new ConcurrentUpdateError('catalog');
}

/** The publisher's packages that keep a copy of this work (one single-partition query). */
async function packagesCopying(services: Pick<Services, 'db'>, publisherId: string, workId: string): Promise<(PackageDoc & Stored)[]> {
  const packages = await services.db.collection('catalog').queryAll<PackageDoc & Stored>(publisherId, {
    where: 'c.type = @type AND ARRAY_CONTAINS(c.workIds, @workId)',
    parameters: [
      { name: '@type', value: 'package' },
      { name: '@workId', value: workId },
    ],
  });
  return packages.filter((pkg) => pkg.works?.some((copy) => copy.workId === workId));
}

export interface CatalogSnapshot {
  at: number;
  publishers: { id: string; name: string; country: string }[];
  works: {
    id: string;
    publisherId: string;
    title: string;
    subjects: string[];
    country: string;
    language?: string;
    grades?: number[];
    /** The chapters of the current published version (usage events name no others: events/plausible.ts). */
    chapterIds: string[];
  }[];
  packages: { id: string; publisherId: string; title: string; workIds: string[]; priceCentsPerMonth: number; country: string }[];
}

const SNAPSHOT_MS = 5 * 60_000;
let snapshot: { db: unknown; value: Promise<CatalogSnapshot> } | undefined;

/**
 * The shop's catalogue: small, public and the same for everyone, so it is read as a whole at most once per
 * 5 minutes per instance (a cross-partition query, never per user) and served from memory. Only works that are
 * distributed and packages whose works all are appear. Checkout re-reads the package (and its works unless the
 * package's copies of them all say distributed) itself.
 */
export async function catalogSnapshot(services: Pick<Services, 'db' | 'clock'>): Promise<CatalogSnapshot> {
  const now = Date.now();
  if (snapshot && snapshot.db === services.db) {
    const current = await snapshot.value.catch(() => undefined);
    if (current && now - current.at < SNAPSHOT_MS) return current;
  }
  const value = loadSnapshot(services);
  snapshot = { db: services.db, value };
  return value;
}

/** Forget the snapshot (after a work is withdrawn, this instance shows it at once). */
export function invalidateCatalogSnapshot(): void {
  snapshot = undefined;
}

async function loadSnapshot(services: Pick<Services, 'db'>): Promise<CatalogSnapshot> {
  const catalog = services.db.collection('catalog');
  const docs: (PublisherDoc | WorkDoc | PackageDoc)[] = [];
  let continuation: string | undefined;
  do {
    const page = await catalog.crossPartitionQuery<PublisherDoc | WorkDoc | PackageDoc>(
      "SELECT * FROM c WHERE c.type = 'publisher' OR c.type = 'work' OR c.type = 'package'",
      [],
      continuation,
      500,
    );
    docs.push(...page.items);
    continuation = page.continuation;
  } while (continuation);
  const works = docs.filter((d): d is WorkDoc => d.type === 'work' && d.status === 'distributed');
  const available = new Set(works.map((w) => w.id));
  const packages = docs.filter(
    (d): d is PackageDoc => d.type === 'package' && (d.status ?? 'on-sale') === 'on-sale' && d.workIds.every((id) => available.has(id)),
  );
  return {
    at: Date.now(),
    publishers: docs.filter((d): d is PublisherDoc => d.type === 'publisher').map((p) => ({ id: p.id, name: p.name, country: p.country })),
    works: works.map((w) => ({
      id: w.id,
      publisherId: w.publisherId,
      title: w.title,
      subjects: w.subjects,
      country: w.country,
      ...(w.language ? { language: w.language } : {}),
      ...(w.grades ? { grades: w.grades } : {}),
      chapterIds: (w.content?.outline ?? []).map((chapter) => chapter.id),
    })),
    packages: packages.map((p) => ({
      id: p.id,
      publisherId: p.publisherId,
      title: p.title,
      workIds: p.workIds,
      priceCentsPerMonth: p.priceCentsPerMonth,
      country: p.country,
    })),
  };
}
