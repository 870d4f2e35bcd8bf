import { describe, expect, it } from 'vitest';

import type { ErrorCode } from '../platform/errors.js';
import { errorCatalogue, errorText } from './error-catalogue.js';
import { defaultLanguage, languages, namesOurLanguage, negotiateLanguage } from './i18n.js';

describe('namesOurLanguage', () => {
  it('OPS-3: only a header naming et, fi or en keeps the site language from applying', () => {
    for (const header of ['fi', 'et-EE', 'de, EN-gb;q=0.2']) expect(namesOurLanguage(header), header).toBe(true);
    for (const header of ['*', 'de-DE, ru;q=0.8', '', null, undefined]) expect(namesOurLanguage(header), String(header)).toBe(false);
  });
});

describe('negotiateLanguage', () => {
  it('OPS-3: picks the supported language with the highest q-value', () => {
    expect(negotiateLanguage('en;q=0.5, fi')).toBe('fi');
    expect(negotiateLanguage('fi;q=0.4, en;q=0.9, et;q=0.6')).toBe('en');
    expect(negotiateLanguage('de, en;q=0.2')).toBe('en');
  });

  it('OPS-3: keeps header order between equal q-values', () => {
    expect(negotiateLanguage('fi, en')).toBe('fi');
    expect(negotiateLanguage('en;q=0.7, fi;q=0.7')).toBe('en');
  });

  it('OPS-3: reads the primary subtag of region tags, case-insensitively', () => {
    expect(negotiateLanguage('et-EE')).toBe('et');
    expect(negotiateLanguage('FI-fi,en;q=0.8')).toBe('fi');
    expect(negotiateLanguage('en-GB;q=0.9, ru;q=1')).toBe('en');
  });

  it('OPS-3: falls back to Estonian when nothing supported is asked for, or there is no header', () => {
    expect(defaultLanguage).toBe('et');
    expect(negotiateLanguage('de-DE, ru;q=0.8')).toBe('et');
    expect(negotiateLanguage('*')).toBe('et');
    expect(negotiateLanguage('')).toBe('et');
    expect(negotiateLanguage(null)).toBe('et');
    expect(negotiateLanguage(undefined)).toBe('et');
  });

  it('falls back to Estonian on a malformed header instead of throwing', () => {
    expect(negotiateLanguage(';;;,,,')).toBe('et');
    expect(negotiateLanguage('en;q=abc')).toBe('et');
    expect(negotiateLanguage('en;q=')).toBe('et');
    expect(negotiateLanguage('\u0000\uffff')).toBe('et');
  });

  it('excludes languages with q=0', () => {
    expect(negotiateLanguage('fi;q=0, en;q=0.1')).toBe('en');
    expect(negotiateLanguage('en;q=0')).toBe('et');
    expect(negotiateLanguage('fi;q=0.0, de')).toBe('et');
  });
});

describe('errorText', () => {
  it('fills placeholders from params and leaves unknown ones as written', () => {
    expect(errorText('method_not_allowed', 'en', { method: 'PUT' })).toBe('This address does not support the method PUT.');
    expect(errorText('payload_too_large', 'fi', { limit: 65536 })).toContain('65536');
    expect(errorText('method_not_allowed', 'et')).toContain('{method}');
  });

  it('an unknown code does not compile, so there is no fallback text to answer it with', () => {
    // @ts-expect-error -- not a catalogued code (tsc checks this line; the catalogue has no entry at run time either)
    expect(() => errorText('no_such_code', 'en')).toThrow(TypeError);
  });
});

describe('the message catalogue', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('OPS-3: every code has a non-empty et, fi and en text with the same placeholders in each', () => {
    // Every area's catalogue is listed in error-catalogue.ts (the compiler refuses a code without one).
    const codes = Object.keys(errorCatalogue) as ErrorCode[];
    expect(codes.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const code of codes) {
      const texts = Object.fromEntries(languages.map((l) => [l, errorText(code, l)]));
      for (const l of languages) if (!texts[l]?.trim()) problems.push(`${code}: ${l} is empty`);
      const expected = JSON.stringify(placeholders(texts.en ?? ''));
      for (const l of languages)
        if (JSON.stringify(placeholders(texts[l] ?? '')) !== expected) problems.push(`${code}: ${l} placeholders differ from en`);
      // Identical texts in two languages mean an untranslated copy.
      if (new Set(languages.map((l) => texts[l])).size < languages.length) problems.push(`${code}: two languages share the same text`);
    }
    expect(problems).toEqual([]);
  });
});
