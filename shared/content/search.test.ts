import { describe, expect, it } from 'vitest';

import { exampleWorkContent } from './fixtures.js';
import type { WorkContent } from './model.js';
import { buildSearchIndex, searchIndex } from './search.js';

const work = (language: WorkContent['language'], text: string, prompt = 'Kysymys'): WorkContent => ({
  title: 'T',
  language,
  chapters: [
    {
      id: 'c',
      title: 'Luku',
      pages: [
        {
          id: 'p',
          title: 'Sivu',
          blocks: [
            { kind: 'text', id: 'b', text },
            { kind: 'exercise', id: 'e', exercise: { kind: 'text', id: 'x', prompt, points: 1, key: { accepted: ['salainen vastaus'] } } },
          ],
        },
      ],
    },
  ],
});

describe('search inside a work (issue 18 item 6b)', () => {
  it('LRN-4: Finnish is stemmed with Snowball: koulussa, kouluissa and koulun find each other', () => {
    const index = buildSearchIndex(work('fi', 'Oppilaat ovat koulussa ja kouluissa.'));
    expect(index.analyser).toBe('finnish');
    expect(searchIndex(index, 'koulun')).toEqual([{ chapterId: 'c', pageId: 'p', blockId: 'b' }]);
  });

  it('LRN-4: English is stemmed with Snowball: running finds runs', () => {
    const index = buildSearchIndex(work('en', 'She runs every morning.'));
    expect(searchIndex(index, 'running')).toEqual([{ chapterId: 'c', pageId: 'p', blockId: 'b' }]);
  });

  it('LRN-4: Estonian matches word beginnings, diacritics kept (sõda is not soda)', () => {
    const index = buildSearchIndex(work('et', 'Põhjasõda ja sõdurid. Soda on jook.'));
    expect(index.analyser).toBe('prefix');
    expect(searchIndex(index, 'sõdu')).toHaveLength(1);
    expect(searchIndex(index, 'sõda')).toEqual([]);
    expect(searchIndex(index, 'põhjasõ')).toHaveLength(1);
    expect(searchIndex(index, 'soda')).toHaveLength(1);
  });

  it('LRN-4: every query word must match; titles are found; nothing from an answer key is indexed', () => {
    const index = buildSearchIndex(work('fi', 'Kissa istuu.'));
    expect(searchIndex(index, 'kissa istuu')).toHaveLength(1);
    expect(searchIndex(index, 'kissa koira')).toEqual([]);
    expect(searchIndex(index, 'luku')).toEqual([{ chapterId: 'c' }]);
    expect(searchIndex(index, 'salainen')).toEqual([]);
    expect(JSON.stringify(index)).not.toContain('salai');
    const example = JSON.stringify(buildSearchIndex(exampleWorkContent()));
    for (const secret of ['sõda', 'hinda', 'põhjendust']) expect(example).not.toContain(secret);
  });

  it('terms such as constructor or __proto__ are plain words', () => {
    const index = buildSearchIndex(work('en', 'constructor __proto__ toString'));
    expect(searchIndex(index, 'constructor')).toHaveLength(1);
    expect(searchIndex(index, 'hasOwnProperty')).toEqual([]);
    expect(searchIndex(index, '   ')).toEqual([]);
  });
});
