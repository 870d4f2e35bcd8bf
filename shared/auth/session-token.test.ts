import { createHmac } from 'node:crypto';

import { base64url, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';

import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TTL_SECONDS,
  AccessTokenError,
  signAccessToken,
  type SigningKey,
  verifyAccessToken,
} from './session-token.js';

const keyA: SigningKey = { kid: 'a', secret: new Uint8Array(32).fill(1) };
const keyB: SigningKey = { kid: 'b', secret: new Uint8Array(32).fill(2) };
const now = new Date('2026-11-22T10:00:00Z');
const claims = { accountId: 'acc-1', sessionId: 'ses-1' };
const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000);

async function problemOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AccessTokenError);
    return (error as AccessTokenError).problem;
  }
  throw new Error('the token was accepted');
}

/** A token with our claims, signed however the test wants. */
const forge = (options: { alg?: string; kid?: string; iss?: string; aud?: string; secret?: Uint8Array } = {}) =>
  new SignJWT({ sid: 'ses-1' })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', kid: options.kid ?? 'a' })
    .setSubject('acc-1')
    .setIssuer(options.iss ?? ACCESS_TOKEN_ISSUER)
    .setAudience(options.aud ?? ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + 600)
    .sign(options.secret ?? keyA.secret);

describe('session access tokens', () => {
  it('sign and verify round-trip the account and session ids', async () => {
    const token = await signAccessToken(claims, [keyA], now);
    expect(await verifyAccessToken(token, [keyA], now)).toEqual(claims);
    expect(await verifyAccessToken(token, [keyA], at(ACCESS_TOKEN_TTL_SECONDS - 1))).toEqual(claims);
  });

  it('a token past its lifetime is "expired"', async () => {
    const token = await signAccessToken(claims, [keyA], now);
    expect(await problemOf(verifyAccessToken(token, [keyA], at(ACCESS_TOKEN_TTL_SECONDS + 1)))).toBe('expired');
    const short = await signAccessToken(claims, [keyA], now, 60);
    expect(await problemOf(verifyAccessToken(short, [keyA], at(61)))).toBe('expired');
  });

  it('a tampered payload is "invalid"', async () => {
    const token = await signAccessToken(claims, [keyA], now);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const body = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
    const tampered = base64url.encode(JSON.stringify({ ...body, sub: 'acc-admin' }));
    expect(await problemOf(verifyAccessToken(`${header}.${tampered}.${signature}`, [keyA], now))).toBe('invalid');
  });

  it('a tampered signature, or garbage, is "invalid"', async () => {
    const token = await signAccessToken(claims, [keyA], now);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(await problemOf(verifyAccessToken(`${header}.${payload}.${flipped}`, [keyA], now))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(`${header}.${payload}.`, [keyA], now))).toBe('invalid');
    expect(await problemOf(verifyAccessToken('not.a.token', [keyA], now))).toBe('invalid');
    expect(await problemOf(verifyAccessToken('', [keyA], now))).toBe('invalid');
  });

  it('a token signed with another key of the same kid is "invalid"', async () => {
    expect(await problemOf(verifyAccessToken(await forge({ secret: keyB.secret }), [keyA], now))).toBe('invalid');
  });

  it('an unknown kid is "invalid"', async () => {
    const token = await signAccessToken(claims, [keyB], now);
    expect(await problemOf(verifyAccessToken(token, [keyA], now))).toBe('invalid');
  });

  it('alg "none" is "invalid"', async () => {
    const unsecured = new UnsecuredJWT({ sid: 'ses-1' })
      .setSubject('acc-1')
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 600)
      .encode();
    expect(await problemOf(verifyAccessToken(unsecured, [keyA], now))).toBe('invalid');
    // Also with a kid we know, so the key lookup succeeds and only the algorithm can refuse it.
    const [, payload] = unsecured.split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'none', kid: 'a' }));
    expect(await problemOf(verifyAccessToken(`${header}.${payload}.`, [keyA], now))).toBe('invalid');
  });

  it('the algorithm is pinned: HS512 with the same secret and kid is "invalid"', async () => {
    const token = await forge({ alg: 'HS512' });
    expect(await problemOf(verifyAccessToken(token, [keyA], now))).toBe('invalid');
    // The same forge with HS256 is accepted, so only the algorithm differs.
    expect(await verifyAccessToken(await forge(), [keyA], now)).toEqual(claims);
  });

  it('a wrong issuer or audience is "invalid"', async () => {
    expect(await problemOf(verifyAccessToken(await forge({ iss: 'someone-else' }), [keyA], now))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(await forge({ aud: 'other-api' }), [keyA], now))).toBe('invalid');
  });

  it('AUTH-2: the issued token names our issuer and audience, is typed JWT and lives 15 minutes', async () => {
    const token = await signAccessToken(claims, [keyA], now);
    const [header, payload] = token.split('.') as [string, string, string];
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(header)))).toEqual({ alg: 'HS256', kid: 'a', typ: 'JWT' });
    const body = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
    const iat = Math.floor(now.getTime() / 1000);
    expect(body).toEqual({ sid: 'ses-1', sub: 'acc-1', iss: 'opiq-backend', aud: 'opiq-api', iat, exp: iat + 900 });
  });

  it('AUTH-2: a token without an expiry or issue time is "invalid", even correctly signed', async () => {
    const base = () =>
      new SignJWT({ sid: 'ses-1' })
        .setProtectedHeader({ alg: 'HS256', kid: 'a' })
        .setSubject('acc-1')
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE);
    const iat = Math.floor(now.getTime() / 1000);
    expect(await problemOf(verifyAccessToken(await base().setIssuedAt(iat).sign(keyA.secret), [keyA], now))).toBe('invalid');
    expect(
      await problemOf(
        verifyAccessToken(
          await base()
            .setExpirationTime(iat + 600)
            .sign(keyA.secret),
          [keyA],
          now,
        ),
      ),
    ).toBe('invalid');
  });

  it('AUTH-2: a subject or session id that is not a string is "invalid"', async () => {
    const iat = Math.floor(now.getTime() / 1000);
    const signed = (payload: Record<string, unknown>) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', kid: 'a' })
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 600)
        .sign(keyA.secret);
    expect(await problemOf(verifyAccessToken(await signed({ sub: 'acc-1', sid: 7 }), [keyA], now))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(await signed({ sub: 7, sid: 'ses-1' }), [keyA], now))).toBe('invalid');
  });

  it('a token problem is an AccessTokenError that says which, for the logs', async () => {
    const error = await verifyAccessToken('garbage', [keyA], now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessTokenError);
    expect(error).toMatchObject({ name: 'AccessTokenError', message: 'Access token is invalid', problem: 'invalid' });
  });

  it('a token without the session id is "invalid"', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'a' })
      .setSubject('acc-1')
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 600)
      .sign(keyA.secret);
    expect(await problemOf(verifyAccessToken(token, [keyA], now))).toBe('invalid');
  });

  it('rotation: the first key signs; a token of the old key verifies while it is listed second, and fails once removed', async () => {
    const old = await signAccessToken(claims, [keyA], now);
    const rotated = [keyB, keyA];
    expect(await verifyAccessToken(old, rotated, now)).toEqual(claims);
    const fresh = await signAccessToken(claims, rotated, now);
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(fresh.split('.')[0]!)))).toMatchObject({ alg: 'HS256', kid: 'b' });
    expect(await verifyAccessToken(fresh, rotated, now)).toEqual(claims);
    expect(await problemOf(verifyAccessToken(old, [keyB], now))).toBe('invalid');
  });

  it('AUTH-2: expiry is exact to the second: valid one second before exp, "expired" at exp', async () => {
    const token = await signAccessToken(claims, [keyA], now);
    expect(await verifyAccessToken(token, [keyA], at(ACCESS_TOKEN_TTL_SECONDS - 1))).toEqual(claims);
    expect(await problemOf(verifyAccessToken(token, [keyA], at(ACCESS_TOKEN_TTL_SECONDS)))).toBe('expired');
  });

  it('AUTH-2: jose-compatible claim rules: nbf in the future, crit extensions, and non-object payloads are "invalid"; an audience list naming us is accepted', async () => {
    const iat = Math.floor(now.getTime() / 1000);
    const signed = (payload: Record<string, unknown>) =>
      new SignJWT({ sid: 'ses-1', ...payload })
        .setProtectedHeader({ alg: 'HS256', kid: 'a' })
        .setSubject('acc-1')
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 600)
        .sign(keyA.secret);
    expect(await problemOf(verifyAccessToken(await signed({ aud: ACCESS_TOKEN_AUDIENCE, nbf: iat + 60 }), [keyA], now))).toBe('invalid');
    expect(await verifyAccessToken(await signed({ aud: ACCESS_TOKEN_AUDIENCE, nbf: iat }), [keyA], now)).toEqual(claims);
    expect(await problemOf(verifyAccessToken(await signed({ aud: ACCESS_TOKEN_AUDIENCE, nbf: 'soon' }), [keyA], now))).toBe('invalid');
    expect(await verifyAccessToken(await signed({ aud: ['other-api', ACCESS_TOKEN_AUDIENCE] }), [keyA], now)).toEqual(claims);
    expect(await problemOf(verifyAccessToken(await signed({ aud: ['other-api'] }), [keyA], now))).toBe('invalid');
    // A correctly signed payload that is a JSON array, and a token of four parts.
    const header = base64url.encode(JSON.stringify({ alg: 'HS256', kid: 'a' }));
    const arrayPayload = base64url.encode(JSON.stringify([claims]));
    const mac = createHmac('sha256', keyA.secret).update(`${header}.${arrayPayload}`).digest('base64url');
    expect(await problemOf(verifyAccessToken(`${header}.${arrayPayload}.${mac}`, [keyA], now))).toBe('invalid');
    // An expiry that is a string of digits, correctly signed.
    const body = { sub: 'acc-1', sid: 'ses-1', iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat, exp: String(iat + 600) };
    const stringExp = base64url.encode(JSON.stringify(body));
    const stringExpMac = createHmac('sha256', keyA.secret).update(`${header}.${stringExp}`).digest('base64url');
    expect(await problemOf(verifyAccessToken(`${header}.${stringExp}.${stringExpMac}`, [keyA], now))).toBe('invalid');
    const numberExp = base64url.encode(JSON.stringify({ ...body, exp: iat + 600 }));
    const numberExpMac = createHmac('sha256', keyA.secret).update(`${header}.${numberExp}`).digest('base64url');
    expect(await verifyAccessToken(`${header}.${numberExp}.${numberExpMac}`, [keyA], now)).toEqual(claims);
    // A critical extension we do not know, correctly signed (jose itself refuses to sign one).
    const critHeader = base64url.encode(JSON.stringify({ alg: 'HS256', kid: 'a', crit: ['exp'], exp: 1 }));
    const critMac = createHmac('sha256', keyA.secret).update(`${critHeader}.${numberExp}`).digest('base64url');
    expect(await problemOf(verifyAccessToken(`${critHeader}.${numberExp}.${critMac}`, [keyA], now))).toBe('invalid');
    const good = await signAccessToken(claims, [keyA], now);
    expect(await problemOf(verifyAccessToken(`${good}.extra`, [keyA], now))).toBe('invalid');
    // The signature with a character outside base64url (Node's decoder would skip it) is refused, not read around.
    expect(await problemOf(verifyAccessToken(`${good.slice(0, -1)}=`, [keyA], now))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(`${good}=`, [keyA], now))).toBe('invalid');
  });

  it('AUTH-2: the algorithm is pinned even under a valid HMAC-SHA256, and a header or signature out of shape is "invalid", never an error', async () => {
    const iat = Math.floor(now.getTime() / 1000);
    const body = base64url.encode(
      JSON.stringify({ sub: 'acc-1', sid: 'ses-1', iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat, exp: iat + 600 }),
    );
    const signedWith = (header: unknown) => {
      const encoded = base64url.encode(JSON.stringify(header));
      return `${encoded}.${body}.${createHmac('sha256', keyA.secret).update(`${encoded}.${body}`).digest('base64url')}`;
    };
    expect(await verifyAccessToken(signedWith({ alg: 'HS256', kid: 'a' }), [keyA], now)).toEqual(claims);
    expect(await problemOf(verifyAccessToken(signedWith({ alg: 'HS512', kid: 'a' }), [keyA], now))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(signedWith({ alg: 'hs256', kid: 'a' }), [keyA], now))).toBe('invalid');
    // A header that is JSON but not an object.
    expect(await problemOf(verifyAccessToken(signedWith('HS256'), [keyA], now))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(signedWith(null), [keyA], now))).toBe('invalid');
    const good = signedWith({ alg: 'HS256', kid: 'a' });
    const [h, p, sig] = good.split('.') as [string, string, string];
    // A signature of another length (half of it), and one with a character Node's decoder would skip in front.
    expect(await problemOf(verifyAccessToken(`${h}.${p}.${sig.slice(0, 22)}`, [keyA], now))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(`${h}.${p}.!${sig}`, [keyA], now))).toBe('invalid');
  });

  it('refuses to sign without a key', async () => {
    await expect(signAccessToken(claims, [], now)).rejects.toThrow(/No session signing key/);
  });
});
