import { z } from 'zod';

import type { SchoolRoleName } from '../accounts/index.js';
import type { Doc } from '../platform/cosmos.js';

/** Documents of the `schools` container (partition key /schoolId) that invitations and parent links use. */

export interface SchoolDoc extends Doc {
  type: 'school';
  schoolId: string;
  name: string;
  country: 'EE' | 'FI';
  /** Finnish school codes MPASSid sends for this school (urn:mpass.id:role); a teacher there is offered the role. */
  mpassidSchoolCodes?: string[];
  /** The school takes MPASSid's teacher role as it is: no administrator confirms it. */
  trustMpassidRoles?: boolean;
}

export interface ClassDoc extends Doc {
  type: 'class';
  schoolId: string;
  name: string;
  grade?: number;
  schoolYear?: string;
}

/** A short snapshot of a person, kept on documents a school lists (so a list is one single-partition query). */
export interface PersonSnapshot {
  accountId: string;
  firstName: string;
  lastName: string;
  email?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Invitations (ACC-2)

export const invitableRoles = ['student', 'teacher', 'classTeacher', 'schoolAdmin'] as const satisfies readonly SchoolRoleName[];
export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/**
 * An invitation by e-mail into a school role. The id is `invitation:<sha256(token)>`: the link carries
 * `<schoolId>.<token>`, so accepting is one point read in the school's partition and the token itself is never stored.
 */
export interface InvitationDoc extends Doc {
  type: 'invitation';
  schoolId: string;
  email: string;
  role: SchoolRoleName;
  classId?: string;
  subjects?: string[];
  /** The inviter's account id and details at the time of inviting (ACC-2: "who invited them"). */
  invitedBy: string;
  inviter: PersonSnapshot;
  /** The school's country when invited: accepting a student invitation checks it without reading the school (issue 11). */
  schoolCountry?: 'EE' | 'FI';
  invitedAt: string;
  expiresAt: string;
  /** Stored status; a pending invitation past expiresAt reads as 'expired' (see invitationStatus). */
  status: InvitationStatus;
  tokenHash: string;
  acceptedBy?: string;
  acceptedAt?: string;
  /** The administrator who confirmed a claim (the acceptor did not hold the invited address). */
  confirmedBy?: string;
  revokedBy?: string;
  revokedAt?: string;
  /**
   * Signed-in people who opened the link for a staff role without holding the invited address (verified): the role
   * is theirs only once the school's administrator confirms one of them (ACC-2). At most a few are kept.
   */
  claims?: { accountId: string; at: string; firstName: string; lastName: string; email?: string }[];
  /** 'mpassid': no e-mail was sent; MPASSid asserted the role at sign-in and the school confirms the claim (OPS-3). */
  source?: 'mpassid';
}

export const invitationViewSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  email: z.string(),
  role: z.enum(invitableRoles),
  classId: z.string().optional(),
  subjects: z.array(z.string()).optional(),
  invitedBy: z.string(),
  inviter: z.object({ accountId: z.string(), firstName: z.string(), lastName: z.string(), email: z.string().optional() }),
  invitedAt: z.string(),
  expiresAt: z.string(),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  acceptedBy: z.string().optional(),
  acceptedAt: z.string().optional(),
  revokedBy: z.string().optional(),
  revokedAt: z.string().optional(),
  claims: z
    .array(z.object({ accountId: z.string(), at: z.string(), firstName: z.string(), lastName: z.string(), email: z.string().optional() }))
    .optional(),
});
export type InvitationView = z.infer<typeof invitationViewSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Parent links (ACC-3)

export const parentLinkStatuses = ['requested', 'confirmed', 'refused', 'ended'] as const;
export type ParentLinkStatus = (typeof parentLinkStatuses)[number];

export interface ParentLinkEvent {
  status: ParentLinkStatus;
  at: string;
  /** Account id of whoever made the change. */
  by: string;
  /** In which capacity: the parent, the child, or the school's administrator. */
  as: 'parent' | 'child' | 'school';
}

/**
 * A parent-child link in the child's school partition. Id `parent-link:<parentId>:<childId>` for the pair's first
 * link; a later request after a refusal or an end gets `parent-link:<parentId>:<childId>:<epoch ms>`, so the old
 * link keeps its history. Only a confirmed link counts (ACC-3); the confirmed ones are mirrored as FamilyLink entries
 * on both accounts, which is what access checks read.
 */
export interface ParentLinkDoc extends Doc {
  type: 'parent-link';
  schoolId: string;
  parentAccountId: string;
  childAccountId: string;
  status: ParentLinkStatus;
  requestedBy: 'parent' | 'child';
  requestedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  endedBy?: string;
  endedAt?: string;
  /** Names at request time, for the administrator's review list. */
  parent?: PersonSnapshot;
  child?: PersonSnapshot & { classId?: string };
  history: ParentLinkEvent[];
}

const personSchema = z.object({ accountId: z.string(), firstName: z.string(), lastName: z.string(), email: z.string().optional() });

export const parentLinkViewSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  parentAccountId: z.string(),
  childAccountId: z.string(),
  status: z.enum(parentLinkStatuses),
  requestedBy: z.enum(['parent', 'child']),
  requestedAt: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  endedBy: z.string().optional(),
  endedAt: z.string().optional(),
  parent: personSchema.optional(),
  child: personSchema.extend({ classId: z.string().optional() }).optional(),
  history: z.array(
    z.object({ status: z.enum(parentLinkStatuses), at: z.string(), by: z.string(), as: z.enum(['parent', 'child', 'school']).optional() }),
  ),
});
export type ParentLinkView = z.infer<typeof parentLinkViewSchema>;

export const familyMemberSchema = z.object({
  accountId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  schoolId: z.string(),
  linkId: z.string(),
});

export const privacyViewSchema = z.object({
  shareWithParents: z.boolean(),
  shareWithPublishers: z.boolean(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
  /** ACC-3: a child under 18 with a confirmed parent: the parent manages these settings. */
  managedByParent: z.boolean(),
});
export type PrivacyView = z.infer<typeof privacyViewSchema>;
