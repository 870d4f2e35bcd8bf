import { createHash, randomBytes } from 'node:crypto';

import type { AccountDoc } from '../accounts/index.js';
import type { AssertedSchoolRole } from '../auth/index.js';
import { DocumentExistsError } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { tellSchoolAdmins } from './code-links.js';
import { mpassidRoleEmail } from './emails.js';
import { CLOSED_RETENTION_SECONDS, grantInvitedRole, hashToken } from './invitations.js';
import type { InvitationDoc, SchoolDoc } from './model.js';

/** How long an administrator has to confirm; then the teacher's next MPASSid sign-in asks again. */
const REQUEST_DAYS = 30;
const DAY_MS = 86_400_000;

/** Stands for the inviter on invitations nobody sent: MPASSid asserted the role. */
const MPASSID_INVITER = { accountId: 'mpassid', firstName: 'MPASSid', lastName: '' };

/** One request per account, school and role: a repeated sign-in finds it instead of asking again (a teacher's id as before). */
const requestId = (schoolId: string, accountId: string, role: MpassidOffer['role']) =>
  `invitation:mpassid-${createHash('sha256')
    .update(`${schoolId}:${accountId}${role === 'teacher' ? '' : `:${role}`}`)
    .digest('base64url')
    .slice(0, 32)}`;

type Deps = Pick<Services, 'db' | 'clock' | 'bus'>;

/** The one school on the platform that listed this MPASSid school code; none when no school or more than one did. */
async function schoolByMpassidCode(services: Pick<Services, 'db'>, code: string): Promise<SchoolDoc | undefined> {
  const { items } = await services.db
    .collection('schools')
    .crossPartitionQuery<SchoolDoc>(
      "SELECT * FROM c WHERE c.type = 'school' AND IS_DEFINED(c.mpassidSchoolCodes) AND ARRAY_CONTAINS(c.mpassidSchoolCodes, @code)",
      [{ name: '@code', value: code }],
      undefined,
      2,
    );
  return items.length === 1 ? items[0] : undefined;
}

/**
 * The platform role MPASSid's asserted role is offered as (OPS-3). A teacher or substitute (codes 2, 5) is offered the
 * teacher role, given at once where the school trusts MPASSid roles. A principal (6) is offered the school's
 * administrator role and staff or a secretary (3, 4) the teacher role (the platform has no other staff role, and the
 * teacher's is the narrower one), both always on the school administrator's confirmation, whatever the trust: no
 * requirement lets a sign-in give itself the school's widest role, and MPASSid's staff covers people who do not teach.
 */
const OFFERS: Partial<Record<AssertedSchoolRole['role'], { role: 'teacher' | 'schoolAdmin'; trustable: boolean }>> = {
  teacher: { role: 'teacher', trustable: true },
  principal: { role: 'schoolAdmin', trustable: false },
  staff: { role: 'teacher', trustable: false },
};

interface MpassidOffer {
  schoolCode: string;
  role: 'teacher' | 'schoolAdmin';
  /** What MPASSid said, for the administrator's e-mail. */
  asserted: 'teacher' | 'principal' | 'staff';
  trustable: boolean;
}

/** One offer per school code and platform role; a role also asserted as trustable (teacher and staff) stays trustable. */
function mpassidOffers(asserted: readonly AssertedSchoolRole[]): MpassidOffer[] {
  const offers = new Map<string, MpassidOffer>();
  for (const { schoolCode, role } of asserted) {
    const offer = OFFERS[role];
    if (!offer) continue;
    const key = `${schoolCode}:${offer.role}`;
    const earlier = offers.get(key);
    if (earlier?.trustable || (earlier && !offer.trustable)) continue;
    offers.set(key, { schoolCode, role: offer.role, asserted: role as MpassidOffer['asserted'], trustable: offer.trustable });
  }
  return [...offers.values()];
}

/**
 * OPS-3, AUTH-1: MPASSid asserts a person's school roles (urn:mpass.id:role). Asserted roles are hints, never rights
 * by themselves: a school on the platform that listed the school code gets a request its administrator confirms
 * through the staff-invitation claim flow (ACC-2), or, for a teacher where the school trusts MPASSid roles, the
 * teacher gets the role at once (see OFFERS). Idempotent: every sign-in may call it.
 */
export async function offerMpassidRoles(services: Deps, account: AccountDoc, asserted: readonly AssertedSchoolRole[]): Promise<void> {
  const schools = new Map<string, SchoolDoc | undefined>();
  for (const offer of mpassidOffers(asserted)) {
    if (!schools.has(offer.schoolCode)) schools.set(offer.schoolCode, await schoolByMpassidCode(services, offer.schoolCode));
    const school = schools.get(offer.schoolCode);
    if (!school) continue;
    if ((account.schoolRoles ?? []).some((r) => r.schoolId === school.schoolId && r.role === offer.role)) continue;
    await requestRole(services, school, account, offer);
  }
}

async function requestRole(services: Deps, school: SchoolDoc, account: AccountDoc, offer: MpassidOffer): Promise<void> {
  const schools = services.db.collection('schools');
  const now = services.clock.now();
  const expiresAt = new Date(now.getTime() + REQUEST_DAYS * DAY_MS);
  const trusted = offer.trustable && school.trustMpassidRoles === true;
  const doc: InvitationDoc = {
    id: requestId(school.schoolId, account.accountId, offer.role),
    type: 'invitation',
    schoolId: school.schoolId,
    // MPASSid releases no e-mail address, and none was sent: the request is for the claimant below.
    email: account.email ?? '',
    role: offer.role,
    invitedBy: MPASSID_INVITER.accountId,
    inviter: MPASSID_INVITER,
    schoolCountry: school.country,
    invitedAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    // No link exists for it; a random hash keeps the field's meaning (nobody can present a token for it).
    tokenHash: hashToken(randomBytes(32).toString('base64url')),
    source: 'mpassid',
    ...(trusted
      ? { status: 'accepted', acceptedBy: account.accountId, acceptedAt: now.toISOString(), ttl: CLOSED_RETENTION_SECONDS }
      : {
          status: 'pending',
          claims: [{ accountId: account.accountId, at: now.toISOString(), firstName: account.firstName, lastName: account.lastName }],
          ttl: Math.ceil((expiresAt.getTime() - now.getTime()) / 1000) + CLOSED_RETENTION_SECONDS,
        }),
  };
  try {
    await schools.create<InvitationDoc>(doc);
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
    const earlier = await schools.read<InvitationDoc>(doc.id, school.schoolId);
    // A trusted grant that stopped half-way is completed; a pending request waits for the administrator.
    if (earlier?.status === 'accepted' && earlier.acceptedBy === account.accountId) await grantInvitedRole(services, earlier, account);
    return;
  }
  if (trusted) {
    await grantInvitedRole(services, doc, account);
    return;
  }
  await tellSchoolAdmins(
    services,
    school.schoolId,
    (language, to, schoolName) => mpassidRoleEmail(language, to, { schoolName, asserted: offer.asserted }),
    `mpassid-role:${doc.id}`,
  );
}
