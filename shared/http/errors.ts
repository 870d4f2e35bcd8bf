import { AppError, defineErrors, type ErrorCode, type ErrorDetail } from '../platform/errors.js';

export type { ErrorDetail } from '../platform/errors.js';

/** Errors of the HTTP protocol itself (addresses, bodies, tokens), in et, fi and en (OPS-3). */
export const httpErrors = defineErrors({
  not_found: {
    kind: 'not_found',
    text: {
      et: 'Sellist aadressi ei ole.',
      fi: 'Osoitetta ei löydy.',
      en: 'There is no such address.',
    },
  },
  method_not_allowed: {
    // Answered 405 with Allow by the catch-all route (statusOverrides in error-catalogue.ts).
    kind: 'invalid',
    text: {
      et: 'See aadress ei toeta meetodit {method}.',
      fi: 'Tämä osoite ei tue metodia {method}.',
      en: 'This address does not support the method {method}.',
    },
  },
  malformed_json: {
    kind: 'invalid',
    text: {
      et: 'Päringu sisu ei ole korrektne JSON.',
      fi: 'Pyynnön sisältö ei ole kelvollista JSONia.',
      en: 'The request body is not valid JSON.',
    },
  },
  duplicate_json_key: {
    kind: 'invalid',
    text: {
      et: 'Päringu sisus on sama väli mitu korda ({key}).',
      fi: 'Pyynnön sisällössä on sama kenttä useaan kertaan ({key}).',
      en: 'The request body has the same field more than once ({key}).',
    },
  },
  invalid_text: {
    kind: 'invalid',
    text: {
      et: 'Päringu sisus on vigane tekst (katkine UTF-8 või üksik asendusmärk).',
      fi: 'Pyynnön sisällössä on virheellistä tekstiä (rikkinäinen UTF-8 tai yksinäinen korvausmerkki).',
      en: 'The request body has invalid text (broken UTF-8 or a lone surrogate).',
    },
  },
  unsupported_media_type: {
    kind: 'unsupported',
    text: {
      et: 'Päringu sisu tüüp peab olema {expected}.',
      fi: 'Pyynnön sisällön tyypin on oltava {expected}.',
      en: 'The request body must be {expected}.',
    },
  },
  payload_too_large: {
    kind: 'too_large',
    text: {
      et: 'Päringu sisu on liiga suur (lubatud kuni {limit} baiti).',
      fi: 'Pyynnön sisältö on liian suuri (enintään {limit} tavua).',
      en: 'The request body is too large (at most {limit} bytes).',
    },
  },
  invalid_parameter: {
    kind: 'invalid',
    text: {
      et: 'Aadressi osa on vigane.',
      fi: 'Osoitteen osa on virheellinen.',
      en: 'A part of the address is invalid.',
    },
  },
  invalid_query: {
    kind: 'invalid',
    text: {
      et: 'Päringu parameetrid on vigased.',
      fi: 'Kyselyn parametrit ovat virheellisiä.',
      en: 'The query parameters are invalid.',
    },
  },
  invalid_idempotency_key: {
    kind: 'invalid',
    text: {
      et: 'Idempotency-Key peab olema 8–64 tähte, numbrit, - või _, ja sama mis requestId, kui mõlemad on antud.',
      fi: 'Idempotency-Key on 8–64 kirjainta, numeroa, - tai _, ja sama kuin requestId, jos molemmat annetaan.',
      en: 'Idempotency-Key must be 8 to 64 letters, digits, - or _, and the same as requestId when both are given.',
    },
  },
  session_expired: {
    kind: 'unauthenticated',
    text: {
      et: 'Sessioon on aegunud. Palun logi uuesti sisse.',
      fi: 'Istunto on vanhentunut. Kirjaudu uudelleen.',
      en: 'Your session has expired. Please sign in again.',
    },
  },
  csrf_failed: {
    kind: 'forbidden',
    text: {
      et: 'Päringu kaitsekood puudub või ei sobi. Laadi leht uuesti.',
      fi: 'Pyynnön suojakoodi puuttuu tai ei täsmää. Lataa sivu uudelleen.',
      en: 'The request protection code is missing or does not match. Reload the page.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof httpErrors, true> {}
}

/**
 * A protocol answer of the wrapper itself: an AppError with the status and headers HTTP needs (WWW-Authenticate,
 * Allow). Only `shared/http` constructs it; a test checks each status against its code's kind. Everything else throws
 * AppError and gets its status from the catalogue.
 */
export class HttpError extends AppError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    params: Record<string, string | number> = {},
    details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(code, { params, ...(details ? { details } : {}) });
    this.name = 'HttpError';
  }
}
