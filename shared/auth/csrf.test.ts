import { describe, expect, it } from 'vitest';
import { signingKeysSchema } from '../platform/config.js';
import { csrfTokenFor, csrfTokenValid } from './csrf.js';

const key = (kid: string, fill: number) => `${kid}:${Buffer.alloc(32, fill).toString('base64url')}`;
const OLD = signingKeysSchema.parse(key('old', 1));
const ROTATED = signingKeysSchema.parse(`${key('new', 2)},${key('old', 1)}`);
const NEW_ONLY = signingKeysSchema.parse(key('new', 2));

describe('CSRF token bound to the session (issue 17)', () => {
  it('AUTH-2: only the server can make it, and it is worthless for another session', () => {
    const token = csrfTokenFor('session-a', OLD);
    expect(csrfTokenValid(token, 'session-a', OLD)).toBe(true);
    expect(csrfTokenValid(token, 'session-b', OLD)).toBe(false);
    expect(csrfTokenValid(csrfTokenFor('session-a', NEW_ONLY), 'session-a', OLD)).toBe(false);
    expect(csrfTokenValid('', 'session-a', OLD)).toBe(false);
    expect(csrfTokenValid(`${token}x`, 'session-a', OLD)).toBe(false);
  });

  it('AUTH-2: key rotation: a token made with the old first key passes while that key is still listed, not after', () => {
    const token = csrfTokenFor('session-a', OLD);
    expect(csrfTokenValid(token, 'session-a', ROTATED)).toBe(true);
    expect(csrfTokenFor('session-a', ROTATED)).toBe(csrfTokenFor('session-a', NEW_ONLY));
    expect(csrfTokenValid(token, 'session-a', NEW_ONLY)).toBe(false);
  });
});
