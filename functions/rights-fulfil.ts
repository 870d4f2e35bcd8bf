import { readAccount } from '../shared/accounts/index.js';
import {
  closeAccountOnRequest,
  closeMemberAccount,
  consentPurposes,
  processingView,
  setConsent,
  setProcessingChoices,
} from '../shared/consents/index.js';
import { defineQueue } from '../shared/platform/definitions.js';
import { AppError } from '../shared/platform/errors.js';
import type { Services } from '../shared/platform/services.js';
import { type Fulfiller, fulfilmentMessageSchema, fulfilRequest, registerFulfilment, type RightsRequestDoc } from '../shared/rights/index.js';
import { queueErasure } from './erasure-run.js';

/**
 * PRIV-7: the data-subject requests whose effect the platform can carry out, wired here because rights and consents
 * must not import each other. Each fulfiller is idempotent (the consents calls recognise a choice already in place)
 * and answers a note once the effect stands. Erasure with a scope goes to the erasure queue; rectification, access,
 * unscoped erasure and other stay with the privacy officer (complete with a note); export is registered by the export job.
 */

/** The person's current restriction and objections as choices, so a request only adds to them. */
async function currentChoices(services: Services, accountId: string) {
  const account = await readAccount(services, accountId);
  if (!account) return undefined;
  const view = processingView(account, services.clock.now());
  return {
    restricted: view.restrictedSince !== null,
    objections: {
      usageAnalytics: view.objections.usageAnalytics !== null,
      outcomeKeeping: view.objections.outcomeKeeping !== null,
      directMarketing: view.objections.directMarketing !== null,
    },
  };
}

/**
 * Who decided a request carried out (PRIV-7): whoever moved it to processing (the privacy officer, or the school's
 * administrator as controller). Its history records that; the request's id goes with it.
 */
function decidedBy(request: RightsRequestDoc): { request: string; decidedBy: string } {
  const moved = [...request.history].reverse().find((t) => t.to === 'processing');
  return { request: request.id, decidedBy: moved?.by ?? request.schoolDecision?.by ?? request.requester.accountId };
}

// Adding a restriction or an objection only protects the person (lifting one stays in the settings); it is recorded
// as the request's, by who decided it.
const restrict: Fulfiller = async (services, request) => {
  const current = await currentChoices(services, request.accountId);
  if (!current) return;
  await setProcessingChoices(services, request.accountId, { ...current, restricted: true }, decidedBy(request));
  return { note: 'Processing restricted: the data is kept but not used for marketing, usage analytics, profiling or statistics.' };
};

const object: Fulfiller = async (services, request) => {
  const named = request.scope?.objections;
  // Not said what to: the officer finds out and completes by hand.
  if (!named) return;
  const current = await currentChoices(services, request.accountId);
  if (!current) return;
  const objections = { ...current.objections, ...Object.fromEntries(named.map((o) => [o, true])) };
  await setProcessingChoices(services, request.accountId, { ...current, objections }, decidedBy(request));
  return { note: `Objection recorded: ${named.join(', ')}.` };
};

const withdrawConsents: Fulfiller = async (services, request) => {
  const purposes = request.scope?.purposes ?? consentPurposes;
  for (const purpose of purposes) {
    await setConsent(services, { accountId: request.accountId, purpose, given: false, channel: 'request', by: request.requester.accountId });
  }
  return { note: `Consent withdrawn: ${purposes.join(', ')}.` };
};

/** Who decided the closure of a school user's account: the school's administrator who approved or made the request. */
const schoolActor = (request: RightsRequestDoc) =>
  request.schoolDecision?.by ?? (request.requester.capacity === 'school' ? request.requester.accountId : undefined);

/**
 * PRIV-8 on a request: a student's account is closed on the school's decision (the controller); a private user's on a
 * request whose identity the privacy officer checked. A request made only with a session is not re-authentication:
 * the person closes in the settings (POST /api/me/account/close) and the officer answers the request.
 */
const closeAccount: Fulfiller = async (services, request) => {
  if (request.controller.kind === 'school') {
    const actor = schoolActor(request);
    if (!actor) return;
    await closeMemberAccount(services, { schoolId: request.controller.schoolId, accountId: request.accountId, actor }, {});
    return { note: "Account closed on the school's decision." };
  }
  if (request.requester.capacity !== 'operator') return;
  await closeAccountOnRequest(services, { accountId: request.accountId, by: request.requester.accountId });
  return { note: 'Account closed.' };
};

/**
 * A school decides for its own students only: an erasure or export reaching what another school holds too is the
 * privacy officer's to settle (the AppError leaves the request in processing).
 */
export async function refuseWhereAnotherSchoolHolds(services: Services, request: RightsRequestDoc): Promise<void> {
  if (request.controller.kind !== 'school') return;
  const { schoolId } = request.controller;
  const account = await readAccount(services, request.accountId);
  if ((account?.schoolRoles ?? []).some((r) => r.schoolId !== schoolId)) throw new AppError('account_in_other_school');
}

/**
 * PRIV-3: an erasure request that says what it covers (scope.erasure) goes to the erasure queue; the erasure answers
 * the request when it is done (functions/erasure-run.ts). A school-controlled request only gets here with the school's
 * consent (waiting-for-school comes first). Without a scope the officer finds out what is meant and completes by hand.
 */
const erase: Fulfiller = async (services, request) => {
  const scope = request.scope?.erasure;
  if (!scope) return;
  await refuseWhereAnotherSchoolHolds(services, request);
  await queueErasure(services, {
    accountId: request.accountId,
    reason: scope === 'outcomes' ? 'outcomes' : 'request',
    requestId: request.id,
    by: request.requester.accountId,
  });
};

/** Called once by the composition root (functions/index.ts). */
export function registerRightsFulfillers(): void {
  registerFulfilment('restriction', restrict);
  registerFulfilment('objection', object);
  registerFulfilment('consent-withdrawal', withdrawConsents);
  registerFulfilment('account-closure', closeAccount);
  registerFulfilment('erasure', erase);
}

export default defineQueue({
  name: 'rights-fulfil',
  queue: 'rights-fulfilment',
  input: fulfilmentMessageSchema,
  handler: async (message, { services }) => fulfilRequest(services, message.requestId),
});
