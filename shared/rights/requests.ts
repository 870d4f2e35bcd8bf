import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { DocumentExistsError, type Page, type Stored, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { fulfilmentOf, startFulfilment } from './fulfilment.js';
import { tellRequester } from './mail.js';
import {
  ANSWER_DAYS,
  type Capacity,
  type Contact,
  effectiveDueAt,
  isOpen,
  MAX_EXTENSION_DAYS,
  mayMove,
  QUEUE_PARTITION,
  type QueueEntryDoc,
  queueEntryId,
  requestIdFor,
  type RequestScope,
  type RequestState,
  type RequestType,
  type RightsRequestDoc,
  type SchoolEntryDoc,
  schoolEntryId,
  schoolPartition,
  subjectOfRequestId,
  type Transition,
} from './model.js';

const DAY_MS = 86_400_000;

/**
 * Types the platform answers as controller even for a student: consents were given to the platform, and objection is
 * to the platform's own legitimate interest and marketing (PRIV-4, PRIV-6). Everything else about a student's data is
 * the school's to decide (PRIV-7: forwarded to the controller).
 */
const PLATFORM_TYPES: ReadonlySet<RequestType> = new Set<RequestType>(['consent-withdrawal', 'objection']);

/** Who the request is about, as the route knows them (the caller's or the child's account, a membership). */
interface Subject {
  accountId: string;
  name: string;
  /** The school the person is a student of: the controller of their school data. */
  studentSchoolId?: string | undefined;
}

export interface NewRequest {
  subject: Subject;
  requestType: RequestType;
  details?: string | undefined;
  scope?: RequestScope | undefined;
  requester: RightsRequestDoc['requester'];
  contact?: Contact | undefined;
  /** How the requester's identity is already known (a session, a confirmed parent link, the school); absent: to verify. */
  identityVerifiedBy?: string;
}

type Deps = Pick<Services, 'db' | 'clock' | 'bus'>;

const plusDays = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS).toISOString();

function controllerFor(subject: Subject, requestType: RequestType): RightsRequestDoc['controller'] {
  return subject.studentSchoolId && !PLATFORM_TYPES.has(requestType) ? { kind: 'school', schoolId: subject.studentSchoolId } : { kind: 'platform' };
}

/** The steps a new request takes at once: received, and when the requester is known, verified and sent on. */
function initialHistory(input: NewRequest, controller: RightsRequestDoc['controller'], at: string): Transition[] {
  const by = input.requester.accountId;
  const capacity = input.requester.capacity;
  const history: Transition[] = [{ to: 'received', by, capacity, at, reason: `${input.requestType} request received` }];
  if (!input.identityVerifiedBy) return history;
  history.push({ from: 'received', to: 'verifying', by, capacity, at, reason: `identity known: ${input.identityVerifiedBy}` });
  const toSchool = controller.kind === 'school' && capacity !== 'school';
  history.push(
    toSchool
      ? {
          from: 'verifying',
          to: 'waiting-for-school',
          by,
          capacity,
          at,
          reason: "forwarded to the school, the controller of the student's school data",
        }
      : {
          from: 'verifying',
          to: 'processing',
          by,
          capacity,
          at,
          reason: capacity === 'school' ? 'made by the controller' : 'the platform is the controller',
        },
  );
  return history;
}

function queueEntryOf(request: RightsRequestDoc): QueueEntryDoc {
  return {
    id: queueEntryId(request.accountId, request.requestType),
    type: 'rights-queue-entry',
    accountId: QUEUE_PARTITION,
    requestId: request.id,
    subjectAccountId: request.accountId,
    requestType: request.requestType,
    state: request.state,
    ...(request.controller.kind === 'school' ? { schoolId: request.controller.schoolId } : {}),
    receivedAt: request.receivedAt,
    dueAt: effectiveDueAt(request),
    ...(request.escalatedAt ? { escalatedAt: request.escalatedAt } : {}),
  };
}

function schoolEntryOf(request: RightsRequestDoc, schoolId: string): SchoolEntryDoc {
  return {
    id: schoolEntryId(request.id),
    type: 'rights-school-entry',
    accountId: schoolPartition(schoolId),
    schoolId,
    requestId: request.id,
    subjectAccountId: request.accountId,
    subjectName: request.subjectName,
    requestType: request.requestType,
    ...(request.details ? { details: request.details } : {}),
    ...(request.scope ? { scope: request.scope } : {}),
    requesterCapacity: request.requester.capacity,
    state: request.state,
    receivedAt: request.receivedAt,
    dueAt: effectiveDueAt(request),
    updatedAt: request.updatedAt,
  };
}

/**
 * Claims the one open slot of this type for the subject: the queue entry's id is per subject and type. An entry left
 * by a request that is closed or was never written (a crash between the two writes) is taken over.
 */
async function claimOpenSlot(deps: Deps, entry: QueueEntryDoc): Promise<void> {
  const jobs = deps.db.collection('jobs');
  try {
    await jobs.create(entry);
    return;
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
  }
  const taken = await updateWithEtag<QueueEntryDoc>(jobs, entry.id, QUEUE_PARTITION, async (current) => {
    const holder = await jobs.read<RightsRequestDoc>(current.requestId, current.subjectAccountId);
    if (holder && isOpen(holder.state)) throw new AppError('rights_request_already_open');
    return entry;
  });
  if (!taken) await jobs.create(entry);
}

/** Opens a data-subject request (PRIV-7): due in 30 days, forwarded to the school when the school is the controller. */
export async function openRequest(services: Services, input: NewRequest): Promise<RightsRequestDoc> {
  const now = services.clock.now();
  const at = now.toISOString();
  const controller = controllerFor(input.subject, input.requestType);
  const history = initialHistory(input, controller, at);
  const request: RightsRequestDoc = {
    id: requestIdFor(input.subject.accountId, randomUUID()),
    type: 'rights-request',
    accountId: input.subject.accountId,
    subjectName: input.subject.name,
    requestType: input.requestType,
    state: history.at(-1)!.to,
    ...(input.details ? { details: input.details } : {}),
    ...(input.scope ? { scope: input.scope } : {}),
    requester: input.requester,
    ...(input.contact ? { contact: input.contact } : {}),
    identity: input.identityVerifiedBy ? { state: 'verified', method: input.identityVerifiedBy } : { state: 'pending' },
    controller,
    receivedAt: at,
    dueAt: plusDays(now, ANSWER_DAYS),
    followUp: {},
    history,
    updatedAt: at,
  };
  await claimOpenSlot(services, queueEntryOf(request));
  const stored = await services.db.collection('jobs').create(request);
  if (controller.kind === 'school') await services.db.collection('jobs').create(schoolEntryOf(stored, controller.schoolId));
  await startFulfilment(services, stored);
  return stored;
}

/**
 * A request closing frees its slot. Once this request is closed a new request of the type may take the slot over
 * (claimOpenSlot) before this delete runs, so only the entry that still names this request goes, and only the
 * version read (ETag): the newer request's entry stays.
 */
async function freeOpenSlot(services: Pick<Services, 'db'>, request: RightsRequestDoc): Promise<void> {
  const jobs = services.db.collection('jobs');
  const id = queueEntryId(request.accountId, request.requestType);
  const entry = await jobs.read<QueueEntryDoc>(id, QUEUE_PARTITION);
  if (entry?.requestId === request.id) await jobs.delete(id, QUEUE_PARTITION, { ifMatch: entry._etag });
}

/**
 * Keeps the officer's queue and the school's list in step with the request (blind writes: they are projections). When
 * the requester withdraws (`withdrawn`), both follow queued (`rights-projections`, issue 11): a decision on a withdrawn
 * request is refused by the request's own state meanwhile, and a new request of the type takes over the slot of a
 * closed one (claimOpenSlot), so the projections may catch up.
 */
async function project(services: Pick<Services, 'db' | 'bus'>, request: RightsRequestDoc, withdrawn = false): Promise<void> {
  if (withdrawn) {
    await services.bus.send('rights-projections', {
      body: { requestId: request.id } satisfies z.infer<typeof projectionMessageSchema>,
      messageId: `rights-projection:${request.id}:${request.updatedAt}`,
    });
    return;
  }
  const jobs = services.db.collection('jobs');
  if (isOpen(request.state)) await jobs.upsert(queueEntryOf(request));
  else await freeOpenSlot(services, request);
  if (request.controller.kind === 'school') await jobs.upsert(schoolEntryOf(request, request.controller.schoolId));
}

export const projectionMessageSchema = z.strictObject({ requestId: z.string().min(1) });

/**
 * The queued projections of a withdrawn request, from the request as it is now (a late or repeated message is
 * harmless): the officer's queue entry goes if it still names this request, the school's list entry is rewritten.
 */
export async function projectWithdrawal(services: Pick<Services, 'db'>, requestId: string): Promise<void> {
  const request = await readRequest(services, requestId);
  if (!request) return;
  if (!isOpen(request.state)) await freeOpenSlot(services, request);
  if (request.controller.kind === 'school') await services.db.collection('jobs').upsert(schoolEntryOf(request, request.controller.schoolId));
}

export async function readRequest(services: Pick<Services, 'db'>, requestId: string): Promise<(RightsRequestDoc & Stored) | undefined> {
  const subject = subjectOfRequestId(requestId);
  if (!subject) return undefined;
  const doc = await services.db.collection('jobs').read<RightsRequestDoc>(requestId, subject);
  return doc?.type === 'rights-request' ? doc : undefined;
}

export interface Move {
  requestId: string;
  to: RequestState;
  by: string;
  capacity: Capacity;
  reason: string;
  /** Only a request about this subject counts (a person's or a child's own routes). */
  subjectAccountId?: string;
  /** Only a request forwarded to this school counts (the school's routes). */
  schoolId?: string;
}

/** Rules beyond the table: who may move a request where. */
function refuseMove(current: RightsRequestDoc, move: Move): void {
  const refuse = () => new AppError('rights_request_transition', { params: { from: current.state, to: move.to } });
  if (!mayMove(current.state, move.to)) throw refuse();
  const toSchool = current.controller.kind === 'school' && current.requester.capacity !== 'school';
  // Verified requests go where the controller is: to the school, or straight to processing.
  if (current.state === 'verifying' && move.to === 'processing' && toSchool) throw refuse();
  if (current.state === 'verifying' && move.to === 'waiting-for-school' && !toSchool) throw refuse();
  // Only the school decides what it controls, and it decides once; the requester may still withdraw.
  if (current.state === 'waiting-for-school' && move.to !== 'cancelled' && move.capacity !== 'school') throw refuse();
  if (move.capacity === 'school' && current.state !== 'waiting-for-school') throw refuse();
  // A person withdraws what they asked for themselves, never a request their parent, school or the officer made.
  if (move.capacity === 'self' || move.capacity === 'parent') {
    if (move.to !== 'cancelled' || current.requester.accountId !== move.by) throw refuse();
  }
}

function moved(current: RightsRequestDoc, move: Move, at: string): RightsRequestDoc {
  const identity: RightsRequestDoc['identity'] =
    current.state === 'verifying' && (move.to === 'processing' || move.to === 'waiting-for-school')
      ? { state: 'verified', method: `checked by ${move.capacity}` }
      : current.state === 'verifying' && move.to === 'rejected'
        ? { state: 'failed', method: `checked by ${move.capacity}` }
        : current.identity;
  return {
    ...current,
    state: move.to,
    identity,
    ...(current.state === 'waiting-for-school' && move.capacity === 'school' && (move.to === 'processing' || move.to === 'rejected')
      ? { schoolDecision: { outcome: move.to === 'processing' ? 'approved' : 'refused', by: move.by, at, reason: move.reason } }
      : {}),
    ...(move.to === 'done' ? { completion: { note: move.reason, by: move.by, at } } : {}),
    history: [...current.history, { from: current.state, to: move.to, by: move.by, capacity: move.capacity, at, reason: move.reason }],
    updatedAt: at,
  };
}

/** One step of the state machine, recorded with who, when and why; illegal steps are 409 rights_request_transition. */
export async function moveRequest(services: Services, move: Move): Promise<RightsRequestDoc> {
  const subject = subjectOfRequestId(move.requestId);
  if (!subject || (move.subjectAccountId && subject !== move.subjectAccountId)) throw new AppError('rights_request_not_found');
  const updated = await updateWithEtag<RightsRequestDoc>(
    services.db.collection('jobs'),
    move.requestId,
    subject,
    (current) => {
      if (move.schoolId && (current.controller.kind !== 'school' || current.controller.schoolId !== move.schoolId))
        throw new AppError('rights_request_not_found');
      refuseMove(current, move);
      return moved(current, move, services.clock.now().toISOString());
    },
    { type: 'rights-request' },
  );
  if (!updated) throw new AppError('rights_request_not_found');
  const request = updated.doc;
  // The requester's own withdrawal (self or parent; only cancelling is theirs): the school's list queued.
  await project(services, request, move.capacity === 'self' || move.capacity === 'parent');
  if (!isOpen(request.state) || request.state === 'processing') await tellRequester(services, request, 'state');
  await startFulfilment(services, request);
  return request;
}

/**
 * The queue's work (rights-fulfilment): runs the registered fulfiller of a request in processing and, when it answers
 * that the effect is in place, moves the request to done with its note (the requester is e-mailed). A repeated
 * message finds the request done and does nothing. A refusal the fulfiller meets (an AppError: the account of a
 * school user, a person another school holds too) leaves the request in processing for the privacy officer.
 */
export async function fulfilRequest(services: Services, requestId: string): Promise<void> {
  const request = await readRequest(services, requestId);
  if (request?.state !== 'processing') return;
  const fulfiller = fulfilmentOf(request.requestType);
  if (!fulfiller) return;
  let outcome;
  try {
    outcome = await fulfiller(services, request);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    services.telemetry.event('rights-fulfilment-refused', { requestType: request.requestType, code: error.code });
    return;
  }
  if (!outcome) return;
  try {
    await moveRequest(services, { requestId, to: 'done', by: 'system', capacity: 'system', reason: outcome.note });
  } catch (error) {
    // Done meanwhile by a parallel delivery, or rejected by the officer: the effect stands either way.
    if (!(error instanceof AppError && error.code === 'rights_request_transition')) throw error;
  }
}

/** GDPR 12(3): the answer may be put off by at most 60 days in all, with the reason told to the requester. */
export async function extendRequest(
  services: Services,
  input: { requestId: string; days: number; reason: string; by: string },
): Promise<RightsRequestDoc> {
  const subject = subjectOfRequestId(input.requestId);
  if (!subject) throw new AppError('rights_request_not_found');
  const updated = await updateWithEtag<RightsRequestDoc>(
    services.db.collection('jobs'),
    input.requestId,
    subject,
    (current) => {
      if (!isOpen(current.state)) throw new AppError('rights_request_transition', { params: { from: current.state, to: current.state } });
      const dueAt = plusDays(new Date(effectiveDueAt(current)), input.days);
      if (new Date(dueAt).getTime() - new Date(current.dueAt).getTime() > MAX_EXTENSION_DAYS * DAY_MS)
        throw new AppError('rights_extension_too_long', { params: { days: MAX_EXTENSION_DAYS } });
      const at = services.clock.now().toISOString();
      // A new due date earns a new reminder 7 days before it.
      const { remindedAt: _reminded, ...followUp } = current.followUp;
      return { ...current, extension: { reason: input.reason, dueAt, at, by: input.by }, followUp, updatedAt: at };
    },
    { type: 'rights-request' },
  );
  if (!updated) throw new AppError('rights_request_not_found');
  await project(services, updated.doc);
  await tellRequester(services, updated.doc, 'extended');
  return updated.doc;
}

/** A subject's requests, newest first: one single-partition query per page (their own partition). */
export function listRequestsAbout(services: Pick<Services, 'db' | 'config'>, accountId: string, page: PageRequest): Promise<Page<RightsRequestDoc>> {
  return pageOf<RightsRequestDoc>(
    services,
    { container: 'jobs', partitionKey: accountId, where: "c.type = 'rights-request'", orderBy: 'c.receivedAt DESC', defaultPageSize: 20 },
    page,
  );
}

/** The privacy officer's queue: open requests, the one due first on top (overdue ones are escalated). */
export function officerQueue(services: Pick<Services, 'db' | 'config'>, page: PageRequest): Promise<Page<QueueEntryDoc>> {
  return pageOf<QueueEntryDoc>(
    services,
    { container: 'jobs', partitionKey: QUEUE_PARTITION, where: "c.type = 'rights-queue-entry'", orderBy: 'c.dueAt ASC', defaultPageSize: 50 },
    page,
  );
}

/** The requests forwarded to a school, newest first; `state` narrows it (e.g. waiting-for-school). */
export function schoolRequests(
  services: Pick<Services, 'db' | 'config'>,
  schoolId: string,
  state: RequestState | undefined,
  page: PageRequest,
): Promise<Page<SchoolEntryDoc>> {
  return pageOf<SchoolEntryDoc>(
    services,
    {
      container: 'jobs',
      partitionKey: schoolPartition(schoolId),
      where: `c.type = 'rights-school-entry'${state ? ' AND c.state = @state' : ''}`,
      ...(state ? { parameters: [{ name: '@state', value: state }] } : {}),
      orderBy: 'c.receivedAt DESC',
      defaultPageSize: 50,
    },
    page,
  );
}
