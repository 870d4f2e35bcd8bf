import { z } from 'zod';

import { keyedId } from '../platform/idempotency.js';
import type { Services } from '../platform/services.js';
import type { RequestType, RightsRequestDoc } from './model.js';

/** What a fulfiller answers when the effect is in place: the request goes to done with this note. */
interface Fulfilled {
  note: string;
}

/**
 * Who carries out a request once it reaches `processing` (PRIV-7): export, erasure, restriction, closure are other
 * areas' work, so the composition root registers them here and this area never imports them. A fulfiller must be
 * idempotent (a repeated message runs it again). It answers `{ note }` when the effect is in place (the request is
 * then done), or nothing when the work goes on elsewhere (an export job) or is left to the privacy officer. A type
 * without a fulfiller stays in processing until the privacy officer completes it with a note.
 */
export type Fulfiller = (services: Services, request: RightsRequestDoc) => Promise<Fulfilled | void>;

const fulfillers = new Map<RequestType, Fulfiller>();

export function registerFulfilment(type: RequestType, fulfiller: Fulfiller): void {
  fulfillers.set(type, fulfiller);
}

export function fulfilmentOf(type: RequestType): Fulfiller | undefined {
  return fulfillers.get(type);
}

const FULFILMENT_QUEUE = 'rights-fulfilment';
export const fulfilmentMessageSchema = z.strictObject({ requestId: z.string().min(1).max(300) });

/**
 * Hands a request that reached processing to its fulfiller through the queue, so the route that moved it keeps its
 * Cosmos budget and a failed effect is retried by redelivery. One message per request (duplicate detection).
 */
export async function startFulfilment(services: Pick<Services, 'bus'>, request: RightsRequestDoc): Promise<void> {
  if (request.state !== 'processing' || !fulfilmentOf(request.requestType)) return;
  await services.bus.send(FULFILMENT_QUEUE, { body: { requestId: request.id }, messageId: `rights-fulfil:${keyedId(request.id, 'processing')}` });
}
