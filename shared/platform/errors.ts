import type { Texts } from './language.js';

/**
 * What went wrong, in words a domain area can use without knowing about HTTP; `shared/http` maps each kind to a
 * status, queue and timer handlers to retry-or-not.
 */
export type ErrorKind =
  | 'invalid' // the input is malformed or breaks a rule of its shape
  | 'unauthenticated' // no or no longer a valid sign-in
  | 'forbidden' // signed in, but not allowed
  | 'not_found' // no such thing (or not visible to this caller)
  | 'conflict' // the current state does not allow it (already done, changed meanwhile, taken)
  | 'gone' // it existed and has ended (expired, revoked, used)
  | 'too_large' // bigger than allowed
  | 'unsupported' // a form of input we do not take
  | 'unprocessable' // well-formed, but a business rule refuses it
  | 'rate_limited' // too many attempts; try again later
  | 'unavailable' // a dependency is down or busy; try again later
  | 'upstream_failed' // a dependency answered wrongly
  | 'internal'; // our fault

/** One error code: its kind and the text a person reads (`{name}` placeholders filled from the error's params). */
export interface ErrorDefinition {
  kind: ErrorKind;
  text: Texts;
}

/** One detail of a validation failure: where and what, without echoing the submitted value. */
export interface ErrorDetail {
  path: string;
  issue: string;
}

/**
 * The codes every area declares. Each area merges its catalogue's codes into this interface, next to the catalogue:
 *
 *   export const storeErrors = defineErrors({ order_not_found: { kind: 'not_found', text: { et, fi, en } } });
 *   declare module '../platform/errors.js' { interface ErrorCodes extends Record<keyof typeof storeErrors, true> {} }
 *
 * so `new AppError('order_not_found')` is checked by the compiler and `platform` never imports an area. The codes
 * below (platformErrors) are the ones every area shares: forbidden, conflict, the store's failures.
 *
 * @public exported for the areas' `declare module` merges, which knip does not count as uses
 */
export interface ErrorCodes extends Record<keyof typeof platformErrors, true> {}
export type ErrorCode = Extract<keyof ErrorCodes, string>;

/** Declares an area's error catalogue; the identity function keeps the literal codes for the compiler. */
export function defineErrors<const C extends Record<string, ErrorDefinition>>(catalogue: C): C {
  return catalogue;
}

/** The codes every area may throw (and the store's own failures answer with), in et, fi and en (OPS-3). */
export const platformErrors = defineErrors({
  internal_error: {
    kind: 'internal',
    text: {
      et: 'Tekkis ootamatu viga. Palun proovi hiljem uuesti; pöördumisel maini koodi {correlationId}.',
      fi: 'Tapahtui odottamaton virhe. Yritä myöhemmin uudelleen; mainitse yhteydenotossa koodi {correlationId}.',
      en: 'An unexpected error occurred. Please try again later; quote the code {correlationId} if you contact us.',
    },
  },
  service_unavailable: {
    kind: 'unavailable',
    text: {
      et: 'Teenus ei ole hetkel kättesaadav.',
      fi: 'Palvelu ei ole juuri nyt käytettävissä.',
      en: 'The service is not available at the moment.',
    },
  },
  invalid_continuation: {
    kind: 'invalid',
    text: {
      et: 'Jätkamise märk on vigane või kuulub teisele päringule. Alusta loendit algusest.',
      fi: 'Jatkotunniste on virheellinen tai kuuluu toiseen kyselyyn. Aloita luettelo alusta.',
      en: 'The continuation token is invalid or belongs to another query. Start the list from the beginning.',
    },
  },
  store_unavailable: {
    kind: 'unavailable',
    text: {
      et: 'Teenus on hetkel ülekoormatud. Palun proovi {retryAfter} sekundi pärast uuesti.',
      fi: 'Palvelu on juuri nyt ylikuormitettu. Yritä uudelleen {retryAfter} sekunnin kuluttua.',
      en: 'The service is busy right now. Please try again in {retryAfter} seconds.',
    },
  },
  unauthenticated: {
    kind: 'unauthenticated',
    text: {
      et: 'Palun logi sisse.',
      fi: 'Kirjaudu sisään.',
      en: 'Please sign in.',
    },
  },
  forbidden: {
    kind: 'forbidden',
    text: {
      et: 'Sul ei ole selleks õigust.',
      fi: 'Sinulla ei ole oikeutta tähän.',
      en: 'You are not allowed to do this.',
    },
  },
  validation_failed: {
    kind: 'unprocessable',
    text: {
      et: 'Päringu andmed on vigased.',
      fi: 'Pyynnön tiedot ovat virheellisiä.',
      en: 'The request data is invalid.',
    },
  },
  conflict: {
    kind: 'conflict',
    text: {
      et: 'Andmeid muudeti vahepeal. Proovi uuesti.',
      fi: 'Tietoja muutettiin välillä. Yritä uudelleen.',
      en: 'The data was changed in the meantime. Please try again.',
    },
  },
  already_exists: {
    kind: 'conflict',
    text: {
      et: 'See on juba olemas.',
      fi: 'Tämä on jo olemassa.',
      en: 'This already exists.',
    },
  },
  idempotency_key_reused: {
    kind: 'conflict',
    text: {
      et: 'See Idempotency-Key on juba kasutatud teistsuguse päringu jaoks.',
      fi: 'Tätä Idempotency-Key-arvoa on jo käytetty toiseen pyyntöön.',
      en: 'This Idempotency-Key was already used for a different request.',
    },
  },
});

export interface AppErrorOptions {
  /** Fill the text's `{name}` placeholders; never personal data (they reach logs as part of the envelope). */
  params?: Record<string, string | number>;
  details?: ErrorDetail[];
  /** For rate_limited and unavailable: when trying again makes sense. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** The one error the domain throws: a catalogued code, never an HTTP status. */
export class AppError extends Error {
  readonly params: Record<string, string | number>;
  readonly details: ErrorDetail[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    options: AppErrorOptions = {},
  ) {
    super(code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.params = options.params ?? {};
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** True when `error` is an AppError with one of `codes`: branches compare compile-checked codes, not strings. */
export function isAppError(error: unknown, ...codes: ErrorCode[]): error is AppError {
  return error instanceof AppError && (codes.length === 0 || codes.includes(error.code));
}
