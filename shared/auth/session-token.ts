import { createHmac, timingSafeEqual, webcrypto } from 'node:crypto';

import { SignJWT } from 'jose';

/** Our own access token: short-lived, HS256 only (pinned), key chosen by `kid` so keys can rotate. */
const ACCESS_TOKEN_ALGORITHM = 'HS256';
export const ACCESS_TOKEN_ISSUER = 'opiq-backend';
export const ACCESS_TOKEN_AUDIENCE = 'opiq-api';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

export interface AccessTokenClaims {
  accountId: string;
  sessionId: string;
}

export async function signAccessToken(
  claims: AccessTokenClaims,
  keys: readonly SigningKey[],
  now: Date,
  ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
): Promise<string> {
  const [current] = keys;
  if (!current) throw new Error('No session signing key configured');
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: current.kid, typ: 'JWT' })
    .setSubject(claims.accountId)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(await cryptoKey(current));
}

/**
 * jose 6 turns a raw key, and a Node KeyObject too, into a WebCrypto key on every call; the keys are parsed once from
 * the settings, so each is imported once for signing and kept beside its object.
 */
const imported = new WeakMap<SigningKey, Promise<webcrypto.CryptoKey>>();
function cryptoKey(key: SigningKey): Promise<webcrypto.CryptoKey> {
  let promise = imported.get(key);
  if (!promise) {
    promise = webcrypto.subtle.importKey('raw', key.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    imported.set(key, promise);
  }
  return promise;
}

export type TokenProblem = 'expired' | 'invalid';

export class AccessTokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(`Access token is ${problem}`);
    this.name = 'AccessTokenError';
  }
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A base64url JSON object, or undefined for anything else. */
function jsonObject(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies signature (by kid), algorithm, issuer, audience and expiry; returns the claims we rely on.
 * Every request verifies one token, so this is Node's synchronous HMAC rather than jose's WebCrypto path (an async
 * job on the thread pool: ~90 us of the host's ~330 us overhead per request, issue 11). The rules are jose's
 * `jwtVerify` with our options, checked by session-token.test.ts against tokens jose signs and forges: HS256 only,
 * no `crit` extensions, our issuer and audience, `sub`, `sid`, `exp` and `iat` required, expired when
 * `exp <= now` (seconds), not yet valid while `nbf > now`.
 */
export async function verifyAccessToken(token: string, keys: readonly SigningKey[], now: Date): Promise<AccessTokenClaims> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new AccessTokenError('invalid');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = jsonObject(encodedHeader);
  if (!header || header.alg !== ACCESS_TOKEN_ALGORITHM || 'crit' in header) throw new AccessTokenError('invalid');
  const key = keys.find((k) => k.kid === header.kid);
  if (!key || !BASE64URL.test(encodedSignature)) throw new AccessTokenError('invalid');
  const expected = createHmac('sha256', key.secret).update(`${encodedHeader}.${encodedPayload}`).digest();
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new AccessTokenError('invalid');

  const payload = jsonObject(encodedPayload);
  if (!payload) throw new AccessTokenError('invalid');
  const { sub, sid, iss, aud, exp, iat, nbf } = payload;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') throw new AccessTokenError('invalid');
  if (iss !== ACCESS_TOKEN_ISSUER) throw new AccessTokenError('invalid');
  if (!(aud === ACCESS_TOKEN_AUDIENCE || (Array.isArray(aud) && aud.includes(ACCESS_TOKEN_AUDIENCE)))) throw new AccessTokenError('invalid');
  const seconds = Math.floor(now.getTime() / 1000);
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > seconds)) throw new AccessTokenError('invalid');
  if (exp <= seconds) throw new AccessTokenError('expired');
  return { accountId: sub, sessionId: sid };
}
