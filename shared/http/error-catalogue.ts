import { organisationErrors } from '../organisations/errors.js';
import type { AppError, ErrorCode, ErrorDefinition, ErrorKind } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import { schoolLicenceErrors } from '../store/school-licence-errors.js';
import { supportErrors } from '../support/errors.js';
import { HttpError } from './errors.js';

/**
 * Every area's error catalogue in one table, the only place codes meet statuses and texts. Typed against ErrorCode,
 * so a code an area declares but whose catalogue is missing here fails to compile; a test refuses a code two areas
 * both declare.
 */
export const areaCatalogues = { support: supportErrors, schoolLicences: schoolLicenceErrors, organisations: organisationErrors } as const;

export const errorCatalogue: { [C in ErrorCode]: ErrorDefinition } = {
  ...supportErrors,
  ...schoolLicenceErrors,
  ...organisationErrors,
};

/** The HTTP status each kind of error answers with. */
export const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  upstream_failed: 502,
  unavailable: 503,
};

export function errorText(code: ErrorCode, language: Language): string {
  return errorCatalogue[code].text[language];
}

/** Transitional: an AppError in the HttpError shape the wrapper answers with, until HttpError is gone from domain code. */
export function fromAppError(error: AppError): HttpError {
  const { kind } = errorCatalogue[error.code];
  const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) };
  return new HttpError(statusOfKind[kind], error.code, error.params, error.details, headers);
}
