import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { computeMac, verifyMac } from './mac.js';

const secret = 'pfOsGD9oPaFEILwqFLHEHkPf7vZz4j3t36nAcufP1abqT9l99koyuC1IWAOcBeqe';
const json =
  '{"amount":"12.95","currency":"EUR","customer_name":"Tõõger Leõpäöld","merchant_data":null,"message_time":"2016-09-23T08:43:57+0000","message_type":"payment_return","reference":"123abc","shop":"f7741ab2","status":"COMPLETED","transaction":"80c0e701-bd4e-452d-b32f-9aa2e082ae95"}';

describe('Maksekeskus MAC (PAY-2)', () => {
  it('PAY-2: is UPPERCASE(HEX(SHA-512(json + secret))) over the UTF-8 bytes, a plain hash and not an HMAC', () => {
    const expected = createHash('sha512')
      .update(Buffer.from(json + secret, 'utf8'))
      .digest('hex')
      .toUpperCase();
    expect(computeMac(json, secret)).toBe(expected);
    expect(computeMac(json, secret)).toMatch(/^[0-9A-F]{128}$/);
  });

  it('PAY-2: verifies the exact string received (lower-case hex accepted)', () => {
    const mac = computeMac(json, secret);
    expect(verifyMac(json, mac, secret)).toBe(true);
    expect(verifyMac(json, mac.toLowerCase(), secret)).toBe(true);
  });

  it('PAY-2: a re-serialised json (same data, other bytes) does not verify with the original MAC', () => {
    const mac = computeMac(json, secret);
    const reparsed = JSON.parse(json) as Record<string, unknown>;
    const variants = [
      JSON.stringify(reparsed, null, 1),
      JSON.stringify(Object.fromEntries(Object.entries(reparsed).reverse())),
      json.replace('Tõõger', 'T\\u00f5\\u00f5ger'), // escaped unicode: the same JSON value
      `${json} `,
    ];
    for (const variant of variants) expect(verifyMac(variant, mac, secret), variant).toBe(false);
  });

  it('PAY-2: a forged or malformed MAC, or another secret, fails', () => {
    const mac = computeMac(json, secret);
    expect(verifyMac(json.replace('COMPLETED', 'CANCELLED'), mac, secret)).toBe(false);
    expect(verifyMac(json, mac, `${secret}x`)).toBe(false);
    expect(verifyMac(json, mac.slice(0, 127), secret)).toBe(false);
    expect(verifyMac(json, `${mac.slice(0, 127)}G`, secret)).toBe(false);
    expect(verifyMac(json, '', secret)).toBe(false);
    expect(verifyMac(json, createHash('sha512').update(json).digest('hex'), secret)).toBe(false);
  });
});
