import { randomBytes, scrypt as scryptCallback, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (AUTH-2). Parameters: N = 2^15, r = 8, p = 1, 32-byte key, 16-byte random salt:
 * about 32 MiB and ~50-100 ms per hash on one core, the OWASP minimum for scrypt. The parameters are stored with
 * each hash (`scrypt$N$r$p$salt$key`), so they can be raised later and old hashes still verify (and get rehashed).
 */
const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, keyLength, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT_PARAMS.saltLength);
  const { N, r, p, keyLength } = SCRYPT_PARAMS;
  const key = await scrypt(password, salt, keyLength, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of nothing, verified when the account does not exist so that both answers take the same time. */
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('no such account: equal timing');
  await verifyPassword(password, await dummyHash);
  return false;
}

export function needsRehash(stored: string): boolean {
  const [, n, r, p] = stored.split('$');
  return Number(n) !== SCRYPT_PARAMS.N || Number(r) !== SCRYPT_PARAMS.r || Number(p) !== SCRYPT_PARAMS.p;
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** Length is what matters (NIST 800-63B); the address itself and trivial repeats are refused. */
export function passwordProblem(password: string, email?: string): 'too_short' | 'too_long' | 'too_simple' | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (password.length > PASSWORD_MAX_LENGTH) return 'too_long';
  const lower = password.toLowerCase();
  if (email && (lower === email.toLowerCase() || lower === email.toLowerCase().split('@')[0])) return 'too_simple';
  if (new Set(lower).size < 4) return 'too_simple';
  return undefined;
}

/**
 * The most common passwords from public breach corpora (about 49 000, the list zxcvbn-ts maintains in
 * @zxcvbn-ts/language-common; no network), loaded on first use so a cold start does not pay for it.
 */
let commonPasswords: Promise<ReadonlySet<string>> | undefined;
function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then((m) => new Set(m.dictionary['passwords-common'].map((p) => p.toLowerCase())));
  return commonPasswords;
}

/**
 * NIST 800-63B 5.1.1.2: refuse passwords found in breach lists. Compared case-insensitively, and also without a
 * short tail of digits and symbols, which people add to pass composition rules ("password2026!").
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  const list = await loadCommonPasswords();
  const lower = password.normalize('NFKC').toLowerCase();
  const base = lower.replace(/[\p{N}\p{P}\p{S}\s_]{1,6}$/u, '');
  return list.has(lower) || (base.length >= 4 && list.has(base));
}
