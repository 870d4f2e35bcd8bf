import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { languages } from '../platform/language.js';
import { categories, dataRegistry, retentionText } from '../privacy/index.js';
import { noticeTables, recordOfProcessing } from './notice-tables.js';
import { processors } from './processors.js';

const committed = (file: string) => readFileSync(new URL(`../../docs/privacy/${file}`, import.meta.url), 'utf8');
const personal = dataRegistry.documentTypes.filter((t) => t.personalData.length > 0);

describe('issue 13 item 5: the record of processing and the notice tables follow the registry', () => {
  it('PRIV-3: every document type with personal data is in the record with its retention, in et, fi and en', () => {
    for (const lang of languages) {
      const record = recordOfProcessing(lang);
      for (const t of personal) {
        const line = record.split('\n').find((l) => l.startsWith(`| \`${t.type}\` |`));
        expect(line, `${t.type} in the ${lang} record`).toBeDefined();
        expect(line).toContain(retentionText(t.retention, lang));
      }
    }
  });

  it('PRIV-1: every processor is in the record; those outside the EU/EEA that receive data are marked as transfers', () => {
    const record = recordOfProcessing('en');
    for (const p of processors) expect(record).toContain(`| ${p.name} | ${p.country} |`);
    expect(record.split('\n').find((l) => l.startsWith('| SendGrid'))).toContain('yes (EU standard contractual clauses');
    expect(record.split('\n').find((l) => l.startsWith('| Maksekeskus AS'))).toContain('no (EU/EEA)');
  });

  it('PRIV-3: the committed docs/privacy files are what the registry gives today (npm run gen)', () => {
    for (const lang of languages) {
      expect(committed(`record-of-processing.${lang}.md`), `record ${lang}`).toBe(recordOfProcessing(lang));
      expect(committed(`notice-tables.${lang}.md`), `notice ${lang}`).toBe(noticeTables(lang));
    }
  });

  it('PRIV-3: a registry that changes a retention changes the generated text, so the committed copy no longer matches', () => {
    const changed = {
      ...dataRegistry,
      documentTypes: dataRegistry.documentTypes.map((t) =>
        t.type === 'support-request' ? { ...t, retention: { kind: 'fixed' as const, days: 77, requirement: 'X' } } : t,
      ),
    };
    expect(personal.some((t) => t.type === 'support-request')).toBe(true);
    for (const lang of languages) {
      expect(recordOfProcessing(lang, changed)).not.toBe(recordOfProcessing(lang));
      expect(noticeTables(lang, changed)).not.toBe(noticeTables(lang));
      expect(noticeTables(lang, changed)).toContain(retentionText({ kind: 'fixed', days: 77, requirement: 'X' }, lang));
    }
  });

  it('PRIV-1: the Estonian and Finnish texts are translations: no English category name, basis or retention phrase in them', () => {
    const english = [
      ...Object.values(categories).map((c) => c.name.en),
      'legal obligation',
      'legitimate interest',
      'until the account',
      'years after',
      'days after the last change',
      'Retention',
      'Purpose',
    ];
    for (const lang of ['et', 'fi'] as const)
      for (const text of [recordOfProcessing(lang), noticeTables(lang)])
        for (const phrase of english) expect(text, `${lang}: "${phrase}"`).not.toContain(phrase);
  });
});
