import { z } from 'zod';

import { objections } from '../accounts/index.js';
import type { Doc } from '../platform/cosmos.js';
import { languages } from '../platform/language.js';

/** PRIV-7: what a data subject may ask for (GDPR articles 15-22, and closing the account, PRIV-8). */
export const requestTypes = [
  'access',
  'export',
  'erasure',
  'restriction',
  'objection',
  'rectification',
  'consent-withdrawal',
  'account-closure',
  'other',
] as const;
export type RequestType = (typeof requestTypes)[number];

export const requestStates = ['received', 'verifying', 'waiting-for-school', 'processing', 'done', 'rejected', 'cancelled'] as const;
export type RequestState = (typeof requestStates)[number];

/**
 * The consent purposes a withdrawal may name: the consents area's catalogue (this area does not import it; an e2e
 * test holds the two lists equal).
 */
export const withdrawablePurposes = ['newsletter', 'productResearch'] as const;

/**
 * What a request is about when its type needs it, so the fulfiller can act without a person reading `details`:
 * an objection names what is objected to (PRIV-4); a consent withdrawal may name purposes (none: every consent); an
 * erasure says whether it is of everything (the account with it) or of the learning outcomes only (PRIV-3, RET-4; none:
 * the privacy officer finds out what is meant and completes by hand). Restriction has no scope: processing is
 * restricted as a whole.
 */
export const requestScopeSchema = z.strictObject({
  objections: z.array(z.enum(objections)).min(1).max(objections.length).optional(),
  purposes: z.array(z.enum(withdrawablePurposes)).min(1).max(withdrawablePurposes.length).optional(),
  erasure: z.enum(['everything', 'outcomes']).optional(),
});
export type RequestScope = z.infer<typeof requestScopeSchema>;

/** The explicit state machine: anything not listed is a 409 rights_request_transition. */
const allowedMoves: Record<RequestState, readonly RequestState[]> = {
  received: ['verifying', 'rejected', 'cancelled'],
  verifying: ['waiting-for-school', 'processing', 'rejected', 'cancelled'],
  'waiting-for-school': ['processing', 'rejected', 'cancelled'],
  processing: ['done', 'rejected'],
  done: [],
  rejected: [],
  cancelled: [],
};

export const mayMove = (from: RequestState, to: RequestState): boolean => allowedMoves[from].includes(to);
export const isOpen = (state: RequestState): boolean => allowedMoves[state].length > 0;

/** In whose capacity someone acted on a request: the subject, a parent, the school, operator staff, the officer, the timer. */
export type Capacity = 'self' | 'parent' | 'school' | 'operator' | 'system';

export interface Contact {
  email: string;
  language: (typeof languages)[number];
  /** The requester's country (OPS-3): the sender and footer of the e-mails about the request. */
  country?: 'EE' | 'FI';
}

export interface Transition {
  from?: RequestState;
  to: RequestState;
  by: string;
  capacity: Capacity;
  at: string;
  reason: string;
}

/** GDPR 12(3): one month, extendable by two further months; counted here as 30 and at most 60 more days. */
export const ANSWER_DAYS = 30;
export const MAX_EXTENSION_DAYS = 60;
export const REMINDER_DAYS = 7;

/** A data-subject request, in the `jobs` container under the subject's account id (one partition per person). */
export interface RightsRequestDoc extends Doc {
  type: 'rights-request';
  /** The data subject. */
  accountId: string;
  /** The subject's name when the request came (the school recognises its student by it). */
  subjectName: string;
  requestType: RequestType;
  state: RequestState;
  details?: string;
  scope?: RequestScope;
  requester: { accountId: string; capacity: Exclude<Capacity, 'system'>; schoolId?: string; receivedVia?: string };
  /** Where answers about this request go (the requester's address, or the one a letter or e-mail came from). */
  contact?: Contact;
  identity: { state: 'pending' | 'verified' | 'failed'; method?: string };
  controller: { kind: 'platform' } | { kind: 'school'; schoolId: string };
  receivedAt: string;
  /** received + 30 days; an extension moves `extension.dueAt`, never this. */
  dueAt: string;
  extension?: { reason: string; dueAt: string; at: string; by: string };
  schoolDecision?: { outcome: 'approved' | 'refused'; by: string; at: string; reason?: string };
  completion?: { note: string; by: string; at: string };
  escalatedAt?: string;
  /** What the follow-up timer has done (each once): the school told of the forwarded request, the reminder sent. */
  followUp: { schoolNotifiedAt?: string; remindedAt?: string };
  history: Transition[];
  updatedAt: string;
}

export const effectiveDueAt = (r: Pick<RightsRequestDoc, 'dueAt' | 'extension'>): string => r.extension?.dueAt ?? r.dueAt;

/**
 * The officer's queue entry, one per open request, in the fixed partition `rights-queue`: the queue ordered by due date
 * is one single-partition query. Its id is per subject and type, so creating it is also the "one open request of a
 * type per person" check (Moodle's rule); it is deleted when the request closes.
 */
export interface QueueEntryDoc extends Doc {
  type: 'rights-queue-entry';
  accountId: typeof QUEUE_PARTITION;
  requestId: string;
  subjectAccountId: string;
  requestType: RequestType;
  state: RequestState;
  schoolId?: string;
  receivedAt: string;
  dueAt: string;
  escalatedAt?: string;
}

export const QUEUE_PARTITION = 'rights-queue';
export const queueEntryId = (subjectAccountId: string, requestType: RequestType) => `rights-open:${subjectAccountId}:${requestType}`;

/** A school's list of the requests forwarded to it, under `rights-school:<schoolId>` (one query per page). */
export interface SchoolEntryDoc extends Doc {
  type: 'rights-school-entry';
  accountId: string;
  schoolId: string;
  requestId: string;
  subjectAccountId: string;
  subjectName: string;
  requestType: RequestType;
  /** What was asked, and by whom in which capacity: what the school decides on. */
  details?: string;
  /** What the request covers (the objections or consent purposes named): what the school decides on. */
  scope?: RequestScope;
  requesterCapacity: Capacity;
  state: RequestState;
  receivedAt: string;
  dueAt: string;
  updatedAt: string;
}

export const schoolPartition = (schoolId: string) => `rights-school:${schoolId}`;
export const schoolEntryId = (requestId: string) => `rights-school:${requestId}`;

/** Request ids carry the subject, so every route finds the request's partition without an index read. */
export const requestIdFor = (subjectAccountId: string, unique: string) => `rights-request:${subjectAccountId}:${unique}`;
export function subjectOfRequestId(requestId: string): string | undefined {
  const match = /^rights-request:(.+):([0-9a-f-]{36})$/.exec(requestId);
  return match?.[1];
}

const transitionViewSchema = z.object({
  from: z.enum(requestStates).optional(),
  to: z.enum(requestStates),
  capacity: z.enum(['self', 'parent', 'school', 'operator', 'system']),
  at: z.string(),
  reason: z.string(),
});

/** What the requester, the subject and the school see: where the request stands, not which staff member moved it. */
export const requestViewSchema = z.object({
  id: z.string(),
  requestType: z.enum(requestTypes),
  state: z.enum(requestStates),
  subjectAccountId: z.string(),
  details: z.string().optional(),
  scope: requestScopeSchema.optional(),
  requester: z.object({ capacity: z.enum(['self', 'parent', 'school', 'operator']) }),
  identity: z.object({ state: z.enum(['pending', 'verified', 'failed']) }),
  controller: z.object({ kind: z.enum(['platform', 'school']), schoolId: z.string().optional() }),
  receivedAt: z.string(),
  dueAt: z.string(),
  extension: z.object({ reason: z.string(), dueAt: z.string() }).optional(),
  schoolDecision: z.object({ outcome: z.enum(['approved', 'refused']), at: z.string(), reason: z.string().optional() }).optional(),
  completion: z.object({ note: z.string(), at: z.string() }).optional(),
  escalated: z.boolean(),
  history: z.array(transitionViewSchema),
  updatedAt: z.string(),
});
export type RequestView = z.input<typeof requestViewSchema>;

export function requestView(doc: RightsRequestDoc): RequestView {
  return {
    id: doc.id,
    requestType: doc.requestType,
    state: doc.state,
    subjectAccountId: doc.accountId,
    ...(doc.details ? { details: doc.details } : {}),
    ...(doc.scope ? { scope: doc.scope } : {}),
    requester: { capacity: doc.requester.capacity },
    identity: { state: doc.identity.state },
    controller: doc.controller.kind === 'school' ? { kind: 'school', schoolId: doc.controller.schoolId } : { kind: 'platform' },
    receivedAt: doc.receivedAt,
    dueAt: effectiveDueAt(doc),
    ...(doc.extension ? { extension: { reason: doc.extension.reason, dueAt: doc.extension.dueAt } } : {}),
    ...(doc.schoolDecision
      ? {
          schoolDecision: {
            outcome: doc.schoolDecision.outcome,
            at: doc.schoolDecision.at,
            ...(doc.schoolDecision.reason ? { reason: doc.schoolDecision.reason } : {}),
          },
        }
      : {}),
    ...(doc.completion ? { completion: { note: doc.completion.note, at: doc.completion.at } } : {}),
    escalated: Boolean(doc.escalatedAt),
    history: doc.history.map(({ from, to, capacity, at, reason }) => ({ ...(from ? { from } : {}), to, capacity, at, reason })),
    updatedAt: doc.updatedAt,
  };
}

/** The officer's view: the whole record, with who acted (staff ids included: the officer answers for the request). */
export const officerViewSchema = requestViewSchema.extend({
  requester: z.object({
    accountId: z.string(),
    capacity: z.enum(['self', 'parent', 'school', 'operator']),
    schoolId: z.string().optional(),
    receivedVia: z.string().optional(),
  }),
  contact: z.object({ email: z.string(), language: z.enum(languages), country: z.enum(['EE', 'FI']).optional() }).optional(),
  history: z.array(transitionViewSchema.extend({ by: z.string() })),
  escalatedAt: z.string().optional(),
});

export function officerView(doc: RightsRequestDoc): z.input<typeof officerViewSchema> {
  return {
    ...requestView(doc),
    requester: { ...doc.requester },
    ...(doc.contact ? { contact: { ...doc.contact } } : {}),
    history: doc.history.map(({ from, to, by, capacity, at, reason }) => ({ ...(from ? { from } : {}), to, by, capacity, at, reason })),
    ...(doc.escalatedAt ? { escalatedAt: doc.escalatedAt } : {}),
  };
}

export const queueEntryViewSchema = z.object({
  requestId: z.string(),
  subjectAccountId: z.string(),
  requestType: z.enum(requestTypes),
  state: z.enum(requestStates),
  schoolId: z.string().optional(),
  receivedAt: z.string(),
  dueAt: z.string(),
  escalated: z.boolean(),
});

export function queueEntryView(e: QueueEntryDoc): z.input<typeof queueEntryViewSchema> {
  return {
    requestId: e.requestId,
    subjectAccountId: e.subjectAccountId,
    requestType: e.requestType,
    state: e.state,
    ...(e.schoolId ? { schoolId: e.schoolId } : {}),
    receivedAt: e.receivedAt,
    dueAt: e.dueAt,
    escalated: Boolean(e.escalatedAt),
  };
}

export const schoolEntryViewSchema = z.object({
  requestId: z.string(),
  subjectAccountId: z.string(),
  subjectName: z.string(),
  requestType: z.enum(requestTypes),
  details: z.string().optional(),
  /** What was asked for: the objections or consent purposes the request names. */
  scope: requestScopeSchema.optional(),
  requesterCapacity: z.enum(['self', 'parent', 'school', 'operator', 'system']),
  state: z.enum(requestStates),
  receivedAt: z.string(),
  dueAt: z.string(),
  updatedAt: z.string(),
});

export function schoolEntryView(e: SchoolEntryDoc): z.input<typeof schoolEntryViewSchema> {
  const { requestId, subjectAccountId, subjectName, requestType, requesterCapacity, state, receivedAt, dueAt, updatedAt } = e;
  return {
    requestId,
    subjectAccountId,
    subjectName,
    requestType,
    ...(e.details ? { details: e.details } : {}),
    ...(e.scope ? { scope: e.scope } : {}),
    requesterCapacity,
    state,
    receivedAt,
    dueAt,
    updatedAt,
  };
}
