import { accountsErrors } from '../accounts/index.js';
import { assistantErrors } from '../assistant/index.js';
import { authErrors } from '../auth/index.js';
import { consentsErrors } from '../consents/index.js';
import { contentErrors } from '../content/index.js';
import { erasureErrors } from '../erasure/index.js';
import { eventsErrors } from '../events/index.js';
import { learningErrors } from '../learning/index.js';
import { marketingErrors } from '../marketing/index.js';
import { materialsErrors } from '../materials/index.js';
import { organisationErrors } from '../organisations/index.js';
import { paymentsErrors } from '../payments/index.js';
import { ConcurrentUpdateError, DocumentExistsError, StoreUnavailableError } from '../platform/cosmos.js';
import { AppError, type ErrorCode, type ErrorDefinition, type ErrorKind, platformErrors } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import { privacyErrors } from '../privacy/index.js';
import { rightsErrors } from '../rights/index.js';
import { schoolsErrors } from '../schools/index.js';
import { statisticsErrors } from '../statistics/index.js';
import { schoolLicenceErrors, storeErrors } from '../store/index.js';
import { supportErrors } from '../support/index.js';
import { HttpError, httpErrors } from './errors.js';

/**
 * Every area's error catalogue in one table, the only place codes meet statuses and texts. Typed against ErrorCode,
 * so a code an area declares but whose catalogue is missing here fails to compile; a test refuses a code two areas
 * both declare.
 */
export const areaCatalogues = {
  platform: platformErrors,
  http: httpErrors,
  auth: authErrors,
  accounts: accountsErrors,
  schools: schoolsErrors,
  store: storeErrors,
  payments: paymentsErrors,
  support: supportErrors,
  content: contentErrors,
  learning: learningErrors,
  materials: materialsErrors,
  schoolLicences: schoolLicenceErrors,
  organisations: organisationErrors,
  // PRIV-4, PRIV-6, PRIV-8 (p-consent)
  consents: consentsErrors,
  privacy: privacyErrors,
  rights: rightsErrors,
  // GPT-1, GPT-2
  assistant: assistantErrors,
  // MKT-1, MKT-2 (issue 15)
  marketing: marketingErrors,
  // LOG-1 (i14-events)
  events: eventsErrors,
  // STAT-1, STAT-2 (i14-stats)
  statistics: statisticsErrors,
  // PRIV-3 (issue 13)
  erasure: erasureErrors,
} as const;

export const errorCatalogue: { [C in ErrorCode]: ErrorDefinition } = {
  ...platformErrors,
  ...httpErrors,
  ...authErrors,
  ...accountsErrors,
  ...schoolsErrors,
  ...storeErrors,
  ...paymentsErrors,
  ...supportErrors,
  ...contentErrors,
  ...learningErrors,
  ...materialsErrors,
  ...schoolLicenceErrors,
  ...organisationErrors,
  ...consentsErrors,
  ...privacyErrors,
  ...rightsErrors,
  ...assistantErrors,
  ...marketingErrors,
  ...eventsErrors,
  ...statisticsErrors,
  ...erasureErrors,
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

/** Codes whose status is pure HTTP and has no kind of its own. */
const statusOverrides: Partial<Record<ErrorCode, number>> = { method_not_allowed: 405 };

/** The status a code answers with: its kind's, unless HTTP itself names one. */
export function statusOf(code: ErrorCode): number {
  return statusOverrides[code] ?? statusOfKind[errorCatalogue[code].kind];
}

/** The code's text in `language`, `{name}` placeholders filled from `params` (unknown ones stay as written). */
export function errorText(code: ErrorCode, language: Language, params: Record<string, string | number> = {}): string {
  return errorCatalogue[code].text[language].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * What the wrapper answers for a thrown value: an HttpError as it is; an AppError with its code's status (and
 * Retry-After when it says when to try again); the store's own failures as their platform codes. Undefined for
 * anything else: an unexpected error, a 500 the wrapper reports.
 */
export function httpErrorOf(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof AppError)
    return new HttpError(statusOf(error.code), error.code, error.params, error.details, retryAfter(error.retryAfterSeconds));
  if (error instanceof ConcurrentUpdateError) return httpErrorOf(new AppError('conflict'));
  if (error instanceof DocumentExistsError) return httpErrorOf(new AppError('already_exists'));
  // Repeating the request is safe: writes are idempotent (request ids, ETags).
  if (error instanceof StoreUnavailableError)
    return httpErrorOf(
      new AppError('store_unavailable', { params: { retryAfter: error.retryAfterSeconds }, retryAfterSeconds: error.retryAfterSeconds }),
    );
  return undefined;
}

/** An AppError answered with extra headers (Allow on a 405, the stored payment message's id): for function files. */
export function withHeaders(error: AppError, headers: Record<string, string>): HttpError {
  const answer = httpErrorOf(error)!;
  return new HttpError(answer.status, answer.code, answer.params, answer.details, { ...answer.headers, ...headers });
}

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(seconds))) };
}
