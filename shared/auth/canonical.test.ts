import { describe, expect, it } from 'vitest';

import { nameProblem } from '../accounts/names.js';
import { canonicalEmail } from './identity.js';
import { isCommonPassword, passwordProblem } from './passwords.js';

describe('AUTH-2: the canonical form of an e-mail address', () => {
  it('AUTH-2: NFKC, then the domain through UTS #46 and the local part lower-cased ASCII', () => {
    expect(canonicalEmail(' Mari.Mets@Kuusiku.Example ')).toBe('mari.mets@kuusiku.example');
    expect(canonicalEmail('mari.mets@\u212Auusiku.example')).toBe('mari.mets@kuusiku.example'); // Kelvin sign
    expect(canonicalEmail('\u212Aadri.kask@kuusiku.example')).toBe('kadri.kask@kuusiku.example');
    expect(canonicalEmail('ｍａｒｉ@kuusiku.example')).toBe('mari@kuusiku.example'); // full-width letters
    expect(canonicalEmail('juku@kool.õ.ee')).toBe('juku@kool.xn--mda.ee');
    expect(canonicalEmail('first+tag@example.com')).toBe('first+tag@example.com');
  });

  it('AUTH-2: refuses what cannot be mapped safely or is no address', () => {
    for (const raw of [
      'm\u0430ri.mets@kuusiku.example',
      'jüri@example.com',
      'mari@',
      '@kuusiku.example',
      'mari',
      'mari mets@example.com',
      'mari@exa mple.com',
      'mari@localhost',
      'mari@a..b',
      `${'a'.repeat(65)}@example.com`,
    ])
      expect(canonicalEmail(raw), raw).toBeUndefined();
  });
});

describe('AUTH-2, ACC-5: names people type', () => {
  it('ACC-5: accepts names of every script with their separators', () => {
    for (const name of ['Mari', 'Anne-Mari', "O'Brien", 'D’Artagnan', 'Jüri', 'J. R. R.', 'Σωκράτης', 'Маша', 'Päivi Jääskeläinen'])
      expect(nameProblem(name), name).toBeUndefined();
  });

  it('AUTH-2: refuses control and format characters, digits, symbols and web addresses', () => {
    expect(nameProblem('Mari\nMets')).toMatch(/control/);
    expect(nameProblem('Ann\u202Eelo')).toMatch(/control/);
    expect(nameProblem('Mari\u200BMets')).toMatch(/control/);
    expect(nameProblem('visit evil.example')).toMatch(/web address/);
    expect(nameProblem('www Mets')).toMatch(/web address/);
    expect(nameProblem('https://x')).toMatch(/web address/);
    expect(nameProblem('Mari2')).toMatch(/only letters/);
    expect(nameProblem('Mari <b>')).toMatch(/only letters/);
  });
});

describe('AUTH-2: password rules', () => {
  it('AUTH-2: the common-password list is checked case-insensitively and without a short tail of digits and symbols', async () => {
    for (const password of ['password123', 'QWERTYUIOP', 'Password2026!', 'basketball99', '1q2w3e4r5t6y'])
      expect(await isCommonPassword(password), password).toBe(true);
    for (const password of ['correct horse battery', 'Opiq-demo-2026', 'pitkä salasana 123'])
      expect(await isCommonPassword(password), password).toBe(false);
  });

  it('AUTH-2: length first: under 10 or over 200 characters is refused whatever it is', () => {
    expect(passwordProblem('short')).toBe('too_short');
    expect(passwordProblem('x'.repeat(201))).toBe('too_long');
    expect(passwordProblem('aaaaaaaaaaaa')).toBe('too_simple');
  });
});
