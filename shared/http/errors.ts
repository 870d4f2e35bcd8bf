/** One detail of a validation failure: where and what, without echoing the submitted value. */
export interface ErrorDetail {
  path: string;
  issue: string;
}

/**
 * The one error type handlers throw. The wrapper turns it into `{ error: { code, message, details? } }` with the
 * message in the caller's language; `params` fill the message's placeholders.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params: Record<string, string | number> = {},
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'HttpError';
  }
}

export const badRequest = (code = 'validation_failed', details?: ErrorDetail[]) => new HttpError(400, code, {}, details);
export const unauthenticated = (code = 'unauthenticated') => new HttpError(401, code, {}, undefined, { 'www-authenticate': 'Bearer' });
export const forbidden = (code = 'forbidden') => new HttpError(403, code);
export const notFound = (code = 'not_found') => new HttpError(404, code);
export const conflict = (code = 'conflict') => new HttpError(409, code);
export const unprocessable = (code = 'validation_failed', details?: ErrorDetail[]) => new HttpError(422, code, {}, details);
