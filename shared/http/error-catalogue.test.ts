import { describe, expect, it } from 'vitest';

import { languages } from '../platform/language.js';
import { areaCatalogues, errorCatalogue } from './error-catalogue.js';
import { messageCodes } from './i18n.js';

describe('error catalogue', () => {
  it('OPS-3: every catalogued code has a non-empty text in et, fi and en', () => {
    for (const [code, definition] of Object.entries(errorCatalogue)) {
      for (const language of languages) expect(definition.text[language].trim(), `${code} (${language})`).not.toBe('');
    }
  });

  it('no code is declared by two areas (one code, one meaning)', () => {
    const owners = new Map<string, string[]>();
    for (const [area, catalogue] of Object.entries(areaCatalogues)) {
      for (const code of Object.keys(catalogue)) owners.set(code, [...(owners.get(code) ?? []), area]);
    }
    const registered = new Set(messageCodes().filter((code) => !(code in errorCatalogue)));
    const twice = [...owners].filter(([code, areas]) => areas.length > 1 || registered.has(code));
    expect(twice).toEqual([]);
  });
});
