import type { Services } from '../platform/services.js';
import type { RequestType, RightsRequestDoc } from './model.js';

/**
 * Who carries out a request once it reaches `processing` (PRIV-7): export, erasure, restriction, closure are other
 * areas' work, so they register here and this area never imports them. A type without a fulfiller stays in processing
 * until the privacy officer completes it with a note.
 */
export type Fulfiller = (services: Services, request: RightsRequestDoc) => Promise<void>;

const fulfillers = new Map<RequestType, Fulfiller>();

export function registerFulfilment(type: RequestType, fulfiller: Fulfiller): void {
  fulfillers.set(type, fulfiller);
}

export function fulfilmentOf(type: RequestType): Fulfiller | undefined {
  return fulfillers.get(type);
}
