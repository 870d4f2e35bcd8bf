import { createHash, createHmac, randomBytes } from 'node:crypto';

import { type AccountDoc, readAccount, type SchoolRoleName, updateAccount, withSchoolRole } from '../accounts/index.js';
import type { Grant } from '../acl/index.js';
import { emailLoginId, type LoginIndexDoc, normaliseEmail } from '../auth/index.js';
import { queueEmail } from '../messaging/index.js';
import { DocumentExistsError, type Page, updateWithEtag } from '../platform/cosmos.js';
import { countryProfile } from '../platform/countries.js';
import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { queueMemberSync } from '../store/index.js';
import { tellSchoolAdmins } from './code-links.js';
import { invitationClaimEmail, invitationEmail } from './emails.js';
import { activeMemberships, type MembershipDoc } from './members.js';
import type { ClassDoc, InvitationDoc, InvitationStatus, InvitationView, SchoolDoc } from './model.js';

const INVITATION_DAYS = 14;
/** Closed (accepted, revoked) invitations stay 30 days for the record, then Cosmos deletes them (registry retention). */
export const CLOSED_RETENTION_SECONDS = 30 * 86_400;
const DAY_MS = 86_400_000;

/** Token hashes are ids: base64url has no characters Cosmos forbids in ids (/ \ ? #). */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
export const invitationIdOf = (tokenHash: string) => `invitation:${tokenHash}`;

/** The token in the e-mailed link: `<schoolId>.<random>`, so acceptance is a point read in the school's partition. */
export const linkToken = (schoolId: string, token: string) => `${schoolId}.${token}`;

const TOKEN_PART = /^[A-Za-z0-9_-]{43}$/;

export function parseInvitationToken(value: string): { schoolId: string; token: string } | undefined {
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const schoolId = value.slice(0, dot);
  const token = value.slice(dot + 1);
  if (!TOKEN_PART.test(token) || schoolId.length > 100 || /[/\\?#\s]/.test(schoolId)) return undefined;
  return { schoolId, token };
}

/** The status as it reads now: a pending invitation past its expiry is expired (nothing needs to write that down). */
export function invitationStatus(doc: Pick<InvitationDoc, 'status' | 'expiresAt'>, now: Date): InvitationStatus {
  if (doc.status === 'pending' && Date.parse(doc.expiresAt) <= now.getTime()) return 'expired';
  return doc.status;
}

/** Administrators may invite into any role; teachers and class teachers only students (ACC-2). */
export function invitableRolesFor(grants: Grant[]): SchoolRoleName[] {
  if (grants.some((g) => g.role === 'schoolAdmin')) return ['student', 'teacher', 'classTeacher', 'schoolAdmin'];
  if (grants.some((g) => g.role === 'teacher' || g.role === 'classTeacher')) return ['student'];
  return [];
}

const isAdmin = (grants: Grant[]) => grants.some((g) => g.role === 'schoolAdmin');

function invitationView(doc: InvitationDoc, now: Date): InvitationView {
  return {
    id: doc.id,
    schoolId: doc.schoolId,
    email: doc.email,
    role: doc.role,
    ...(doc.classId ? { classId: doc.classId } : {}),
    ...(doc.subjects ? { subjects: doc.subjects } : {}),
    invitedBy: doc.invitedBy,
    inviter: doc.inviter,
    invitedAt: doc.invitedAt,
    expiresAt: doc.expiresAt,
    status: invitationStatus(doc, now),
    ...(doc.acceptedBy ? { acceptedBy: doc.acceptedBy, acceptedAt: doc.acceptedAt } : {}),
    ...(doc.revokedBy ? { revokedBy: doc.revokedBy, revokedAt: doc.revokedAt } : {}),
    ...(doc.claims?.length ? { claims: doc.claims } : {}),
  };
}

export async function readSchool(services: Pick<Services, 'db'>, schoolId: string): Promise<SchoolDoc> {
  const school = await services.db.collection('schools').read<SchoolDoc>(schoolId, schoolId);
  if (!school || school.type !== 'school') throw new AppError('school_not_found');
  return school;
}

/** The school, and the class when one is named: one single-partition query instead of two point reads (issue 11). */
async function readSchoolAndClass(
  services: Pick<Services, 'db'>,
  schoolId: string,
  classId: string | undefined,
): Promise<{ school: SchoolDoc; klass?: ClassDoc }> {
  if (!classId) return { school: await readSchool(services, schoolId) };
  const docs = (
    await services.db.collection('schools').query<SchoolDoc | ClassDoc>(schoolId, {
      where: 'ARRAY_CONTAINS(@ids, c.id)',
      parameters: [{ name: '@ids', value: [schoolId, classId] }],
    })
  ).items;
  const school = docs.find((d): d is SchoolDoc => d.id === schoolId && d.type === 'school');
  if (!school) throw new AppError('school_not_found');
  const klass = docs.find((d): d is ClassDoc => d.id === classId && d.type === 'class');
  if (!klass) throw new AppError('class_not_found', { details: [{ path: 'classId', issue: 'not a class of this school' }] });
  return { school, klass };
}

export interface NewInvitation {
  schoolId: string;
  email: string;
  role: SchoolRoleName;
  classId?: string;
  subjects?: string[];
  /** Language of the e-mail; by default the school's (Estonian or Finnish). */
  language?: Language;
}

/**
 * ACC-2: invites an e-mail address into a role in the inviter's school. Stores the invitation with the token's hash
 * only and e-mails the link. The caller's grants (from the capability table) decide which roles they may give.
 */
/**
 * With an idempotency key the link token is derived from it (HMAC with the first session signing key: as secret as a
 * random one), so a repeated request finds the invitation the first attempt made instead of sending a second one.
 */
const tokenFor = (services: Services, schoolId: string, inviterId: string, key: string | undefined) =>
  key
    ? createHmac('sha256', services.config.SESSION_SIGNING_KEYS[0]!.secret)
        .update(`invitation\n${schoolId}\n${inviterId}\n${key}`)
        .digest('base64url')
    : randomBytes(32).toString('base64url');

export async function createInvitation(
  services: Services,
  input: NewInvitation,
  inviter: AccountDoc,
  grants: Grant[],
  key?: string,
): Promise<InvitationView> {
  if (!invitableRolesFor(grants).includes(input.role)) throw new AppError('invitation_role_not_allowed');
  if (input.role === 'classTeacher' && !input.classId)
    throw new AppError('class_required', { details: [{ path: 'classId', issue: 'required for a class teacher' }] });
  const { school, klass } = await readSchoolAndClass(services, input.schoolId, input.classId);

  const now = services.clock.now();
  const token = tokenFor(services, input.schoolId, inviter.accountId, key);
  const tokenHash = hashToken(token);
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * DAY_MS);
  const doc: InvitationDoc = {
    id: invitationIdOf(tokenHash),
    type: 'invitation',
    schoolId: input.schoolId,
    email: normaliseEmail(input.email),
    role: input.role,
    ...(input.classId ? { classId: input.classId } : {}),
    ...(input.subjects?.length ? { subjects: input.subjects } : {}),
    invitedBy: inviter.accountId,
    inviter: {
      accountId: inviter.accountId,
      firstName: inviter.firstName,
      lastName: inviter.lastName,
      ...(inviter.email ? { email: inviter.email } : {}),
    },
    schoolCountry: school.country,
    invitedAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    status: 'pending',
    tokenHash,
    // Event retention: Cosmos removes the invitation 30 days after it expires, unless closing it sets a new ttl.
    ttl: Math.ceil((expiresAt.getTime() - now.getTime()) / 1000) + CLOSED_RETENTION_SECONDS,
  };
  try {
    await services.db.collection('schools').create<InvitationDoc>(doc);
  } catch (error) {
    if (!(error instanceof DocumentExistsError) || !key) throw error;
    const earlier = await services.db.collection('schools').read<InvitationDoc>(doc.id, input.schoolId);
    if (!earlier || earlier.email !== doc.email || earlier.role !== doc.role || earlier.classId !== doc.classId)
      throw new AppError('idempotency_key_reused');
    // The first attempt's e-mail is keyed by the invitation id, so queueing it again below is dropped as a duplicate.
    Object.assign(doc, { invitedAt: earlier.invitedAt, expiresAt: earlier.expiresAt });
  }

  const language: Language = input.language ?? (school.country === 'FI' ? 'fi' : 'et');
  // The school's country's site (OPS-3): a Finnish school's invitation opens opiq.fi.
  const link = `${countryProfile(services.config, school.country).siteUrl}/invitations/accept?token=${encodeURIComponent(linkToken(input.schoolId, token))}`;
  await queueEmail(
    services,
    {
      ...invitationEmail(language, doc.email, {
        inviterName: `${inviter.firstName} ${inviter.lastName}`.trim(),
        ...(inviter.email ? { inviterEmail: inviter.email } : {}),
        schoolName: school.name,
        role: input.role,
        ...(klass ? { className: klass.name } : {}),
        link,
        expiresAt: doc.expiresAt,
      }),
      country: school.country,
      language,
    },
    doc.id,
  );
  return invitationView(doc, now);
}

/** Administrators see every invitation of their school; teachers the ones they sent. Newest first. */
export async function listInvitations(
  services: Pick<Services, 'db' | 'clock' | 'config'>,
  schoolId: string,
  caller: string,
  grants: Grant[],
  status?: InvitationStatus,
  page: PageRequest = {},
): Promise<Page<InvitationView>> {
  const admin = isAdmin(grants);
  const now = services.clock.now();
  // The status filter is part of the query (a pending invitation past expiresAt reads as expired), so a page is full.
  const byStatus: Record<InvitationStatus, string> = {
    pending: "c.status = 'pending' AND c.expiresAt > @now",
    expired: "(c.status = 'expired' OR (c.status = 'pending' AND c.expiresAt <= @now))",
    accepted: "c.status = 'accepted'",
    revoked: "c.status = 'revoked'",
  };
  const docs = await pageOf<InvitationDoc>(
    services,
    {
      container: 'schools',
      partitionKey: schoolId,
      where: `c.type = 'invitation'${admin ? '' : ' AND c.invitedBy = @caller'}${status ? ` AND ${byStatus[status]}` : ''}`,
      parameters: [
        ...(admin ? [] : [{ name: '@caller', value: caller }]),
        ...(status === 'pending' || status === 'expired' ? [{ name: '@now', value: now.toISOString() }] : []),
      ],
      orderBy: 'c.invitedAt DESC',
      defaultPageSize: 50,
    },
    page,
  );
  return { items: docs.items.map((d) => invitationView(d, now)), ...(docs.continuation ? { continuation: docs.continuation } : {}) };
}

/** Withdraws a pending (or expired) invitation: the school's administrator or whoever sent it. Repeating is harmless. */
export async function revokeInvitation(
  services: Pick<Services, 'db' | 'clock'>,
  schoolId: string,
  invitationId: string,
  caller: string,
  grants: Grant[],
): Promise<void> {
  const updated = await updateWithEtag<InvitationDoc>(
    services.db.collection('schools'),
    invitationId,
    schoolId,
    (doc) => {
      if (!isAdmin(grants) && doc.invitedBy !== caller) throw new AppError('forbidden');
      if (doc.status === 'revoked') return undefined;
      if (doc.status === 'accepted') throw new AppError('invitation_closed');
      return { ...doc, status: 'revoked', revokedBy: caller, revokedAt: services.clock.now().toISOString(), ttl: CLOSED_RETENTION_SECONDS };
    },
    { type: 'invitation' },
  );
  if (!updated) throw new AppError('invitation_not_found');
}

export interface AcceptedRole {
  schoolId: string;
  role: SchoolRoleName;
  classId?: string;
  membershipId: string;
}

/** Roles that give access to other people's data: accepting them is bound to the invited address (ACC-2, ACL-1). */
const STAFF_ROLES: readonly SchoolRoleName[] = ['teacher', 'classTeacher', 'schoolAdmin'];
/** Claims kept on one invitation: enough for a typo'd address, not a queue for anyone who got hold of the link. */
const MAX_CLAIMS = 5;

export type AcceptOutcome =
  | (AcceptedRole & { status: 'accepted' })
  | { status: 'awaiting-school-confirmation'; schoolId: string; role: SchoolRoleName };

/**
 * Whether the account holds this address, verified: the address's password login is this account's and verified,
 * or (no password login) the account got it from a provider that verified it (accounts keep only verified ones).
 */
async function holdsVerifiedEmail(services: Pick<Services, 'db'>, account: AccountDoc, email: string): Promise<boolean> {
  const address = normaliseEmail(email);
  const id = emailLoginId(address);
  const login = await services.db.collection('logins').read<LoginIndexDoc>(id, id);
  if (login) return login.accountId === account.accountId && Boolean(login.emailVerifiedAt);
  return account.email !== undefined && normaliseEmail(account.email) === address;
}

/**
 * ACC-2: the signed-in user accepts an invitation. The invitation is claimed with its ETag (so two people cannot
 * both use one link), then the membership is created and the role added to the account's summary.
 * The link alone is not enough (issue 17: a Finnish student took a teacher role in an Estonian school with a
 * forwarded link): a staff role (teacher, class teacher, administrator) goes only to an account holding the invited
 * address, verified; anyone else's acceptance is recorded as a claim the school's administrator may confirm. A
 * student invitation is limited to people of the school's country. The same user opening it again gets the same
 * answer (and any half-finished step is completed).
 */
export async function acceptInvitation(services: Pick<Services, 'db' | 'clock' | 'bus'>, value: string, account: AccountDoc): Promise<AcceptOutcome> {
  const parsed = parseInvitationToken(value);
  if (!parsed) throw new AppError('invitation_invalid');
  const id = invitationIdOf(hashToken(parsed.token));
  const updated = await updateWithEtag<InvitationDoc>(
    services.db.collection('schools'),
    id,
    parsed.schoolId,
    async (doc) => {
      const now = services.clock.now();
      switch (invitationStatus(doc, now)) {
        case 'accepted':
          if (doc.acceptedBy === account.accountId) return undefined;
          throw new AppError('invitation_used');
        case 'revoked':
          throw new AppError('invitation_revoked');
        case 'expired':
          throw new AppError('invitation_expired');
        case 'pending':
          break;
      }
      if (doc.role === 'student') {
        // Invitations from before the country was stored on them read the school.
        const schoolCountry = doc.schoolCountry ?? (await readSchool(services, doc.schoolId)).country;
        if (account.country !== schoolCountry) throw new AppError('invitation_wrong_country');
      } else if (STAFF_ROLES.includes(doc.role) && !(await holdsVerifiedEmail(services, account, doc.email))) {
        return withClaim(services, doc, account);
      }
      return { ...doc, status: 'accepted', acceptedBy: account.accountId, acceptedAt: now.toISOString(), ttl: CLOSED_RETENTION_SECONDS };
    },
    { type: 'invitation' },
  );
  if (!updated) throw new AppError('invitation_invalid');
  const doc = updated.doc;
  if (doc.status === 'accepted') return { status: 'accepted', ...(await grantInvitedRole(services, doc, account)) };
  // Still pending: the acceptance was recorded as a claim; the school's administrators hear of it once.
  if (updated.changed) {
    await tellSchoolAdmins(
      services,
      doc.schoolId,
      (language, to, schoolName) => invitationClaimEmail(language, to, { schoolName, role: doc.role, invitedEmail: doc.email }),
      `invitation-claim:${doc.id}:${account.accountId}`,
    );
  }
  return { status: 'awaiting-school-confirmation', schoolId: doc.schoolId, role: doc.role };
}

/** The invitation with this account's claim added (once per account; undefined when it is there); the role is not given. */
function withClaim(services: Pick<Services, 'clock'>, doc: InvitationDoc, account: AccountDoc): InvitationDoc | undefined {
  const claims = doc.claims ?? [];
  if (claims.some((c) => c.accountId === account.accountId)) return undefined;
  if (claims.length >= MAX_CLAIMS) throw new AppError('invitation_claims_full');
  const claim = {
    accountId: account.accountId,
    at: services.clock.now().toISOString(),
    firstName: account.firstName,
    lastName: account.lastName,
    ...(account.email ? { email: account.email } : {}),
  };
  return { ...doc, claims: [...claims, claim] };
}

/**
 * The school's administrator confirms that a claimant of a staff-role invitation is the person meant (an address
 * with a typo, a person who signed up with another address): the claimant gets the role. Idempotent.
 */
export async function confirmInvitationClaim(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  input: { schoolId: string; invitationId: string; accountId: string; by: string },
): Promise<AcceptedRole> {
  // The claimant's account as read with the latest invitation (a holder: assignments in a callback are not narrowed).
  const claimant: { account?: AccountDoc } = {};
  const updated = await updateWithEtag<InvitationDoc>(
    services.db.collection('schools'),
    input.invitationId,
    input.schoolId,
    async (doc) => {
      const account = (claimant.account = await readAccount(services, input.accountId));
      const status = invitationStatus(doc, services.clock.now());
      if (status === 'accepted' && doc.acceptedBy === input.accountId && account) return undefined;
      if (status !== 'pending')
        throw new AppError(status === 'expired' ? 'invitation_expired' : status === 'revoked' ? 'invitation_revoked' : 'invitation_used');
      if (!account || !(doc.claims ?? []).some((c) => c.accountId === input.accountId)) throw new AppError('invitation_claim_not_found');
      return {
        ...doc,
        status: 'accepted',
        acceptedBy: input.accountId,
        acceptedAt: services.clock.now().toISOString(),
        confirmedBy: input.by,
        ttl: CLOSED_RETENTION_SECONDS,
      };
    },
    { type: 'invitation' },
  );
  if (!updated) throw new AppError('invitation_not_found');
  // Whether written now or found accepted for this claimant, the change function saw the account.
  return grantInvitedRole(services, updated.doc, claimant.account!);
}

const membershipBaseId = (accountId: string, role: SchoolRoleName, classId?: string) =>
  `membership:${accountId}:${role}${classId ? `:${classId}` : ''}`;

/** Creates the membership (unless the same active role exists already) and adds the role to the account. Idempotent. */
export async function grantInvitedRole(
  services: Pick<Services, 'db' | 'clock' | 'bus'>,
  invitation: InvitationDoc,
  account: AccountDoc,
): Promise<AcceptedRole> {
  const schools = services.db.collection('schools');
  const { schoolId, role, classId, subjects } = invitation;
  const sameRole = (m: { schoolId: string; role: string; classId?: string | undefined }) =>
    m.schoolId === schoolId && m.role === role && (m.classId ?? undefined) === classId;
  const activeMembershipId = async () => (await activeMemberships(services, schoolId, account.accountId)).find(sameRole)?.id;
  // The account's role summary says whether a membership may exist already: the query only then (issue 11).
  let membershipId = (account.schoolRoles ?? []).some(sameRole) ? await activeMembershipId() : undefined;
  if (!membershipId) {
    const now = services.clock.now();
    const doc: MembershipDoc = {
      id: membershipBaseId(account.accountId, role, classId),
      type: 'membership',
      schoolId,
      accountId: account.accountId,
      role,
      ...(classId ? { classId } : {}),
      ...(subjects?.length ? { subjects } : {}),
      status: 'active',
      since: now.toISOString(),
      // ACC-2: who invited them, with the inviter's details as they were.
      invitedBy: invitation.invitedBy,
      inviter: invitation.inviter,
      invitationId: invitation.id,
      firstName: account.firstName,
      lastName: account.lastName,
      ...(account.email ? { email: account.email } : {}),
    };
    try {
      membershipId = (await schools.create<MembershipDoc>(doc)).id;
    } catch (error) {
      if (!(error instanceof DocumentExistsError)) throw error;
      const holder = await schools.read<MembershipDoc>(doc.id, schoolId);
      // The same acceptance running twice at once: the other one created it.
      if (holder?.status === 'active') membershipId = holder.id;
      // An earlier, ended membership holds the plain id; it stays as the record of that role. A later active one
      // under another id (a half-done acceptance the summary missed) is found by the query.
      else membershipId = (await activeMembershipId()) ?? (await schools.create<MembershipDoc>({ ...doc, id: `${doc.id}:${now.getTime()}` })).id;
    }
  }
  await updateAccount(
    services,
    account.accountId,
    (a) => withSchoolRole(a, { schoolId, role, ...(classId ? { classId } : {}), ...(subjects?.length ? { subjects } : {}) }),
    account,
  );
  // The school's licences reach the new member through the queue (a repeat is dropped as a duplicate).
  await queueMemberSync(services, schoolId, account.accountId, `joined:${membershipId}`);
  return { schoolId, role, ...(classId ? { classId } : {}), membershipId };
}
