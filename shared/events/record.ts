import type { Doc } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { catalogSnapshot } from '../store/index.js';
import {
  applyChange,
  type BatchFacts,
  type CellChange,
  dailyChanges,
  markPeople,
  peopleCells,
  type SchoolFacts,
  type WorkFacts,
} from './aggregates.js';
import { batchKeyOf, type UsageBatchMessage } from './batches.js';
import { recordEnrolment } from './enrolment.js';
import { countableEvents } from './plausible.js';

export type Deps = Pick<Services, 'db' | 'clock' | 'config' | 'telemetry'>;

/** One front-end batch as its person's identifiable record (events container, partition accountId, 5 years: RET-7). */
interface UsageBatchDoc extends Doc {
  type: 'usage-batch-events';
  accountId: string;
  batchId: string;
  receivedAt: string;
  browser?: string;
  country?: string;
  events: UsageBatchMessage['events'];
}

/** A batch wholly applied: its repeat is dropped (Service Bus's duplicate detection forgets after 10 minutes). */
interface BatchRecordDoc extends Doc {
  type: 'usage-batch';
  scope: string;
  /** How it was counted, for an operator: identifiable, counts only (restricted or objecting), anonymous. */
  recorded: 'identifiable' | 'counts-only' | 'anonymous';
  events: number;
}

/** Cells written at once per batch; a batch touches a few dozen at most. */
const CELL_WRITES_IN_PARALLEL = 8;

/**
 * The queue function's work for one batch (idempotent): the person's identifiable record when they allow usage
 * recording (PRIV-4, decided by the route from the account it authenticated with), the anonymous aggregates always,
 * and last the batch record that makes a repeat a no-op. A restricted or objecting person, and anyone not signed in,
 * is counted in the aggregates without an identifier: no identifiable record, no person-month marker, so not among
 * the distinct people either (the notices keep only "a format which cannot be associated with a specific
 * individual" of them).
 */
export async function recordUsageBatch(
  services: Deps,
  batch: UsageBatchMessage,
  /** False for a server event, whose identifiable record is its own `usage-event` document. */
  storeEvents = true,
): Promise<BatchRecordDoc['recorded'] | 'duplicate'> {
  const usage = services.db.collection('stats');
  const batchKey = batch.batchKey ?? batchKeyOf(services.config, batch.batchId);
  const recordId = `b:${batchKey}`;
  if (await usage.read<BatchRecordDoc>(recordId, recordId)) {
    services.telemetry.event('usage-batch.duplicate', { events: String(batch.events.length) });
    return 'duplicate';
  }
  const recorded = batch.recording;
  const accountId = recorded === 'identifiable' ? batch.accountId : undefined;
  if (accountId && storeEvents) await storeIdentifiable(services, accountId, batch);

  const works = await worksOf(services, batch.events);
  const facts: BatchFacts = {
    events: countableEvents(batch.events, works, batch.openWorks),
    ...(batch.country ? { country: batch.country } : {}),
    works,
    schools: await withMunicipalities(services, batch.schools ?? []),
  };
  await recordEnrolment(services, facts.schools, facts.events);
  const changes: CellChange[] = dailyChanges(facts);
  if (accountId) changes.push(...(await markPeople(services, accountId, batchKey, peopleCells(facts))));
  for (let i = 0; i < changes.length; i += CELL_WRITES_IN_PARALLEL)
    await Promise.all(changes.slice(i, i + CELL_WRITES_IN_PARALLEL).map((change) => applyChange(services, change, batchKey)));

  await usage.upsert<BatchRecordDoc>({ id: recordId, type: 'usage-batch', scope: recordId, recorded, events: batch.events.length });
  return recorded;
}

async function storeIdentifiable(services: Deps, accountId: string, batch: UsageBatchMessage): Promise<void> {
  await services.db.collection('events').upsert<UsageBatchDoc>({
    id: `batch:${batch.batchId}`,
    type: 'usage-batch-events',
    accountId,
    batchId: batch.batchId,
    receivedAt: batch.receivedAt,
    ...(batch.browser ? { browser: batch.browser } : {}),
    ...(batch.country ? { country: batch.country } : {}),
    events: batch.events,
  });
}

/** The works the batch names, from the catalogue snapshot (one read per instance every 5 minutes). */
export async function worksOf(services: Deps, events: readonly { workId?: string | undefined }[]): Promise<Map<string, WorkFacts>> {
  const named = new Set(events.map((e) => e.workId).filter((id): id is string => id !== undefined));
  const works = new Map<string, WorkFacts>();
  if (named.size === 0) return works;
  for (const work of (await catalogSnapshot(services)).works)
    if (named.has(work.id)) works.set(work.id, { publisherId: work.publisherId, subjects: work.subjects, chapterIds: new Set(work.chapterIds) });
  return works;
}

const SCHOOL_CACHE_MS = 5 * 60_000;
const schoolCache = new Map<string, { at: number; municipality: string | undefined; country: string | undefined }>();

/** The person's schools with their municipality and country (school documents, cached per instance for 5 minutes). */
export async function withMunicipalities(services: Deps, schools: NonNullable<UsageBatchMessage['schools']>): Promise<SchoolFacts[]> {
  const facts: SchoolFacts[] = [];
  for (const { schoolId, group } of schools) {
    let known = schoolCache.get(schoolId);
    if (!known || Date.now() - known.at > SCHOOL_CACHE_MS) {
      const school = await services.db.collection('schools').read<Doc & { municipality?: string; country?: string }>(schoolId, schoolId);
      known = { at: Date.now(), municipality: school?.municipality, country: school?.country };
      schoolCache.set(schoolId, known);
    }
    facts.push({
      schoolId,
      group,
      ...(known.municipality ? { municipality: known.municipality } : {}),
      ...(known.country ? { country: known.country } : {}),
    });
  }
  return facts;
}
