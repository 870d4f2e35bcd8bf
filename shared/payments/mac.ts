import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Maksekeskus message authentication (PAY-2): MAC = UPPERCASE(HEX(SHA-512(json + secret key))), a plain hash, not an
 * HMAC, over the json string EXACTLY as received (its bytes in UTF-8). Never re-serialise the json before checking:
 * a parsed-and-re-encoded message differs in escapes, spacing or key order and must not verify.
 */
export function computeMac(json: string, secretKey: string): string {
  return createHash('sha512')
    .update(json + secretKey, 'utf8')
    .digest('hex')
    .toUpperCase();
}

const HEX_512 = /^[0-9A-Fa-f]{128}$/;

/** Constant-time comparison of the received MAC with the one computed over the received json string. */
export function verifyMac(json: string, mac: string, secretKey: string): boolean {
  if (!HEX_512.test(mac)) return false;
  const expected = Buffer.from(computeMac(json, secretKey), 'utf8');
  const received = Buffer.from(mac.toUpperCase(), 'utf8');
  return expected.length === received.length && timingSafeEqual(expected, received);
}
