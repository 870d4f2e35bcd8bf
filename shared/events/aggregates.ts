import { ConcurrentUpdateError, type Doc, type Stored, updateWithEtag } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { type ClientEvent, keyedHash } from './batches.js';

/**
 * Anonymous aggregates of usage events (LOG-1, STAT-1, STAT-2), container `stats`, partition `scope`:
 * - `m:<municipality>` (or `s:<schoolId>` for a school without one): a municipality's schools, so its statistics over
 *   any months are one single-partition query. Daily counts per school, role group and work (`d|…`), and distinct
 *   people per month per school and role group: per work, per subject and over all works (`m|…`).
 * - `p:<publisherId>`: a publisher's works over any months in one single-partition query. Daily counts per work,
 *   chapter and country (`d|…`), distinct people per month per work and per chapter (`m|…`).
 * Counts are views, seconds, searches and interactions; nothing in a cell names a person. A person is counted once
 * per month and cell through their person-month marker, whose keys are keyed hashes (see `markPeople`).
 * A batch is added to a cell together with a marker naming it (`applyChange`), so a batch redelivered after a partial
 * failure, however late, adds nothing twice; the batch record (record.ts) drops a batch that was wholly applied.
 */

interface Counts {
  views: number;
  seconds: number;
  searches: number;
  interactions: number;
  /** Tasks done: submitted answers (per exercise cell: answers to the exercise). Absent in cells written before it. */
  tasks?: number;
}

/** A student submitted a task's answer (LRN-3): made by the server from the stored answer, never posted by a browser. */
interface TaskDoneEvent {
  kind: 'task-done';
  at: string;
  workId: string;
  exerciseIds: string[];
}
export type AggregateEvent = ClientEvent | TaskDoneEvent;

/** What the aggregates need to know of a work (from the catalogue) and of the person's schools. */
export interface WorkFacts {
  publisherId: string;
  subjects: string[];
  /** The chapters of its current published version (none for a work without published content). */
  chapterIds?: ReadonlySet<string>;
}
export interface SchoolFacts {
  schoolId: string;
  municipality?: string;
  /** 'student' or 'staff' (every other school role): statistics mostly ask about students. */
  group: 'student' | 'staff';
  /** The school's country (the ministry's regions are grouped by it). */
  country?: string;
}

interface CellBase extends Doc {
  scope: string;
}

export interface DailyCellDoc extends CellBase, Counts {
  type: 'usage-daily';
  day: string;
  month: string;
  workId: string;
  chapterId?: string;
  /** Publisher partitions: a cell without chapterId counts tasks done in the work; one with exerciseId, answers to it. */
  exerciseId?: string;
  subjects?: string[];
  schoolId?: string;
  municipality?: string;
  group?: 'student' | 'staff';
  country?: string;
}

/**
 * A month's counts of one school, role group and work, or (without schoolId) of the municipality, where a person of two
 * of its schools counts once: the municipality report reads months, never days.
 */
export interface MonthCountsDoc extends CellBase, Counts {
  type: 'usage-month-counts';
  month: string;
  workId: string;
  subjects?: string[];
  schoolId?: string;
  municipality?: string;
  group: 'student' | 'staff';
}

export interface MonthlyCellDoc extends CellBase {
  type: 'usage-monthly';
  month: string;
  /** Without schoolId in a municipality partition, or in a country partition: the area's distinct people. */
  level: 'work' | 'chapter' | 'exercise' | 'subject' | 'all-works';
  workId?: string;
  chapterId?: string;
  exerciseId?: string;
  subject?: string;
  country?: string;
  schoolId?: string;
  municipality?: string;
  group?: 'student' | 'staff';
  /** Distinct people of the month in this cell (never who). */
  people: number;
}

/**
 * What this instance last wrote, so the next change of a document needs no read first: the newest cell documents
 * (written under their ETag, so a stale one only costs the read it tried to save) and which person-month-cells are
 * marked by which batch. Bounded, least recently used out: memory stays flat however many events pass.
 */
class Recent<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
interface RecentOfDatabase {
  cells: Recent<AggregateCellDoc & Stored>;
  marks: Recent<string>;
}
/** Per database: the local host and tests may run several in one process. */
const recentByDatabase = new WeakMap<object, RecentOfDatabase>();
function recentOf(db: object): RecentOfDatabase {
  let recent = recentByDatabase.get(db);
  if (!recent) recentByDatabase.set(db, (recent = { cells: new Recent(5_000), marks: new Recent(50_000) }));
  return recent;
}

const NO_WORK = '-';

type AggregateCellDoc = DailyCellDoc | MonthlyCellDoc | MonthCountsDoc;

const zero = (): Counts => ({ views: 0, seconds: 0, searches: 0, interactions: 0, tasks: 0 });
const countsOf = (event: AggregateEvent): Counts => ({
  views: event.kind === 'page-view' ? 1 : 0,
  seconds: event.kind === 'page-view' ? event.seconds : 0,
  searches: event.kind === 'search' ? 1 : 0,
  interactions: event.kind === 'interaction' ? 1 : 0,
  tasks: event.kind === 'task-done' ? 1 : 0,
});
const add = (a: Counts, b: Counts): Counts => ({
  views: a.views + b.views,
  seconds: a.seconds + b.seconds,
  searches: a.searches + b.searches,
  interactions: a.interactions + b.interactions,
  tasks: (a.tasks ?? 0) + (b.tasks ?? 0),
});

/** A municipality's name as a partition value (ids and keys may not hold / \ ? #). */
export const schoolScope = (school: Pick<SchoolFacts, 'schoolId' | 'municipality'>) =>
  school.municipality ? `m:${school.municipality.trim().replace(/[/\\?#]/g, '-')}` : `s:${school.schoolId}`;
export const publisherScope = (publisherId: string) => `p:${publisherId}`;
/** A country's distinct people (the ministry's national totals), beside its municipalities' partitions. */
const countryScope = (country: string) => `c:${country}`;

export interface CellChange {
  scope: string;
  id: string;
  /** The fields that name the cell (day or month, school, work…), for creating it. */
  fields: Record<string, string | string[]>;
  type: 'usage-daily' | 'usage-monthly' | 'usage-month-counts';
  counts?: Counts;
}

export interface BatchFacts {
  events: AggregateEvent[];
  country?: string;
  works: Map<string, WorkFacts>;
  schools: SchoolFacts[];
}

/**
 * The count cells one batch changes, summed over its events (a batch of 100 page views is a few writes): per day, and
 * per month for a municipality's schools (its report reads months only), and per exercise for a task done.
 */
export function dailyChanges(facts: BatchFacts): CellChange[] {
  const cells = new Map<string, CellChange>();
  const bump = (change: Omit<CellChange, 'counts'>, counts: Counts) => {
    const key = `${change.scope}\n${change.id}`;
    const known = cells.get(key);
    cells.set(key, { ...change, counts: add(known?.counts ?? zero(), counts) });
  };
  for (const event of facts.events) {
    const workId = event.workId ?? NO_WORK;
    const work = event.workId ? facts.works.get(event.workId) : undefined;
    // A work the catalogue does not know (withdrawn, mistyped) is left out of the aggregates; catalogue searches are not.
    if (event.workId && !work) continue;
    const day = event.at.slice(0, 10);
    const month = event.at.slice(0, 7);
    const counts = countsOf(event);
    // Over a municipality once, however many of its schools the person is in (in the same role group).
    const areas = new Set<string>();
    for (const { municipality, group } of facts.schools) {
      if (!municipality || areas.has(`${municipality}|${group}`)) continue;
      areas.add(`${municipality}|${group}`);
      const scope = schoolScope({ schoolId: '', municipality });
      const fields = { month, workId, municipality, group, ...(work ? { subjects: work.subjects } : {}) };
      bump({ scope, id: `cm|${month}|${group}|${workId}`, type: 'usage-month-counts', fields }, counts);
    }
    for (const school of facts.schools) {
      const scope = schoolScope(school);
      const fields = {
        month,
        workId,
        schoolId: school.schoolId,
        group: school.group,
        ...(school.municipality ? { municipality: school.municipality } : {}),
        ...(work ? { subjects: work.subjects } : {}),
      };
      bump({ scope, id: `d|${day}|${school.schoolId}|${school.group}|${workId}`, type: 'usage-daily', fields: { day, ...fields } }, counts);
      bump({ scope, id: `c|${month}|${school.schoolId}|${school.group}|${workId}`, type: 'usage-month-counts', fields }, counts);
    }
    if (!work) continue;
    const scope = publisherScope(work.publisherId);
    const subjects = work.subjects;
    if (event.kind === 'task-done') {
      // A task is of the work, not of a chapter: its own cell, and one per exercise answered.
      bump({ scope, id: `d|${day}|${workId}|t`, type: 'usage-daily', fields: { day, month, workId, subjects } }, counts);
      for (const exerciseId of new Set(event.exerciseIds))
        bump({ scope, id: `d|${day}|${workId}|x|${exerciseId}`, type: 'usage-daily', fields: { day, month, workId, exerciseId, subjects } }, counts);
      continue;
    }
    const chapterId = event.chapterId ?? NO_WORK;
    const country = facts.country ?? NO_WORK;
    bump(
      { scope, id: `d|${day}|${workId}|${chapterId}|${country}`, type: 'usage-daily', fields: { day, month, workId, chapterId, country, subjects } },
      counts,
    );
  }
  return [...cells.values()];
}

/**
 * The monthly distinct-people cells a person's batch touches (only for people whose usage may be recorded): per
 * school, and over the municipality and the country, so that a person of two schools is one person there (the marker
 * is per person, month and cell); per publisher work, chapter and exercise.
 */
export function peopleCells(facts: BatchFacts): CellChange[] {
  const cells = new Map<string, CellChange>();
  const touch = (change: CellChange) => cells.set(`${change.scope}\n${change.id}`, change);
  const type = 'usage-monthly' as const;
  for (const event of facts.events) {
    const month = event.at.slice(0, 7);
    const work = event.workId ? facts.works.get(event.workId) : undefined;
    const workId = work ? event.workId : undefined;
    for (const school of facts.schools) {
      const scope = schoolScope(school);
      const { group, municipality, country } = school;
      const base = { month, schoolId: school.schoolId, group, ...(municipality ? { municipality } : {}) };
      touch({ scope, type, id: `m|${month}|${school.schoolId}|${group}|all`, fields: { ...base, level: 'all-works' } });
      const area = { month, group, ...(municipality ? { municipality } : {}), ...(country ? { country } : {}) };
      if (municipality) touch({ scope, type, id: `mm|${month}|${group}|all`, fields: { ...area, level: 'all-works' } });
      if (country)
        touch({ scope: countryScope(country), type, id: `m|${month}|${group}|all`, fields: { month, group, country, level: 'all-works' } });
      if (!work || !workId) continue;
      touch({ scope, type, id: `m|${month}|${school.schoolId}|${group}|w|${workId}`, fields: { ...base, level: 'work', workId } });
      if (municipality) touch({ scope, type, id: `mm|${month}|${group}|w|${workId}`, fields: { ...area, level: 'work', workId } });
      for (const subject of work.subjects)
        touch({ scope, type, id: `m|${month}|${school.schoolId}|${group}|s|${subject}`, fields: { ...base, level: 'subject', subject } });
    }
    if (!work || !workId) continue;
    const scope = publisherScope(work.publisherId);
    touch({ scope, type, id: `m|${month}|w|${workId}`, fields: { month, level: 'work', workId } });
    if (event.kind !== 'task-done' && event.chapterId)
      touch({
        scope,
        type,
        id: `m|${month}|c|${workId}|${event.chapterId}`,
        fields: { month, level: 'chapter', workId, chapterId: event.chapterId },
      });
    if (event.kind === 'task-done')
      for (const exerciseId of event.exerciseIds)
        touch({ scope, type, id: `m|${month}|x|${workId}|${exerciseId}`, fields: { month, level: 'exercise', workId, exerciseId } });
  }
  return [...cells.values()];
}

interface PersonMonthDoc extends Doc {
  type: 'usage-person-month';
  scope: string;
  month: string;
  /** Keyed hash of a cell -> keyed hash of the batch that first counted the person there. */
  cells: Record<string, string>;
}

/**
 * Which of `cells` count this person for the first time this month. One marker document per person and month, id
 * and keys keyed hashes (nothing in it names the person, a cell or a batch without the key), gone by TTL after the
 * month. A cell counts when this batch is the one that first marked it: a redelivery of that batch counts it again,
 * which the cell's marker for that batch turns into nothing.
 */
export async function markPeople(
  services: Pick<Services, 'db' | 'config'>,
  accountId: string,
  batchKey: string,
  cells: CellChange[],
): Promise<CellChange[]> {
  const byMonth = new Map<string, CellChange[]>();
  for (const cell of cells) {
    const month = String(cell.fields.month);
    byMonth.set(month, [...(byMonth.get(month) ?? []), cell]);
  }
  const counted: CellChange[] = [];
  const recentMarks = recentOf(services.db).marks;
  for (const [month, monthCells] of byMonth) {
    const id = `u:${keyedHash(services.config, 'person-month', `${accountId}|${month}`)}`;
    const keyOf = (cell: CellChange) => keyedHash(services.config, 'person-cell', `${accountId}|${cell.scope}|${cell.id}`, 16);
    const known = monthCells.map((cell) => recentMarks.get(`${id}|${keyOf(cell)}`));
    // Every cell already marked, as this instance knows: nothing to read (the person's next batches in a session).
    if (known.every((batch) => batch !== undefined)) {
      counted.push(...monthCells.filter((_, i) => known[i] === batchKey));
      continue;
    }
    const marked = (cellsSoFar: Record<string, string>) => {
      const next = { ...cellsSoFar };
      for (const cell of monthCells) next[keyOf(cell)] ??= batchKey;
      return next;
    };
    const result = await updateWithEtag<PersonMonthDoc>(
      services.db.collection('stats'),
      id,
      id,
      (doc) => (monthCells.every((c) => doc.cells[keyOf(c)] !== undefined) ? undefined : { ...doc, cells: marked(doc.cells) }),
      { attempts: 20, create: () => ({ id, type: 'usage-person-month', scope: id, month, cells: marked({}) }) },
    );
    const stored = result?.doc.cells ?? {};
    for (const cell of monthCells) {
      const by = stored[keyOf(cell)];
      if (by !== undefined) recentMarks.set(`${id}|${keyOf(cell)}`, by);
      if (by === batchKey) counted.push(cell);
    }
  }
  return counted;
}

/**
 * Adds a batch's change to one cell, exactly once however often and however late the batch is delivered: the cell's
 * replace (under its ETag) and a marker document `a|<cell>|<batch key>` are one transactional batch in the cell's
 * partition, so a redelivery's marker create fails (409) and nothing is added. Changes to one cell from batches this
 * instance records at the same time go in one commit (group commit, at most MAX_BATCHES_PER_COMMIT): a popular school's
 * cell takes one write per round trip however many batches name it, instead of a crowd of ETag conflicts.
 */
export function applyChange(services: Pick<Services, 'db'>, change: CellChange, batchKey: string): Promise<void> {
  return committerOf(services.db).add(services, change, batchKey);
}

/** Markers plus the cell's own write fit in one transactional batch (100 operations). */
const MAX_BATCHES_PER_COMMIT = 50;
const COMMIT_ATTEMPTS = 50;

interface PendingChange {
  change: CellChange;
  batchKey: string;
  done: (error?: Error) => void;
}

class CellCommitter {
  private readonly waiting = new Map<string, PendingChange[]>();

  constructor(private readonly recent: RecentOfDatabase) {}

  add(services: Pick<Services, 'db'>, change: CellChange, batchKey: string): Promise<void> {
    const key = `${change.scope}\n${change.id}`;
    return new Promise((resolve, reject) => {
      const pending: PendingChange = { change, batchKey, done: (error) => (error === undefined ? resolve() : reject(error)) };
      const queue = this.waiting.get(key);
      if (queue) return void queue.push(pending);
      this.waiting.set(key, [pending]);
      void this.drain(services, key);
    });
  }

  /** Commits the cell's waiting changes, a group at a time, until none wait (then the cell leaves the map). */
  private async drain(services: Pick<Services, 'db'>, key: string): Promise<void> {
    const queue = this.waiting.get(key)!;
    while (queue.length > 0) {
      const group = queue.splice(0, MAX_BATCHES_PER_COMMIT);
      try {
        await this.commit(services, key, group);
        for (const pending of group) pending.done();
      } catch (error) {
        // A document changed in a way no retry mends (deleted by an operator): forget it, let redelivery read.
        this.recent.cells.delete(key);
        const failure = error instanceof Error ? error : new Error('A usage cell commit failed');
        for (const pending of group) pending.done(failure);
      }
    }
    this.waiting.delete(key);
  }

  private async commit(services: Pick<Services, 'db'>, key: string, all: PendingChange[]): Promise<void> {
    const stats = services.db.collection('stats');
    const { change } = all[0]!;
    // The same batch twice in a group (a redelivery racing the first delivery) is one change.
    let group = [...new Map(all.map((p) => [p.batchKey, p])).values()];
    let current = this.recent.cells.get(key);
    let read = current !== undefined;
    // Only conflicts on the cell count as attempts: a redelivered batch leaves the group, at most its size times.
    for (let conflicts = 0; conflicts < COMMIT_ATTEMPTS; ) {
      if (!read) current = await stats.read<AggregateCellDoc>(change.id, change.scope);
      read = true;
      const markers = group.map((p) => ({ create: { id: `a|${change.id}|${p.batchKey}`, type: 'usage-applied', scope: change.scope } }));
      const cell = current ? { replace: grown(current, group) } : { create: created(change, group) };
      const result = await stats.writeTogether(change.scope, [...markers, cell]);
      if (result.ok) {
        this.recent.cells.set(key, result.docs.at(-1) as AggregateCellDoc & Stored);
        return;
      }
      if (result.failedIndex < group.length && result.status === 409) {
        // That batch is already in the cell (a redelivery): the others go on, the cell as read is still current.
        group = group.filter((_, i) => i !== result.failedIndex);
        if (group.length === 0) return;
        continue;
      }
      if (result.failedIndex !== group.length || ![404, 409, 412].includes(result.status))
        throw new Error(`A usage cell's commit failed with ${result.status}`);
      // Another writer (another instance) changed or created the cell first: read it again, after a little jitter.
      read = false;
      conflicts++;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 5 * conflicts)));
    }
    throw new ConcurrentUpdateError('stats');
  }
}

const sumOf = (group: PendingChange[]): Counts => group.reduce((sum, p) => add(sum, p.change.counts ?? zero()), zero());

/** The cell with the group's changes (a monthly cell counts a person per batch that first marked them). */
function grown(doc: AggregateCellDoc & Stored, group: PendingChange[]): AggregateCellDoc & { _etag: string } {
  // Cells written before the markers kept a list of recent batches: no longer needed.
  const { applied: _applied, ...cell } = doc as typeof doc & { applied?: string[] };
  if (cell.type === 'usage-monthly') return { ...cell, people: cell.people + group.length };
  return { ...cell, ...add(cell, sumOf(group)) };
}

function created(change: CellChange, group: PendingChange[]): AggregateCellDoc {
  const base = { id: change.id, scope: change.scope, ...change.fields };
  return change.type === 'usage-monthly'
    ? ({ ...base, type: 'usage-monthly', people: group.length } as MonthlyCellDoc)
    : ({ ...base, type: change.type, ...sumOf(group) } as DailyCellDoc | MonthCountsDoc);
}

const committers = new WeakMap<object, CellCommitter>();
function committerOf(db: object): CellCommitter {
  let committer = committers.get(db);
  if (!committer) committers.set(db, (committer = new CellCommitter(recentOf(db))));
  return committer;
}
