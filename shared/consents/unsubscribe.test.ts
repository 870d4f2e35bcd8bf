import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { signingKeysSchema } from '../platform/config.js';
import { isAppError } from '../platform/errors.js';
import { openUnsubscribeToken, unsubscribeLinkFor, unsubscribeToken } from './unsubscribe.js';

const key = (kid: string, fill: number) => `${kid}:${Buffer.alloc(32, fill).toString('base64url')}`;
const OLD = signingKeysSchema.parse(key('old', 1));
const ROTATED = signingKeysSchema.parse(`${key('new', 2)},${key('old', 1)}`);
const NEW_ONLY = signingKeysSchema.parse(key('new', 2));

function refusal(token: string, keys = OLD): string | undefined {
  try {
    openUnsubscribeToken(keys, token);
    return undefined;
  } catch (error) {
    if (isAppError(error, 'unsubscribe_link_invalid')) return 'invalid';
    if (isAppError(error, 'unsubscribe_link_forged')) return 'forged';
    throw error;
  }
}

describe('unsubscribe tokens (PRIV-6, MKT-1)', () => {
  it('PRIV-6: a token names one person and one purpose, and only that', () => {
    const token = unsubscribeToken(OLD, 'acc-ü/1', 'newsletter');
    expect(openUnsubscribeToken(OLD, token)).toEqual({ accountId: 'acc-ü/1', purpose: 'newsletter' });
    const [who, , mac] = token.split('.') as [string, string, string];
    expect(refusal(`${who}.productResearch.${mac}`)).toBe('forged');
    expect(refusal(`${Buffer.from('acc-other').toString('base64url')}.newsletter.${mac}`)).toBe('forged');
  });

  it('PRIV-6: mangled tokens are invalid; another spelling of the same bytes is not accepted', () => {
    const token = unsubscribeToken(OLD, 'acc-1', 'newsletter');
    const [who, purpose, mac] = token.split('.') as [string, string, string];
    expect(refusal('')).toBe('invalid');
    expect(refusal(`${who}.${purpose}`)).toBe('invalid');
    expect(refusal(`${who}.unknownPurpose.${mac}`)).toBe('invalid');
    expect(refusal(`${who}.${purpose}.${mac}x`)).toBe('invalid');
    // The last base64url letter of a 32-byte MAC carries 2 spare bits: a sibling letter decodes to the same bytes.
    const last = mac.at(-1)!;
    expect('AEIMQUYcgkosw048').toContain(last);
    expect(refusal(`${who}.${purpose}.${mac.slice(0, -1)}${String.fromCharCode(last.charCodeAt(0) + 1)}`)).toBe('forged');
  });

  it('PRIV-6: key rotation: a link signed with the old first key works while that key is listed, not after', () => {
    const token = unsubscribeToken(OLD, 'acc-1', 'newsletter');
    expect(refusal(token, ROTATED)).toBeUndefined();
    expect(unsubscribeToken(ROTATED, 'acc-1', 'newsletter')).toBe(unsubscribeToken(NEW_ONLY, 'acc-1', 'newsletter'));
    expect(refusal(token, NEW_ONLY)).toBe('forged');
  });

  it('PRIV-6: the token is the account id, the purpose and an HMAC-SHA256 of both under the first key (computed here independently)', () => {
    const mac = createHmac('sha256', Buffer.alloc(32, 2)).update('unsubscribe\nacc-ü/1\nnewsletter').digest('base64url');
    expect(unsubscribeToken(ROTATED, 'acc-ü/1', 'newsletter')).toBe(`${Buffer.from('acc-ü/1', 'utf8').toString('base64url')}.newsletter.${mac}`);
    expect(() => unsubscribeToken([], 'acc-1', 'newsletter')).toThrow('No signing key configured');
    const config = { API_PUBLIC_URL: 'https://api.opiq.example', UNSUBSCRIBE_SIGNING_KEYS: OLD } as never;
    expect(unsubscribeLinkFor({ config }, 'acc-1', 'newsletter')).toBe(
      `https://api.opiq.example/api/unsubscribe?token=${unsubscribeToken(OLD, 'acc-1', 'newsletter')}`,
    );
  });

  it('PRIV-6: the whole token must match: nothing before or after it, an account id of 1 to 200 letters, a 43-letter MAC', () => {
    const token = unsubscribeToken(OLD, 'acc-1', 'newsletter');
    const [who, purpose, mac] = token.split('.') as [string, string, string];
    expect(refusal(`!${token}`)).toBe('invalid');
    expect(refusal(`${token}!`)).toBe('invalid');
    expect(refusal(`.${token}`)).toBe('invalid');
    expect(refusal(`${token}.`)).toBe('invalid');
    expect(refusal(`.${purpose}.${mac}`)).toBe('invalid');
    expect(refusal(`${who}.${purpose}.${mac.slice(0, -1)}`)).toBe('invalid');
    expect(refusal(`${who}..${mac}`)).toBe('invalid');
    // 150 bytes are 200 base64url letters (the longest accepted), 151 are 202.
    const longest = 'a'.repeat(150);
    expect(openUnsubscribeToken(OLD, unsubscribeToken(OLD, longest, 'newsletter'))).toEqual({ accountId: longest, purpose: 'newsletter' });
    expect(refusal(unsubscribeToken(OLD, `${longest}a`, 'newsletter'))).toBe('invalid');
    expect(openUnsubscribeToken(OLD, unsubscribeToken(OLD, 'a', 'productResearch'))).toEqual({ accountId: 'a', purpose: 'productResearch' });
  });

  it('PRIV-6: an account id spelt another way (spare bits of its last letter) is not the same token', () => {
    // 'acc-1' is 5 bytes: 7 letters, the last carrying 2 spare bits.
    const token = unsubscribeToken(OLD, 'acc-1', 'newsletter');
    const [who, purpose, mac] = token.split('.') as [string, string, string];
    const sibling = `${who.slice(0, -1)}${String.fromCharCode(who.charCodeAt(who.length - 1) + 1)}`;
    expect(Buffer.from(sibling, 'base64url').toString('utf8')).toBe('acc-1');
    expect(refusal(`${sibling}.${purpose}.${mac}`)).toBe('forged');
  });
});
