import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { SigningKey } from './session-token.js';

/**
 * The CSRF token of a cookie session is derived from the session id with a server key (HMAC-SHA256), so only the
 * server can make it and it is worthless for any other session: a value an attacker plants in a cookie and repeats
 * in the header no longer passes (issue 17). It does not change when the access token is refreshed, and the front
 * end can fetch it again at any time (GET /api/auth/session). The key is derived from the session signing keys, so
 * it rotates with them: the first key makes tokens, every listed key still verifies them.
 */
function csrfKey(key: SigningKey): Buffer {
  return Buffer.from(hkdfSync('sha256', key.secret, new Uint8Array(0), 'opiq csrf token v1', 32));
}

const tokenWith = (key: SigningKey, sessionId: string) => createHmac('sha256', csrfKey(key)).update(`session:${sessionId}`).digest('base64url');

export function csrfTokenFor(sessionId: string, keys: readonly SigningKey[]): string {
  const [current] = keys;
  if (!current) throw new Error('No session signing key configured');
  return tokenWith(current, sessionId);
}

export function csrfTokenValid(presented: string, sessionId: string, keys: readonly SigningKey[]): boolean {
  const given = Buffer.from(presented);
  return keys.some((key) => {
    const expected = Buffer.from(tokenWith(key, sessionId));
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
