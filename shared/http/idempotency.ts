import type { HttpRequest } from '@azure/functions';

import { HttpError } from './errors.js';

const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * The client's idempotency key for a creating request: the Idempotency-Key header, or the body's requestId (the
 * checkout's older form). Repeating a request with the same key returns what the first one created, so a client that
 * got a 503 (or no answer) can safely try again (issue 9, defect 6).
 */
export function idempotencyKey(request: HttpRequest, requestId?: string): string | undefined {
  const header = request.headers.get(IDEMPOTENCY_HEADER) ?? undefined;
  if (header !== undefined && !KEY.test(header)) throw new HttpError(400, 'invalid_idempotency_key');
  if (header !== undefined && requestId !== undefined && header !== requestId) throw new HttpError(400, 'invalid_idempotency_key');
  return header ?? requestId;
}
