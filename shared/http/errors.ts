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
