import { createHmac, hkdfSync } from 'node:crypto';

import { closeAccountForErasure } from '../consents/index.js';
import { suppress } from '../marketing/index.js';
import { type Doc, DocumentExistsError, KEEP_TTL, type Stored, updateWithEtag } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import {
  anonymiseDocument,
  dataRegistry,
  type DocumentTypeSpec,
  readSubjectRows,
  type SubjectRead,
  subjectReadPlan,
  type SubjectRow,
} from '../privacy/index.js';

export interface ErasureOrder {
  accountId: string;
  /** 'request': PRIV-3 on the person's request (after the school's consent where the school is controller); 'retention': the closure+5-years run; 'outcomes': only learning outcomes (objection outcomeKeeping / RET-4 "until the user asks"). */
  reason: 'request' | 'retention' | 'outcomes';
  /** Who ordered it (the privacy officer, 'system' for retention): recorded on the closure the erasure makes. */
  by?: string;
  /**
   * A second erasure of the same reason that must run again (outcomes written after an earlier one): its own job and
   * evidence. Without it, a repeat of the reason finds the first evidence and does nothing.
   */
  run?: string;
}

type Counts = Record<string /* registry type */, { deleted: number; anonymised: number; held: number }>;

export interface ErasureEvidence {
  subjectHash: string;
  reason: ErasureOrder['reason'];
  startedAt: string;
  completedAt: string;
  counts: Counts;
  blobsDeleted: number;
  /**
   * What was kept and until when: 'legal-hold' documents found and left to their retention, 'expires' types that can
   * not be found per subject (keyed by hashes) and leave by their short TTL.
   */
  holds: { type: string; until: string; kind?: 'legal-hold' | 'expires' }[];
}

/** One step of an erasure: the subject's documents in one (container, partition), or their files under one prefix. */
type Step = { kind: 'documents'; read: SubjectRead } | { kind: 'blobs'; prefix: string };

/** What the steps found (and so will do): recorded before anything changes, so a resumed run counts what the first found. */
interface Tally {
  counts: Counts;
  holds: Record<string, string>;
  blobs: number;
}

interface ErasureJobDoc extends Doc {
  type: 'erasure-job';
  accountId: string;
  reason: ErasureOrder['reason'];
  startedAt: string;
  /** The steps, fixed at the start: the account that names the partitions is itself erased last. */
  plan: Step[];
  email?: string;
  /**
   * What every step found when first read, written once with the plan before anything is changed (the one checkpoint):
   * a resumed run reads the steps again, acts on what is left and counts what was found.
   */
  found: Tally;
}

export interface EvidenceDoc extends Doc, ErasureEvidence {
  type: 'erasure-evidence';
  accountId: typeof EVIDENCE_PARTITION;
  /** Which signing key the hash was made with (rotation). */
  kid: string;
}

export const EVIDENCE_PARTITION = 'erasure-evidence';
/** Writes in flight at once within one step: enough to keep the store busy, few enough not to throttle it. */
const PARALLEL_WRITES = 16;
const DAY_MS = 86_400_000;

/**
 * The evidence keys, first signing: `ERASURE_EVIDENCE_KEYS` (required in Azure); locally without it, derived from the
 * session signing keys (HKDF, own label), so no evidence hash equals any other keyed value.
 */
export function evidenceKeys(config: Services['config']): { kid: string; secret: Uint8Array }[] {
  return (
    config.ERASURE_EVIDENCE_KEYS ??
    config.SESSION_SIGNING_KEYS.map((k) => ({ kid: k.kid, secret: new Uint8Array(hkdfSync('sha256', k.secret, '', 'opiq-erasure-evidence', 32)) }))
  );
}

function evidenceKey(config: Services['config'], kid?: string) {
  const keys = evidenceKeys(config);
  return (kid && keys.find((k) => k.kid === kid)) || keys[0]!;
}

/** The keyed hash the evidence is filed under: the operator finds it from an account id, nobody from the hash. */
export function subjectHashOf(config: Services['config'], accountId: string, kid?: string): string {
  return createHmac('sha256', evidenceKey(config, kid).secret).update(`subject\n${accountId}`).digest('base64url').slice(0, 32);
}

/** What an anonymised document's id becomes where it held the subject's id: the same on every run. */
const pseudonymOf = (config: Services['config'], accountId: string) =>
  `erased-${createHmac('sha256', evidenceKey(config).secret).update(`pseudonym\n${accountId}`).digest('base64url').slice(0, 16)}`;

const runKey = (reason: ErasureOrder['reason'], run: string | undefined) => (run ? `${reason}:${run}` : reason);
const evidenceId = (subjectHash: string, reason: ErasureOrder['reason'], run?: string) => `erasure-evidence:${subjectHash}:${runKey(reason, run)}`;
const jobId = (order: ErasureOrder) => `erasure:${order.accountId}:${runKey(order.reason, order.run)}`;

const personal = (t: DocumentTypeSpec) => t.personalData.length > 0 && t.erasure !== undefined;
/** RET-4 learning outcomes: answers (grades, feedback) and the history of their changes. */
const isOutcome = (t: DocumentTypeSpec) =>
  (t.retention.kind !== 'indefinite' && t.retention.requirement === 'RET-4') || t.personalData.includes('study-history');

/** The registry types an order erases, by their finders: found per subject, or (with `find: none`) left to expire. */
function typesOf(reason: ErasureOrder['reason']) {
  const types = dataRegistry.documentTypes.filter((t) => personal(t) && (reason !== 'outcomes' || isOutcome(t)));
  return { findable: types.filter((t) => t.find?.partitions !== 'none'), unfindable: types.filter((t) => t.find?.partitions === 'none') };
}

const emptyTally = (): Tally => ({ counts: {}, holds: {}, blobs: 0 });

function addTally(a: Tally, b: Tally): Tally {
  const counts: Counts = structuredClone(a.counts);
  for (const [type, c] of Object.entries(b.counts)) {
    const into = (counts[type] ??= { deleted: 0, anonymised: 0, held: 0 });
    into.deleted += c.deleted;
    into.anonymised += c.anonymised;
    into.held += c.held;
  }
  const holds = { ...a.holds };
  for (const [type, until] of Object.entries(b.holds)) if (!holds[type] || holds[type] < until) holds[type] = until;
  return { counts, holds, blobs: a.blobs + b.blobs };
}

/** When a held document leaves: its TTL from its last write (every legal-hold type has a fixed or accounting TTL). */
function holdEnd(doc: Record<string, unknown>): string {
  const ts = typeof doc._ts === 'number' ? doc._ts : undefined;
  const ttl = typeof doc.ttl === 'number' ? doc.ttl : undefined;
  return ts !== undefined && ttl !== undefined ? new Date((ts + ttl) * 1000).toISOString() : 'unknown';
}

/** Login indexes the account's closure released (RET-1) before the erasure came: counted as deleted login indexes. */
function releasedAtClosure(tally: Tally, spec: DocumentTypeSpec, doc: Record<string, unknown>) {
  const released = spec.type === 'account' ? (doc.closure as { loginIndexesReleased?: number } | undefined)?.loginIndexesReleased : undefined;
  if (released) (tally.counts['login-index'] ??= { deleted: 0, anonymised: 0, held: 0 }).deleted += released;
}

function tallyOf(rows: SubjectRow[]): Tally {
  const tally = emptyTally();
  for (const { spec, doc } of rows) {
    releasedAtClosure(tally, spec, doc);
    const c = (tally.counts[spec.type] ??= { deleted: 0, anonymised: 0, held: 0 });
    if (spec.erasure === 'delete') c.deleted++;
    else if (spec.erasure === 'anonymise') c.anonymised++;
    else {
      c.held++;
      const until = holdEnd(doc);
      if (!tally.holds[spec.type] || tally.holds[spec.type]! < until) tally.holds[spec.type] = until;
    }
  }
  return tally;
}

/**
 * The steps: other partitions first, then the files, then the subject's `accounts` partition (its account last of
 * all), then their `jobs` partition: a closure message arriving late finds either its event or no account, and so
 * writes nothing back.
 */
async function planOf(services: Services, order: ErasureOrder, types: DocumentTypeSpec[]): Promise<{ plan: Step[]; email?: string }> {
  const { reads, email } = await subjectReadPlan(services, order.accountId, types);
  const own = (container: string) => (r: SubjectRead) => r.container === container && r.partition === order.accountId;
  const others = (r: SubjectRead) => r.partition !== order.accountId || (r.container !== 'accounts' && r.container !== 'jobs');
  const prefixes = [
    ...types.flatMap((t) => (t.blobs ? [t.blobs.prefix.replace('{accountId}', order.accountId)] : [])),
    // The person's data exports (PRIV-2): their own zips, gone with them.
    ...(order.reason === 'outcomes' ? [] : [`exports/${order.accountId}/`]),
  ];
  const plan: Step[] = [
    ...reads.filter(others).map((read) => ({ kind: 'documents' as const, read })),
    ...prefixes.map((prefix) => ({ kind: 'blobs' as const, prefix })),
    ...[...reads.filter(own('accounts')), ...reads.filter(own('jobs'))].map((read) => ({ kind: 'documents' as const, read })),
  ];
  return { plan, ...(email ? { email } : {}) };
}

/** Runs `work` over the items, a few at a time. */
async function inParallel<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL_WRITES) await Promise.all(items.slice(i, i + PARALLEL_WRITES).map(work));
}

const withoutCosmosFields = ({ _rid, _self, _etag, _attachments, _ts, ...rest }: Record<string, unknown>) => rest;

/**
 * An anonymised document leaves on the day it was due to before (its TTL counted from its last change): anonymising
 * is no change of the person's, so the write carries the TTL left, not a fresh one. Nothing when it had no TTL.
 */
function keepingItsDay(services: Services, before: Record<string, unknown>, next: Doc): Doc {
  if (typeof before._ts !== 'number' || typeof before.ttl !== 'number' || before.ttl < 0) return next;
  const left = before._ts + before.ttl - Math.floor(services.clock.now().getTime() / 1000);
  return { ...next, ttl: Math.max(1, left), [KEEP_TTL]: true };
}

/** Anonymises one document: in place, or under a new id when its id named the subject (create the new, then delete the old). */
async function anonymise(services: Services, read: SubjectRead, { spec, doc }: SubjectRow, accountId: string, pseudonym: string) {
  const collection = services.db.collection(read.container);
  const next = anonymiseDocument(spec, withoutCosmosFields(doc) as Doc, accountId, pseudonym) as Doc;
  if (next.id === doc.id) {
    await updateWithEtag<Doc>(
      collection,
      doc.id,
      read.partition,
      (current) => {
        const again = anonymiseDocument(spec, withoutCosmosFields(current) as Doc, accountId, pseudonym) as Doc;
        return JSON.stringify(again) === JSON.stringify(withoutCosmosFields(current)) ? undefined : keepingItsDay(services, current, again);
      },
      { type: spec.type, current: doc as Doc & Stored },
    );
    return;
  }
  try {
    await collection.create<Doc>(keepingItsDay(services, doc, next));
  } catch (error) {
    // Made by an earlier, killed run (the id is the same every time).
    if (!(error instanceof DocumentExistsError)) throw error;
  }
  await collection.delete(doc.id, read.partition);
}

/** A step's content as read now: the subject's documents in its partition, or the files under its prefix. */
interface StepContent {
  rows: SubjectRow[];
  blobs: string[];
}

/** Every step's content, read a few steps at a time (single-partition queries, point reads and blob listings). */
async function readSteps(services: Services, plan: Step[], order: ErasureOrder, email: string | undefined): Promise<StepContent[]> {
  const contents: StepContent[] = new Array<StepContent>(plan.length);
  await inParallel([...plan.keys()], async (index) => {
    const step = plan[index]!;
    contents[index] =
      step.kind === 'blobs'
        ? { rows: [], blobs: (await services.blobs.list(step.prefix)).map((blob) => blob.name) }
        : // This erasure's own job document goes when the evidence is written (another reason's stray job goes now).
          { rows: (await readSubjectRows(services, step.read, order.accountId, email)).filter((r) => r.doc.id !== jobId(order)), blobs: [] };
  });
  return contents;
}

function tallyOfSteps(contents: StepContent[]): Tally {
  return contents.reduce((total, { rows, blobs }) => addTally(total, { ...tallyOf(rows), blobs: blobs.length }), emptyTally());
}

async function carryOut(services: Services, step: Step, { rows, blobs }: StepContent, order: ErasureOrder, pseudonym: string): Promise<void> {
  if (step.kind === 'blobs') return inParallel(blobs, (name) => services.blobs.delete(name));
  const { container, partition } = step.read;
  await inParallel(
    rows.filter((r) => r.spec.erasure === 'anonymise'),
    (row) => anonymise(services, step.read, row, order.accountId, pseudonym),
  );
  // One partition: its deletes go in batches, the account last of all (a batch applies in order; until then a closed
  // account refuses every sign-in).
  const deletes = rows.filter((r) => r.spec.erasure === 'delete');
  const ids = [...deletes.filter((r) => r.spec.type !== 'account'), ...deletes.filter((r) => r.spec.type === 'account')].map((r) => r.doc.id);
  if (ids.length > 0) await services.db.collection(container).deleteMany(ids, partition);
}

/**
 * The erasure's job and what its steps hold now. A new job is written once, with the plan and everything the steps
 * found, before anything is changed; an existing one (a killed run) keeps what it found and its steps are read again.
 */
async function startJob(
  services: Services,
  order: ErasureOrder,
  types: DocumentTypeSpec[],
): Promise<{ job: ErasureJobDoc; contents: StepContent[] }> {
  const jobs = services.db.collection('jobs');
  const existing = await jobs.read<ErasureJobDoc>(jobId(order), order.accountId);
  if (existing?.type === 'erasure-job') return { job: existing, contents: await readSteps(services, existing.plan, order, existing.email) };
  if (order.reason !== 'outcomes') await closeAccountForErasure(services, { accountId: order.accountId, by: order.by ?? 'system' });
  const { plan, email } = await planOf(services, order, types);
  const contents = await readSteps(services, plan, order, email);
  const fresh: ErasureJobDoc = {
    id: jobId(order),
    type: 'erasure-job',
    accountId: order.accountId,
    reason: order.reason,
    startedAt: services.clock.now().toISOString(),
    plan,
    ...(email ? { email } : {}),
    found: tallyOfSteps(contents),
  };
  try {
    return { job: await jobs.create<ErasureJobDoc>(fresh), contents };
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    // Another run of the same erasure started at the same moment: its record counts, its steps are read again.
    const job = (await jobs.read<ErasureJobDoc>(fresh.id, order.accountId))!;
    return { job, contents: await readSteps(services, job.plan, order, job.email) };
  }
}

function evidenceOf(job: ErasureJobDoc, unfindable: DocumentTypeSpec[], subjectHash: string, now: Date): ErasureEvidence {
  const totals = job.found;
  const holds: ErasureEvidence['holds'] = Object.entries(totals.holds)
    .map(([type, until]) => ({ type, until, kind: 'legal-hold' as const }))
    .sort((a, b) => a.type.localeCompare(b.type));
  for (const t of unfindable)
    if (t.retention.kind === 'fixed')
      holds.push({ type: t.type, until: new Date(now.getTime() + t.retention.days * DAY_MS).toISOString(), kind: 'expires' });
  return {
    subjectHash,
    reason: job.reason,
    startedAt: job.startedAt,
    completedAt: now.toISOString(),
    counts: totals.counts,
    blobsDeleted: totals.blobs,
    holds,
  };
}

export const evidenceView = ({ subjectHash, reason, startedAt, completedAt, counts, blobsDeleted, holds }: EvidenceDoc): ErasureEvidence => ({
  subjectHash,
  reason,
  startedAt,
  completedAt,
  counts,
  blobsDeleted,
  holds,
});

/** The evidence of an erasure of this account, if there is one (every configured key is tried: rotation). */
export async function readErasureEvidence(
  services: Services,
  accountId: string,
  reason: ErasureOrder['reason'],
  run?: string,
): Promise<ErasureEvidence | undefined> {
  for (const { kid } of evidenceKeys(services.config)) {
    const found = await services.db
      .collection('jobs')
      .read<EvidenceDoc>(evidenceId(subjectHashOf(services.config, accountId, kid), reason, run), EVIDENCE_PARTITION);
    if (found?.type === 'erasure-evidence') return evidenceView(found);
  }
  return undefined;
}

/**
 * PRIV-3: erases a data subject as the registry says: each type with personal data deleted, anonymised (the document
 * stays for statistics without the person) or held until its retention ends; their files in Blob Storage; their login
 * indexes, so they can register again. The account is closed first (every session ends at once). One single-partition
 * query or point read per partition; the steps and what they hold written once, before anything changes, in an
 * `erasure-job` document, so a killed run resumes (reads the steps again and acts on what is left) and counts nothing
 * twice; deletes in batches per partition; the evidence (no personal data: a keyed hash of the account id, counts per
 * type, dates, holds) is written last, and a second run finds it and changes nothing.
 */
export async function eraseSubject(services: Services, order: ErasureOrder): Promise<ErasureEvidence> {
  const { kid } = evidenceKey(services.config);
  const subjectHash = subjectHashOf(services.config, order.accountId, kid);
  const jobs = services.db.collection('jobs');
  const recorded = await jobs.read<EvidenceDoc>(evidenceId(subjectHash, order.reason, order.run), EVIDENCE_PARTITION);
  if (recorded?.type === 'erasure-evidence') {
    // A run killed between writing its evidence and deleting its job left the job: it goes now (read first, so a
    // repeat with nothing left writes nothing).
    if (await jobs.read(jobId(order), order.accountId)) await jobs.delete(jobId(order), order.accountId);
    return evidenceView(recorded);
  }

  const { findable, unfindable } = typesOf(order.reason);
  const { job, contents } = await startJob(services, order, findable);
  // No mailing reaches the address any more, not even a sign-up's by someone else, until its owner verifies it anew.
  if (order.reason !== 'outcomes' && job.email) await suppress(services, job.email, 'erased');
  const pseudonym = pseudonymOf(services.config, order.accountId);
  for (const [index, step] of job.plan.entries()) await carryOut(services, step, contents[index]!, order, pseudonym);
  const evidence = evidenceOf(job, unfindable, subjectHash, services.clock.now());
  const doc: EvidenceDoc = {
    id: evidenceId(subjectHash, order.reason, order.run),
    type: 'erasure-evidence',
    accountId: EVIDENCE_PARTITION,
    kid,
    ...evidence,
  };
  try {
    await jobs.create<EvidenceDoc>(doc);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
  }
  await jobs.delete(job.id, order.accountId);
  return evidence;
}
