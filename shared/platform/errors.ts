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
 * so `new AppError('order_not_found')` is checked by the compiler and `platform` never imports an area.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging from each area
export interface ErrorCodes {}
export type ErrorCode = Extract<keyof ErrorCodes, string>;

/** Declares an area's error catalogue; the identity function keeps the literal codes for the compiler. */
export function defineErrors<const C extends Record<string, ErrorDefinition>>(catalogue: C): C {
  return catalogue;
}

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
