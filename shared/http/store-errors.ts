import { StoreUnavailableError } from '../platform/cosmos.js';
import { HttpError } from './errors.js';
import { registerMessages } from './i18n.js';

registerMessages({
  store_unavailable: {
    et: 'Teenus on hetkel ülekoormatud. Palun proovi {retryAfter} sekundi pärast uuesti.',
    fi: 'Palvelu on juuri nyt ylikuormitettu. Yritä uudelleen {retryAfter} sekunnin kuluttua.',
    en: 'The service is busy right now. Please try again in {retryAfter} seconds.',
  },
});

/**
 * A store that stayed unavailable through the retry budget is the client's cue to try again later: 503 with
 * Retry-After, never a 500. Repeating the request is safe: writes are idempotent (request ids, ETags).
 */
export function storeUnavailable(error: StoreUnavailableError): HttpError {
  return new HttpError(503, 'store_unavailable', { retryAfter: error.retryAfterSeconds }, undefined, { 'retry-after': String(error.retryAfterSeconds) });
}
