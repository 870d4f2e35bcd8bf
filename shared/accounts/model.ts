import { z } from 'zod';

import type { Doc } from '../platform/cosmos.js';

const countrySchema = z.enum(['EE', 'FI']);

/** One way to sign in, as listed on the account (the index document in `logins` is the authority). */
export interface LinkedLogin {
  /** The login index id: 'harid:<sub>', 'email:<address>'. */
  id: string;
  provider: string;
  linkedAt: string;
}

/**
 * Operator staff roles (ACL-7): support sees what a case needs; security can suspend accounts (AUTH-5, OPS-1);
 * operatorAdmin sets up organisations (schools, publishers, CMS and municipality roles) and records school licences
 * (ACC-1): acts on organisations and contracts, with no look at any person's study data; privacyOfficer answers
 * data-subject requests (PRIV-7) from their own queue.
 */
type StaffRole = 'support' | 'security' | 'operatorAdmin' | 'privacyOfficer';

export interface Suspension {
  at: string;
  reason: 'password-leak' | 'malicious-activity' | 'unusual-usage' | 'terms-breach';
  /** Staff account that suspended it. */
  by: string;
  /** The school involved, when the suspension was agreed with it (OPS-1). */
  schoolId?: string;
  note?: string;
}

interface PersonalCodeVerification {
  kind: 'eid' | 'school';
  /** The provider id (kind 'eid') or the school id (kind 'school'). */
  by: string;
  at: string;
}

export type SchoolRoleName = 'student' | 'teacher' | 'classTeacher' | 'schoolAdmin';

/** An active role in a school, copied from its membership document so access checks need only the account. */
export interface SchoolRole {
  schoolId: string;
  role: SchoolRoleName;
  classId?: string;
  subjects?: string[];
}

export interface FamilyLink {
  accountId: string;
  /** The child's school, which confirmed the link and holds its document. */
  schoolId: string;
  linkId: string;
  /**
   * The linked person's names, for the family lists (issue 11: no read per person): copied when the school confirms,
   * refreshed by `member-name-copies` when that person's names change, gone with the entry (an ending, their erasure).
   * Absent on entries written before they were kept: the list reads that person's account then.
   */
  firstName?: string;
  lastName?: string;
}

export const publisherRoleNames = ['author', 'editor', 'designer', 'technicalEditor'] as const;

export interface PublisherRole {
  publisherId: string;
  role: (typeof publisherRoleNames)[number];
}

/** ACC-4: who beyond the person's schools may see their data; schools always can while the role lasts. */
export interface PrivacySettings {
  shareWithParents: boolean;
  shareWithPublishers: boolean;
  updatedAt?: string;
  updatedBy?: string;
}

export const defaultPrivacy: PrivacySettings = { shareWithParents: true, shareWithPublishers: false };

/**
 * One active session in brief, kept on the account so that authenticating a request is one point read (issue 11):
 * the account's status and the session's revocation are then in the same document. The session document keeps the
 * rest (refresh-token hashes, times, browser). Revoking removes the entry first; an access token whose session has no
 * entry is refused.
 */
export interface SessionEntry {
  sessionId: string;
  absoluteExpiresAt: string;
}

/**
 * PRIV-4: the person's restriction of processing and their objections, kept on the account so every area checks them
 * in the document authentication has already read (no extra read per request). Each holds the time it began.
 */
export interface ProcessingChoices {
  /** Restricted: the data is kept but used for no marketing, usage analytics, profiling or statistics. */
  restrictedAt?: string;
  /** Objections to processing on legitimate interest and to direct marketing (absolute while it stands). */
  objections?: Partial<Record<Objection, string>>;
  updatedAt?: string;
  updatedBy?: string;
}

export const objections = ['usageAnalytics', 'outcomeKeeping', 'directMarketing'] as const;
export type Objection = (typeof objections)[number];

/** PRIV-6: where a consent stands now (its history is in `consent-event` documents). */
export interface ConsentState {
  given: boolean;
  /** The version of the consent text given or withdrawn. */
  version: string;
  at: string;
  channel: 'settings' | 'unsubscribe-link' | 'request' | 'sign-up' | 'spam-report';
  /** GDPR Article 8: recorded by the person's confirmed parent for a child who cannot consent alone; absent: the person. */
  as?: 'parent';
}

/** PRIV-8: who closed the account; authentication data went at once, the rest follows the erasure rules (issue 13). */
export interface Closure {
  at: string;
  by: string;
  /**
   * 'school': by the school's administrator (school users); 'self': a private user after re-authenticating;
   * 'inactivity': by the yearly closure of accounts unused for 5 years, after a notice (RET-9).
   */
  as: 'self' | 'school' | 'inactivity';
  schoolId?: string;
  /** The queued rest of the closure is done (its `account-closure` event written): the recovery sweep skips it. */
  completedAt?: string;
  /** RET-1: how many login indexes (e-mail, personal code, provider logins) the closure released; counted in the erasure evidence (PRIV-3). */
  loginIndexesReleased?: number;
}

/** The account's profile document: `id` and `accountId` are the same, so `/me` is one point read. */
export interface AccountDoc extends Doc {
  type: 'account';
  accountId: string;
  firstName: string;
  lastName: string;
  email?: string;
  phone?: string;
  /** Personal identification code with its country (AUTH-3). */
  personalCode?: { country: 'EE' | 'FI'; code: string };
  /**
   * Where the personal code came from, when it is proof of identity: an eID-grade sign-in or the person's school
   * (ACC-5). Absent for a code the user typed about themselves: such a code never links a sign-in to this account.
   */
  personalCodeVerification?: PersonalCodeVerification;
  birthDate?: string;
  language: 'et' | 'fi' | 'en';
  country: 'EE' | 'FI';
  status: 'active' | 'suspended' | 'closed';
  logins?: LinkedLogin[];
  schoolRoles?: SchoolRole[];
  /**
   * Every school whose partition holds data about this person (roles held, now or ever; a child's school through a
   * family link): export and erasure read those partitions instead of scanning every school (PRIV-2, PRIV-3).
   */
  schoolPartitions?: string[];
  /** Confirmed parent links, on both sides. */
  children?: FamilyLink[];
  parents?: FamilyLink[];
  /**
   * Links ended whose entries are still on this account: an ending marks both accounts before it answers (one patch
   * each, no read), and `family-link-endings` then removes the entry and the mark. Every check reads the entries
   * through `familyLinks`, which leaves these out (ACL-5 holds at once on both sides).
   */
  endedFamilyLinks?: string[];
  publisherRoles?: PublisherRole[];
  /** A municipality official: the schools whose aggregate statistics they may see (ACL-8). */
  municipality?: { name: string; schoolIds: string[] };
  privacy?: PrivacySettings;
  staffRoles?: StaffRole[];
  suspension?: Suspension;
  /**
   * OPS-1: a restriction short of suspension for misuse: the person signs in and reads, but writes nothing others see
   * (answers, notes, chat, invitations, requests); only their own settings. Lifted like a suspension.
   */
  restriction?: Omit<Suspension, 'reason'> & { mode: 'read-only'; reason: Exclude<Suspension['reason'], 'password-leak'> };
  /** Suspensions for malicious activity, unusual usage or breaking the terms (OPS-1): at 3, access is cancelled. */
  breachCount?: number;
  accessCancelled?: { at: string; by: string };
  processing?: ProcessingChoices;
  /** PRIV-6: consents by purpose (shared/consents/catalogue.ts). */
  consents?: Partial<Record<string, ConsentState>>;
  closure?: Closure;
  /** RET-9: the last sign-in, written with the session entry at sign-in (no extra write); absent before it was kept. */
  lastSignInAt?: string;
  /** RET-9: the notice of closure for inactivity sent in July of `year`; a sign-in after `at` keeps the account. */
  inactivityNotice?: { year: number; at: string };
  /** Absent on accounts not signed in since the index was introduced: their sessions are checked on the session document. */
  activeSessions?: SessionEntry[];
  createdAt: string;
  updatedAt: string;
}

export const accountViewSchema = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  personalCode: z.object({ country: countrySchema, code: z.string() }).optional(),
  /** True when the code came from an eID-grade sign-in or from the school; a self-typed code is unverified. */
  personalCodeVerified: z.boolean().optional(),
  birthDate: z.string().optional(),
  language: z.enum(['et', 'fi', 'en']),
  country: countrySchema,
  status: z.enum(['active', 'suspended', 'closed']),
  schoolRoles: z.array(
    z.object({ schoolId: z.string(), role: z.string(), classId: z.string().optional(), subjects: z.array(z.string()).optional() }),
  ),
  children: z.array(z.object({ accountId: z.string(), schoolId: z.string() })),
  parents: z.array(z.object({ accountId: z.string(), schoolId: z.string() })),
  publisherRoles: z.array(z.object({ publisherId: z.string(), role: z.string() })),
  staffRoles: z.array(z.string()),
  privacy: z.object({ shareWithParents: z.boolean(), shareWithPublishers: z.boolean() }),
});

export type AccountView = z.infer<typeof accountViewSchema>;

/** The family links in force on one side: the entries less those an ending has marked (ACL-5 reads only these). */
export function familyLinksOf(account: Pick<AccountDoc, 'children' | 'parents' | 'endedFamilyLinks'>, side: 'children' | 'parents'): FamilyLink[] {
  const ended = account.endedFamilyLinks ?? [];
  return (account[side] ?? []).filter((l) => !ended.includes(l.linkId));
}

export function accountView(doc: AccountDoc): AccountView {
  return {
    id: doc.accountId,
    firstName: doc.firstName,
    lastName: doc.lastName,
    ...(doc.email ? { email: doc.email } : {}),
    ...(doc.phone ? { phone: doc.phone } : {}),
    ...(doc.personalCode ? { personalCode: doc.personalCode, personalCodeVerified: Boolean(doc.personalCodeVerification) } : {}),
    ...(doc.birthDate ? { birthDate: doc.birthDate } : {}),
    language: doc.language,
    country: doc.country,
    status: doc.status,
    schoolRoles: doc.schoolRoles ?? [],
    children: familyLinksOf(doc, 'children').map(({ accountId, schoolId }) => ({ accountId, schoolId })),
    parents: familyLinksOf(doc, 'parents').map(({ accountId, schoolId }) => ({ accountId, schoolId })),
    publisherRoles: doc.publisherRoles ?? [],
    staffRoles: doc.staffRoles ?? [],
    privacy: {
      shareWithParents: (doc.privacy ?? defaultPrivacy).shareWithParents,
      shareWithPublishers: (doc.privacy ?? defaultPrivacy).shareWithPublishers,
    },
  };
}
