import { createHash } from 'node:crypto';

/**
 * A stable document id part for (owner, idempotency key): the key itself never reaches storage. The key comes from
 * the client (shared/http reads the Idempotency-Key header); repeating a request finds the document made the first time.
 */
export function keyedId(owner: string, key: string): string {
  return createHash('sha256').update(`${owner}\n${key}`).digest('base64url').slice(0, 32);
}
