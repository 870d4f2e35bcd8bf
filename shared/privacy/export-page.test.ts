import { describe, expect, it } from 'vitest';

import { indexPage, metadataOf, typePage } from './export-page.js';
import { dataRegistry } from './registry.js';
import { retentionText } from './texts.js';

const allTypes = dataRegistry.documentTypes;
const englishRetention = [...new Set(allTypes.map((t) => retentionText(t.retention, 'en')))];

/** Every page of an export as if the person had records of every registry type (indefinite ones included). */
function exportTexts(lang: 'et' | 'fi'): string[] {
  const summary = {
    accountId: 'acc-1',
    createdAt: '2026-12-01T00:00:00Z',
    types: allTypes.map((spec) => ({ spec, count: 1 })),
    files: [],
    language: lang,
  };
  return [
    indexPage(summary),
    metadataOf(
      allTypes.map((spec) => ({ spec, fields: ['id'] })),
      lang,
    ),
    ...allTypes.map((spec) => typePage(spec, [{ id: 'x' }], lang)),
  ];
}

describe('issue 15: every retention text an export shows is in the person language', () => {
  it('OPS-3, PRIV-2: an Estonian and a Finnish export hold no English retention text (indefinite reasons included)', () => {
    expect(allTypes.some((t) => t.retention.kind === 'indefinite')).toBe(true);
    for (const lang of ['et', 'fi'] as const)
      for (const text of exportTexts(lang)) for (const phrase of englishRetention) expect(text, `${lang}: "${phrase}"`).not.toContain(phrase);
  });

  it('OPS-3: every retention rule of the registry has its own words in et and fi', () => {
    for (const t of allTypes)
      for (const lang of ['et', 'fi'] as const)
        expect(retentionText(t.retention, lang), `${t.type} ${lang}`).not.toBe(retentionText(t.retention, 'en'));
  });
});
