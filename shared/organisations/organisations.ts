import './errors.js';

import { z } from 'zod';

import { type AccountDoc, type PublisherRole, publisherRoleNames } from '../accounts/index.js';
import { recordStaffAccess } from '../acl/index.js';
import { type Doc, DocumentExistsError, type Updated, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { type ClassDoc, createInvitation, type InvitationView, type SchoolDoc } from '../schools/index.js';
import { invalidateCatalogSnapshot, type PublisherDoc } from '../store/index.js';

/**
 * Organisations (ACC-1): operator administrators create and change schools, create publishers and give CMS and
 * municipality roles. Every act is written to the audit log under its subject (the school, the publisher, or the
 * person given a role, who sees it at GET /api/me/audit), with what was done. A school's first administrator is
 * invited with the ordinary invitation flow (shared/schools/invitations.ts), so they accept it like anyone else.
 */

type Staff = { staffAccountId: string; correlationId: string };
type Deps = Pick<Services, 'db' | 'clock'>;

const countrySchema = z.enum(['EE', 'FI']);
/** Estonian registrikood (8 digits), Finnish Y-tunnus (1234567-8) or an OID of the Finnish education register. */
const registryCodeSchema = z.string().regex(/^[0-9][0-9.-]{2,40}$/, 'must be a registry code');
const nameSchema = z.string().trim().min(2).max(200);
/** Finnish school codes (Opetushallitus) are five or six digits. */
const mpassidSchoolCodeSchema = z.string().regex(/^\d{5,6}$/, 'must be a Finnish school code (5 or 6 digits)');

export interface OrganisationSchoolDoc extends SchoolDoc {
  registryCode: string;
  /** The municipality that keeps the school (ACL-8: its officials may see the school's aggregates). */
  municipality?: string;
  createdBy?: string;
  createdAt?: string;
  updatedAt?: string;
}

export const newSchoolSchema = z.strictObject({
  name: nameSchema,
  country: countrySchema,
  registryCode: registryCodeSchema,
  municipality: nameSchema.optional(),
});
export const schoolChangeSchema = z
  .strictObject({
    name: nameSchema.optional(),
    country: countrySchema.optional(),
    registryCode: registryCodeSchema.optional(),
    municipality: nameSchema.nullable().optional(),
    /** OPS-3: the Finnish school codes MPASSid sends for this school ([] removes them). */
    mpassidSchoolCodes: z.array(mpassidSchoolCodeSchema).max(10).optional(),
    /** OPS-3: give MPASSid's teacher role at once instead of asking the school's administrator. */
    trustMpassidRoles: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'change at least one field' });

export const schoolViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  country: countrySchema,
  registryCode: z.string().optional(),
  municipality: z.string().optional(),
  mpassidSchoolCodes: z.array(z.string()).optional(),
  trustMpassidRoles: z.boolean().optional(),
});

export function schoolView(doc: OrganisationSchoolDoc) {
  return {
    id: doc.schoolId,
    name: doc.name,
    country: doc.country,
    registryCode: doc.registryCode,
    ...(doc.municipality ? { municipality: doc.municipality } : {}),
    ...(doc.mpassidSchoolCodes?.length ? { mpassidSchoolCodes: doc.mpassidSchoolCodes } : {}),
    ...(doc.trustMpassidRoles !== undefined ? { trustMpassidRoles: doc.trustMpassidRoles } : {}),
  };
}

const idPart = (code: string) => code.toLowerCase().replace(/[^a-z0-9]+/g, '-');
/** One id per registry code: a second school with the same code is refused, and a repeated request finds its own. */
const schoolIdOf = (country: 'EE' | 'FI', registryCode: string) => `school-${country.toLowerCase()}-${idPart(registryCode)}`;
const publisherIdOf = (country: 'EE' | 'FI', registryCode: string) => `pub-${country.toLowerCase()}-${idPart(registryCode)}`;

const audit = (deps: Deps, staff: Staff, subjectId: string, action: string) =>
  recordStaffAccess(deps, {
    subjectId,
    staffAccountId: staff.staffAccountId,
    capability: 'ops.organisations.manage',
    correlationId: staff.correlationId,
    action,
  });

/** Creates a school. The same school again (same code, same fields) answers it; another one with its code is 409. */
export async function createSchool(
  deps: Deps,
  input: z.infer<typeof newSchoolSchema>,
  staff: Staff,
): Promise<{ school: OrganisationSchoolDoc; created: boolean }> {
  const schoolId = schoolIdOf(input.country, input.registryCode);
  const doc: OrganisationSchoolDoc = {
    id: schoolId,
    type: 'school',
    schoolId,
    name: input.name,
    country: input.country,
    registryCode: input.registryCode,
    ...(input.municipality ? { municipality: input.municipality } : {}),
    createdBy: staff.staffAccountId,
    createdAt: deps.clock.now().toISOString(),
  };
  try {
    await deps.db.collection('schools').create<OrganisationSchoolDoc>(doc);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    const earlier = await deps.db.collection('schools').read<OrganisationSchoolDoc>(schoolId, schoolId);
    if (earlier && earlier.name === doc.name && earlier.municipality === doc.municipality && earlier.createdBy === staff.staffAccountId)
      return { school: earlier, created: false };
    throw new AppError('organisation_school_exists');
  }
  await audit(deps, staff, schoolId, 'school.create');
  return { school: doc, created: true };
}

/**
 * OPS-3: an MPASSid school code claims a school (its teachers are offered, or given, the school's roles), so no two
 * schools may list the same code: 409 organisation_mpassid_code_taken. A staff-only cross-partition query finds lists
 * written before the code index below existed.
 */
async function refuseCodesOfAnotherSchool(deps: Deps, schoolId: string, codes: string[]): Promise<void> {
  const page = await deps.db.collection('schools').crossPartitionQuery<{
    id: string;
  }>("SELECT c.id FROM c WHERE c.type = 'school' AND c.id != @school AND IS_DEFINED(c.mpassidSchoolCodes) AND EXISTS(SELECT VALUE code FROM code IN c.mpassidSchoolCodes WHERE ARRAY_CONTAINS(@codes, code))", [
    { name: '@school', value: schoolId },
    { name: '@codes', value: [...new Set(codes)] },
  ]);
  if (page.items.length) throw new AppError('organisation_mpassid_code_taken');
}

/**
 * The school holding an MPASSid code: one document per code (id mpassid-code:<code>, all in the partition
 * mpassid-codes of `schools`), created if absent before the school's list names the code, so two staff members
 * listing one code for two schools at the same moment cannot both succeed (a query before the write could not tell).
 * Deleted after the list drops the code.
 */
interface MpassidCodeDoc extends Doc {
  type: 'mpassid-code';
  schoolId: typeof CODES_PARTITION;
  code: string;
  holder: string;
  claimedAt: string;
}

const CODES_PARTITION = 'mpassid-codes';
const codeIndexId = (code: string) => `mpassid-code:${code}`;
/** A claim whose school never listed the code (a request that failed between the two writes) is free after this. */
const ABANDONED_CLAIM_MS = 10 * 60_000;

/** Claims each code for the school; the codes it newly claimed (to give back if the list is not written). */
async function claimCodes(deps: Deps, schoolId: string, codes: string[]): Promise<string[]> {
  const claimed: string[] = [];
  try {
    for (const code of codes) if (await claimCode(deps, schoolId, code)) claimed.push(code);
  } catch (error) {
    await releaseCodes(deps, schoolId, claimed);
    throw error;
  }
  return claimed;
}

/** True when this call created the claim; false when the school held it already (a retry, or a code it lists). */
async function claimCode(deps: Deps, schoolId: string, code: string): Promise<boolean> {
  const schools = deps.db.collection('schools');
  const now = deps.clock.now();
  const doc: MpassidCodeDoc = {
    id: codeIndexId(code),
    type: 'mpassid-code',
    schoolId: CODES_PARTITION,
    code,
    holder: schoolId,
    claimedAt: now.toISOString(),
  };
  try {
    await schools.create<MpassidCodeDoc>(doc);
    return true;
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
  }
  const taken = await updateWithEtag<MpassidCodeDoc>(
    schools,
    doc.id,
    CODES_PARTITION,
    async (held) => {
      if (held.holder === schoolId) return undefined;
      if (!(await abandoned(deps, held, now))) throw new AppError('organisation_mpassid_code_taken');
      return doc;
    },
    { type: 'mpassid-code', create: () => doc },
  );
  return taken?.changed === true;
}

/** The holder does not list the code and claimed it long enough ago that its request cannot still be writing. */
async function abandoned(deps: Deps, held: MpassidCodeDoc, now: Date): Promise<boolean> {
  if (now.getTime() - Date.parse(held.claimedAt) < ABANDONED_CLAIM_MS) return false;
  const holder = await deps.db.collection('schools').read<SchoolDoc>(held.holder, held.holder);
  return !(holder?.type === 'school' && (holder.mpassidSchoolCodes ?? []).includes(held.code));
}

/** Gives the codes back, where this school holds them. */
async function releaseCodes(deps: Deps, schoolId: string, codes: string[]): Promise<void> {
  const schools = deps.db.collection('schools');
  for (const code of codes) {
    const held = await schools.read<MpassidCodeDoc>(codeIndexId(code), CODES_PARTITION);
    if (held?.type === 'mpassid-code' && held.holder === schoolId) await schools.delete(held.id, CODES_PARTITION, { ifMatch: held._etag });
  }
}

/** Changes a school's name, country, registry code, municipality or MPASSid settings (the school's id stays). */
export async function changeSchool(
  deps: Deps,
  schoolId: string,
  change: z.infer<typeof schoolChangeSchema>,
  staff: Staff,
): Promise<OrganisationSchoolDoc> {
  const codes = change.mpassidSchoolCodes ? [...new Set(change.mpassidSchoolCodes)] : undefined;
  if (codes?.length) await refuseCodesOfAnotherSchool(deps, schoolId, codes);
  const claimed = codes ? await claimCodes(deps, schoolId, codes) : [];
  // The list as it was before this change, to give back the codes it drops.
  let before: string[] = [];
  let updated: Updated<OrganisationSchoolDoc> | undefined;
  try {
    updated = await updateWithEtag<OrganisationSchoolDoc>(
      deps.db.collection('schools'),
      schoolId,
      schoolId,
      (doc) => {
        before = doc.mpassidSchoolCodes ?? [];
        const { municipality: _m, ...rest } = doc;
        const next: OrganisationSchoolDoc = {
          ...(change.municipality === null ? rest : doc),
          ...(change.name ? { name: change.name } : {}),
          ...(change.country ? { country: change.country } : {}),
          ...(change.registryCode ? { registryCode: change.registryCode } : {}),
          ...(change.municipality ? { municipality: change.municipality } : {}),
          ...(codes ? { mpassidSchoolCodes: codes } : {}),
          ...(change.trustMpassidRoles !== undefined ? { trustMpassidRoles: change.trustMpassidRoles } : {}),
        };
        const same =
          (['name', 'country', 'registryCode', 'municipality', 'trustMpassidRoles'] as const).every((f) => next[f] === doc[f]) &&
          (next.mpassidSchoolCodes ?? []).join() === (doc.mpassidSchoolCodes ?? []).join();
        return same ? undefined : { ...next, updatedAt: deps.clock.now().toISOString() };
      },
      { type: 'school' },
    );
  } catch (error) {
    await releaseCodes(deps, schoolId, claimed);
    throw error;
  }
  if (!updated) {
    await releaseCodes(deps, schoolId, claimed);
    throw new AppError('organisation_school_not_found');
  }
  if (codes)
    await releaseCodes(
      deps,
      schoolId,
      before.filter((code) => !codes.includes(code)),
    );
  if (updated.changed) await audit(deps, staff, schoolId, 'school.change');
  return updated.doc;
}

export const newPublisherSchema = z.strictObject({ name: nameSchema, country: countrySchema, registryCode: registryCodeSchema });
export const publisherViewSchema = z.object({ id: z.string(), name: z.string(), country: countrySchema, registryCode: z.string().optional() });

/** Creates a publisher in the catalogue (its works come from the CMS). Same rules as schools. */
export async function createPublisher(
  deps: Deps,
  input: z.infer<typeof newPublisherSchema>,
  staff: Staff,
): Promise<{ publisher: PublisherDoc; created: boolean }> {
  const publisherId = publisherIdOf(input.country, input.registryCode);
  const doc: PublisherDoc = {
    id: publisherId,
    type: 'publisher',
    publisherId,
    name: input.name,
    country: input.country,
    registryCode: input.registryCode,
    createdBy: staff.staffAccountId,
  };
  try {
    await deps.db.collection('catalog').create<PublisherDoc>(doc);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    const earlier = await deps.db.collection('catalog').read<PublisherDoc>(publisherId, publisherId);
    if (earlier && earlier.name === doc.name && earlier.createdBy === staff.staffAccountId) return { publisher: earlier, created: false };
    throw new AppError('organisation_publisher_exists');
  }
  invalidateCatalogSnapshot();
  await audit(deps, staff, publisherId, 'publisher.create');
  return { publisher: doc, created: true };
}

export const roleChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('publisher'),
    publisherId: z.string().min(1).max(100),
    role: z.enum(publisherRoleNames),
    end: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('municipality'),
    name: nameSchema,
    schoolIds: z.array(z.string().min(1).max(100)).min(1).max(200),
    end: z.boolean().optional(),
  }),
]);
export type RoleChange = z.infer<typeof roleChangeSchema>;

export const rolesViewSchema = z.object({
  accountId: z.string(),
  publisherRoles: z.array(z.object({ publisherId: z.string(), role: z.enum(publisherRoleNames) })),
  municipality: z.object({ name: z.string(), schoolIds: z.array(z.string()) }).optional(),
});

/**
 * Gives or ends a CMS role at a publisher (author, editor, designer, technical editor) or a municipality role (the
 * schools whose aggregates the official sees, ACL-8). Takes effect at once: access checks read the account. Repeating
 * it changes nothing. Audited under the person, who sees it in their audit log.
 */
export async function changeRoles(deps: Deps, accountId: string, change: RoleChange, staff: Staff): Promise<z.infer<typeof rolesViewSchema>> {
  // Separation of duties: a second operator administrator gives an administrator a role.
  if (accountId === staff.staffAccountId) throw new AppError('organisation_own_roles');
  if (change.kind === 'publisher' && !change.end) {
    const publisher = await deps.db.collection('catalog').read<PublisherDoc>(change.publisherId, change.publisherId);
    if (publisher?.type !== 'publisher') throw new AppError('organisation_publisher_not_found');
  }
  if (change.kind === 'municipality' && !change.end) {
    // Operator route: one query across the schools' partitions names every school that exists.
    const found = await deps.db.collection('schools').crossPartitionQuery<{
      id: string;
    }>("SELECT c.id FROM c WHERE c.type = 'school' AND ARRAY_CONTAINS(@ids, c.id)", [{ name: '@ids', value: change.schoolIds }], undefined, 200);
    const known = new Set(found.items.map((r) => r.id));
    if (change.schoolIds.some((id) => !known.has(id))) throw new AppError('organisation_schools_unknown');
  }
  const updated = await updateWithEtag<AccountDoc>(
    deps.db.collection('accounts'),
    accountId,
    accountId,
    (account) => {
      const next = withRole(account, change);
      const same =
        JSON.stringify(next.publisherRoles ?? []) === JSON.stringify(account.publisherRoles ?? []) &&
        JSON.stringify(next.municipality) === JSON.stringify(account.municipality);
      return same ? undefined : { ...next, updatedAt: deps.clock.now().toISOString() };
    },
    { type: 'account' },
  );
  if (!updated) throw new AppError('organisation_account_not_found');
  const { changed, doc } = updated;
  if (changed) await audit(deps, staff, accountId, `${change.kind}-role.${change.end ? 'end' : 'give'}`);
  return { accountId, publisherRoles: doc.publisherRoles ?? [], ...(doc.municipality ? { municipality: doc.municipality } : {}) };
}

function withRole(account: AccountDoc, change: RoleChange): AccountDoc {
  if (change.kind === 'publisher') {
    const others = (account.publisherRoles ?? []).filter((r) => !(r.publisherId === change.publisherId && r.role === change.role));
    const roles: PublisherRole[] = change.end ? others : [...others, { publisherId: change.publisherId, role: change.role }];
    const { publisherRoles: _r, ...rest } = account;
    return roles.length ? { ...account, publisherRoles: roles } : rest;
  }
  const { municipality: _m, ...rest } = account;
  if (change.end) return account.municipality?.name === change.name ? rest : account;
  return { ...account, municipality: { name: change.name, schoolIds: [...new Set(change.schoolIds)].sort() } };
}

/**
 * Appoints a school's first administrator: an ordinary invitation into the schoolAdmin role, sent by the staff member
 * (ACC-2 records them as the inviter), so the person accepts it with an account holding the invited address, verified,
 * as every staff-role invitation requires. With an idempotency key a repeat sends no second e-mail.
 */
export async function appointFirstAdministrator(
  services: Services,
  input: { schoolId: string; email: string; language?: 'et' | 'fi' | 'en' | undefined },
  staffAccount: AccountDoc,
  staff: Staff,
  key: string | undefined,
): Promise<InvitationView> {
  const grants = [{ role: 'schoolAdmin' as const, scope: 'ownSchool' as const, schoolId: input.schoolId }];
  const invitation = await createInvitation(
    services,
    { schoolId: input.schoolId, email: input.email, role: 'schoolAdmin', ...(input.language ? { language: input.language } : {}) },
    staffAccount,
    grants,
    key,
  );
  await audit(services, staff, input.schoolId, 'school.first-admin-invited');
  return invitation;
}

export const newClassSchema = z.strictObject({
  name: z.string().trim().min(1).max(40),
  grade: z.number().int().min(0).max(13).optional(),
  schoolYear: z
    .string()
    .regex(/^\d{4}\/\d{4}$/, 'a school year such as 2026/2027')
    .optional(),
});
export const classViewSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  name: z.string(),
  grade: z.number().optional(),
  schoolYear: z.string().optional(),
});

/**
 * The school's administrator adds a class (ACC-1: students belong to classes; licences and invitations name them).
 * One id per name and school year: the same class again answers it.
 */
export async function createClass(
  deps: Deps,
  schoolId: string,
  input: z.infer<typeof newClassSchema>,
): Promise<{ klass: ClassDoc; created: boolean }> {
  const id = `class-${idPart(schoolId)}-${idPart(input.name)}${input.schoolYear ? `-${idPart(input.schoolYear)}` : ''}`;
  const doc: ClassDoc = {
    id,
    type: 'class',
    schoolId,
    name: input.name,
    ...(input.grade !== undefined ? { grade: input.grade } : {}),
    ...(input.schoolYear ? { schoolYear: input.schoolYear } : {}),
  };
  const school = await deps.db.collection('schools').read<SchoolDoc>(schoolId, schoolId);
  if (school?.type !== 'school') throw new AppError('organisation_school_not_found');
  try {
    return { klass: await deps.db.collection('schools').create<ClassDoc>(doc), created: true };
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    const earlier = await deps.db.collection('schools').read<ClassDoc>(id, schoolId);
    if (earlier?.type !== 'class') throw error;
    return { klass: earlier, created: false };
  }
}

export const classView = (doc: ClassDoc) => ({
  id: doc.id,
  schoolId: doc.schoolId,
  name: doc.name,
  ...(doc.grade !== undefined ? { grade: doc.grade } : {}),
  ...(doc.schoolYear ? { schoolYear: doc.schoolYear } : {}),
});
