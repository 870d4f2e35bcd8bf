import { createSecretKey, type KeyObject } from 'node:crypto';

import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

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
    .sign(keyObject(current));
}

/**
 * jose imports a raw Uint8Array as a key on every call (~26 us per verification); the keys are parsed once from the
 * settings, so each is imported once and kept beside its object.
 */
const imported = new WeakMap<SigningKey, KeyObject>();
function keyObject(key: SigningKey): KeyObject {
  let object = imported.get(key);
  if (!object) {
    object = createSecretKey(key.secret);
    imported.set(key, object);
  }
  return object;
}

export type TokenProblem = 'expired' | 'invalid';

export class AccessTokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(`Access token is ${problem}`);
    this.name = 'AccessTokenError';
  }
}

/** Verifies signature (by kid), algorithm, issuer, audience and expiry; returns the claims we rely on. */
export async function verifyAccessToken(token: string, keys: readonly SigningKey[], now: Date): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = keys.find((k) => k.kid === header.kid);
        if (!key) throw new AccessTokenError('invalid');
        return keyObject(key);
      },
      {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        currentDate: now,
        requiredClaims: ['sub', 'sid', 'exp', 'iat'],
      },
    );
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new AccessTokenError('invalid');
    return { accountId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof AccessTokenError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new AccessTokenError('expired');
    throw new AccessTokenError('invalid');
  }
}
