import './school-licence-errors.js';

import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { type Doc, DocumentExistsError, type Page, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { keyedId } from '../platform/idempotency.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { isValidDate, startOfLocalDay } from './dates.js';
import { idSchema, type PackageDoc, type WorkDoc } from './model.js';
import { queueLicenceSync } from './school-entitlements.js';

/**
 * School licences: a school gets works (one work or a package) for a school year or between dates, for all its
 * students, named classes or named students, optionally limited to a number of seats, recorded by operator staff
 * against an invoice or a contract. The licence lives in the school's partition; what it grants is materialised into
 * each entitled member's entitlement document (school-entitlements.ts), so opening a work stays one point read.
 */

type Audience = { kind: 'school' } | { kind: 'classes'; classIds: string[] } | { kind: 'students'; accountIds: string[] };
type Reference = { kind: 'invoice'; number: string } | { kind: 'contract'; reference: string };
type PeriodInput = { schoolYear: string } | { from: string; until: string };

export interface SchoolLicenceDoc extends Doc {
  type: 'school-licence';
  schoolId: string;
  publisherId: string;
  product: { kind: 'work'; workId: string } | { kind: 'package'; packageId: string };
  /** The works the product held when recorded. */
  workIds: string[];
  /** The period as entered, and the instants it covers (local midnight, Europe/Tallinn). */
  period: PeriodInput;
  from: string;
  until: string;
  audience: Audience;
  /**
   * Every audience the licence has had (the current one included): a fan-out reads the entitlements of these students
   * and of the teachers only, since nobody else can hold the licence's period.
   */
  reached?: Audience[];
  /** At most this many students hold it (absent: every student of the audience). Teachers never take a seat. */
  seats?: number;
  reference: Reference;
  status: 'active' | 'ended';
  /** Moves on with every change (and every change of a seat-limited licence's audience): one fan-out per revision. */
  revision: number;
  /** The last revision whose fan-out finished: a repeated message for it changes nothing. */
  materialisedRevision?: number;
  recordedBy: string;
  recordedAt: string;
  endedAt?: string;
  endReason?: string;
  history: { at: string; by: string; action: 'recorded' | 'changed' | 'ended' | 'seats-reassigned'; revision: number }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Input and output shapes (the routes use them)

const dateSchema = z.string().refine(isValidDate, 'must be a date YYYY-MM-DD');
const schoolYearSchema = z
  .string()
  .regex(/^\d{4}\/\d{4}$/, 'must be a school year such as 2026/2027')
  .refine((y) => Number(y.slice(5)) === Number(y.slice(0, 4)) + 1, 'the second year must follow the first');

const periodInputSchema = z.union([z.strictObject({ schoolYear: schoolYearSchema }), z.strictObject({ from: dateSchema, until: dateSchema })]);
const audienceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('school') }),
  z.strictObject({ kind: z.literal('classes'), classIds: z.array(idSchema).min(1).max(50) }),
  z.strictObject({ kind: z.literal('students'), accountIds: z.array(idSchema).min(1).max(500) }),
]);
const referenceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('invoice'), number: z.string().trim().min(1).max(60) }),
  z.strictObject({ kind: z.literal('contract'), reference: z.string().trim().min(1).max(120) }),
]);
const seatsSchema = z.number().int().min(0).max(100_000);

export const newLicenceSchema = z
  .strictObject({
    publisherId: idSchema,
    workId: idSchema.optional(),
    packageId: idSchema.optional(),
    period: periodInputSchema,
    audience: audienceSchema,
    seats: seatsSchema.optional(),
    reference: referenceSchema,
  })
  .refine((b) => (b.workId === undefined) !== (b.packageId === undefined), { path: ['workId'], message: 'name exactly one of workId and packageId' });
export type NewLicence = z.infer<typeof newLicenceSchema>;

export const licenceChangeSchema = z
  .strictObject({
    period: periodInputSchema.optional(),
    audience: audienceSchema.optional(),
    seats: seatsSchema.nullable().optional(),
    reference: referenceSchema.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'change at least one field' });
export type LicenceChange = z.infer<typeof licenceChangeSchema>;

export const schoolLicenceViewSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  publisherId: z.string(),
  product: z.union([z.object({ kind: z.literal('work'), workId: z.string() }), z.object({ kind: z.literal('package'), packageId: z.string() })]),
  workIds: z.array(z.string()),
  period: z.union([z.object({ schoolYear: z.string() }), z.object({ from: z.string(), until: z.string() })]),
  from: z.string(),
  until: z.string(),
  audience: audienceSchema,
  seats: z.number().optional(),
  reference: referenceSchema,
  status: z.enum(['active', 'ended']),
  revision: z.number(),
  /** True once every member's entitlement reflects this revision. */
  materialised: z.boolean(),
  recordedBy: z.string(),
  recordedAt: z.string(),
  endedAt: z.string().optional(),
  endReason: z.string().optional(),
});
export type SchoolLicenceView = z.infer<typeof schoolLicenceViewSchema>;

export function schoolLicenceView(doc: SchoolLicenceDoc): SchoolLicenceView {
  return {
    id: doc.id,
    schoolId: doc.schoolId,
    publisherId: doc.publisherId,
    product: doc.product,
    workIds: doc.workIds,
    period: doc.period,
    from: doc.from,
    until: doc.until,
    audience: doc.audience,
    ...(doc.seats !== undefined ? { seats: doc.seats } : {}),
    reference: doc.reference,
    status: doc.status,
    revision: doc.revision,
    materialised: doc.materialisedRevision === doc.revision,
    recordedBy: doc.recordedBy,
    recordedAt: doc.recordedAt,
    ...(doc.endedAt ? { endedAt: doc.endedAt } : {}),
    ...(doc.endReason ? { endReason: doc.endReason } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation against the school and the catalogue

/** A school year runs from 1 August to the next 1 August (Estonian and Finnish school years both start in August). */
function instantsOf(period: PeriodInput): { from: string; until: string } {
  const [fromDate, untilDate] =
    'schoolYear' in period ? [`${period.schoolYear.slice(0, 4)}-08-01`, `${period.schoolYear.slice(5)}-08-01`] : [period.from, period.until];
  const from = startOfLocalDay(fromDate);
  const until = startOfLocalDay(untilDate);
  if (until.getTime() <= from.getTime())
    throw new AppError('school_licence_dates_backwards', { details: [{ path: 'period.until', issue: 'must be after the start' }] });
  return { from: from.toISOString(), until: until.toISOString() };
}

/**
 * The school, the classes named and the students named, in one single-partition query of the school's partition:
 * unknown school 404, a class of another school (or none) 422, a named person who is not a student here 422.
 */
async function checkSchoolAndAudience(services: Pick<Services, 'db'>, schoolId: string, audience: Audience | undefined): Promise<void> {
  const classIds = audience?.kind === 'classes' ? audience.classIds : [];
  const accountIds = audience?.kind === 'students' ? audience.accountIds : [];
  const rows = await services.db.collection('schools').queryAll<{ id: string; type: string; accountId?: string }>(schoolId, {
    where:
      "(c.type = 'school' AND c.id = @school) OR (c.type = 'class' AND ARRAY_CONTAINS(@classes, c.id)) OR (c.type = 'membership' AND c.status = 'active' AND c.role = 'student' AND ARRAY_CONTAINS(@students, c.accountId))",
    parameters: [
      { name: '@school', value: schoolId },
      { name: '@classes', value: classIds },
      { name: '@students', value: accountIds },
    ],
  });
  if (!rows.some((r) => r.type === 'school' && r.id === schoolId)) throw new AppError('school_licence_school_not_found');
  const classes = new Set(rows.filter((r) => r.type === 'class').map((r) => r.id));
  const unknownClass = classIds.findIndex((id) => !classes.has(id));
  if (unknownClass >= 0)
    throw new AppError('school_licence_class_unknown', {
      details: [{ path: `audience.classIds.${unknownClass}`, issue: 'not a class of this school' }],
    });
  const students = new Set(rows.filter((r) => r.type === 'membership').map((r) => r.accountId));
  const unknownStudent = accountIds.findIndex((id) => !students.has(id));
  if (unknownStudent >= 0)
    throw new AppError('school_licence_student_unknown', {
      details: [{ path: `audience.accountIds.${unknownStudent}`, issue: 'not a student of this school' }],
    });
}

/** The works a product stands for: one point read in the publisher's catalogue partition. */
async function worksOf(
  services: Pick<Services, 'db'>,
  input: Pick<NewLicence, 'publisherId' | 'workId' | 'packageId'>,
): Promise<{ product: SchoolLicenceDoc['product']; workIds: string[] }> {
  const catalog = services.db.collection('catalog');
  if (input.workId) {
    const work = await catalog.read<WorkDoc>(input.workId, input.publisherId);
    if (work?.type !== 'work')
      throw new AppError('school_licence_product_unknown', { details: [{ path: 'workId', issue: 'not a work of this publisher' }] });
    return { product: { kind: 'work', workId: work.id }, workIds: [work.id] };
  }
  const pkg = await catalog.read<PackageDoc>(input.packageId!, input.publisherId);
  if (pkg?.type !== 'package')
    throw new AppError('school_licence_product_unknown', { details: [{ path: 'packageId', issue: 'not a package of this publisher' }] });
  return { product: { kind: 'package', packageId: pkg.id }, workIds: [...pkg.workIds] };
}

// ---------------------------------------------------------------------------------------------------------------
// Record, change, end, list

/**
 * Records a school licence and starts its fan-out. With an idempotency key the licence id is derived from it, so a
 * repeated request answers the licence the first one recorded (and its fan-out message is dropped as a duplicate).
 */
export async function recordSchoolLicence(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  input: NewLicence & { schoolId: string; by: string; key?: string | undefined },
): Promise<{ licence: SchoolLicenceDoc; created: boolean }> {
  await checkSchoolAndAudience(services, input.schoolId, input.audience);
  const { product, workIds } = await worksOf(services, input);
  const now = services.clock.now().toISOString();
  const doc: SchoolLicenceDoc = {
    id: `school-licence:${input.key ? keyedId(`${input.by}:${input.schoolId}`, input.key) : randomUUID()}`,
    type: 'school-licence',
    schoolId: input.schoolId,
    publisherId: input.publisherId,
    product,
    workIds,
    period: input.period,
    ...instantsOf(input.period),
    audience: input.audience,
    reached: [input.audience],
    ...(input.seats !== undefined ? { seats: input.seats } : {}),
    reference: input.reference,
    status: 'active',
    revision: 1,
    recordedBy: input.by,
    recordedAt: now,
    history: [{ at: now, by: input.by, action: 'recorded', revision: 1 }],
  };
  let stored: SchoolLicenceDoc = doc;
  let created = true;
  try {
    await services.db.collection('schools').create<SchoolLicenceDoc>(doc);
  } catch (error) {
    if (!(error instanceof DocumentExistsError) || !input.key) throw error;
    const earlier = await services.db.collection('schools').read<SchoolLicenceDoc>(doc.id, input.schoolId);
    if (!earlier) throw error;
    const same = (['publisherId', 'product', 'period', 'audience', 'seats', 'reference'] as const).every(
      (f) => JSON.stringify(earlier[f]) === JSON.stringify(doc[f]),
    );
    if (!same) throw new AppError('school_licence_key_reused');
    stored = earlier;
    created = false;
  }
  await queueLicenceSync(services, stored);
  return { licence: stored, created };
}

async function updateLicence(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  schoolId: string,
  licenceId: string,
  change: (doc: SchoolLicenceDoc & Stored) => SchoolLicenceDoc | undefined,
): Promise<SchoolLicenceDoc> {
  const updated = await updateWithEtag<SchoolLicenceDoc>(services.db.collection('schools'), licenceId, schoolId, change, { type: 'school-licence' });
  if (!updated) throw new AppError('school_licence_not_found');
  // Also when nothing changed: a retried request whose first attempt wrote but lost its message sends it now.
  await queueLicenceSync(services, updated.doc);
  return updated.doc;
}

/** Changes the period, audience, seats or reference of an active licence; the fan-out brings every member in line. */
export async function changeSchoolLicence(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  input: { schoolId: string; licenceId: string; by: string; change: LicenceChange },
): Promise<SchoolLicenceDoc> {
  const { change } = input;
  if (change.audience) await checkSchoolAndAudience(services, input.schoolId, change.audience);
  const instants = change.period ? instantsOf(change.period) : undefined;
  return updateLicence(services, input.schoolId, input.licenceId, (doc) => {
    if (doc.status === 'ended') throw new AppError('school_licence_ended');
    const { seats: _seats, ...withoutSeats } = doc;
    const next: SchoolLicenceDoc = {
      ...(change.seats === null ? withoutSeats : doc),
      ...(change.period ? { period: change.period, ...instants } : {}),
      ...(change.audience ? { audience: change.audience } : {}),
      ...(typeof change.seats === 'number' ? { seats: change.seats } : {}),
      ...(change.reference ? { reference: change.reference } : {}),
    };
    const same = ['period', 'from', 'until', 'audience', 'seats', 'reference'].every((f) => JSON.stringify(next[f]) === JSON.stringify(doc[f]));
    if (same) return undefined;
    const revision = doc.revision + 1;
    const reached = doc.reached ?? [doc.audience];
    if (!reached.some((a) => JSON.stringify(a) === JSON.stringify(next.audience))) next.reached = [...reached, next.audience];
    return { ...next, revision, history: [...doc.history, { at: services.clock.now().toISOString(), by: input.by, action: 'changed', revision }] };
  });
}

/** Ends a licence at once: the fan-out removes it from every member's entitlement. Ending an ended one is harmless. */
export async function endSchoolLicence(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  input: { schoolId: string; licenceId: string; by: string; reason: string },
): Promise<SchoolLicenceDoc> {
  return updateLicence(services, input.schoolId, input.licenceId, (doc) => {
    if (doc.status === 'ended') return undefined;
    const at = services.clock.now().toISOString();
    const revision = doc.revision + 1;
    return {
      ...doc,
      status: 'ended',
      endedAt: at,
      endReason: input.reason,
      revision,
      history: [...doc.history, { at, by: input.by, action: 'ended', revision }],
    };
  });
}

/** One page of the school's licences, newest first: one single-partition query. */
export async function listSchoolLicences(
  services: Pick<Services, 'db' | 'config'>,
  schoolId: string,
  page: PageRequest = {},
): Promise<Page<SchoolLicenceView>> {
  const docs = await pageOf<SchoolLicenceDoc>(
    services,
    { container: 'schools', partitionKey: schoolId, where: "c.type = 'school-licence'", orderBy: 'c.recordedAt DESC', defaultPageSize: 50 },
    page,
  );
  return { items: docs.items.map(schoolLicenceView), ...(docs.continuation ? { continuation: docs.continuation } : {}) };
}
