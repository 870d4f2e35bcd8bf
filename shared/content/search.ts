import snowball from 'snowball-stemmers';

import type { Block, ContentLanguage, WorkContent } from './model.js';

/**
 * Full-text search inside a work (issue 18 item 6b). At publication a compact inverted index of the version's text is
 * built and stored with the version: chapter and page titles, text blocks, image descriptions and exercises' prompts
 * and the options a student sees; never an answer key. Searching reads the version (one point read) and matches in
 * memory.
 * Stemming by language: Finnish and English with the Snowball stemmers (`snowball-stemmers`); Snowball has no Estonian
 * stemmer (nor does any maintained npm package), so Estonian terms are lower-cased words, diacritics kept (õ, ä, ö, ü
 * are letters of their own) and a query word matches every indexed word it begins (kool finds koolis, koolide).
 * Every language also matches by prefix of the stem, so a half-typed word finds something.
 */

export interface SearchIndex {
  /** How terms were made: a Snowball algorithm, or 'prefix' (lower-cased words, no stemming). */
  analyser: 'finnish' | 'english' | 'prefix';
  /** Where each hit is: "chapterId/pageId/blockId" (blockId empty for a page title, pageId too for a chapter title). */
  locations: string[];
  /** Sorted by term: [term, indices into locations]. An array, not an object: terms such as "constructor" are safe. */
  terms: [string, number[]][];
}

const analyserOf: Record<ContentLanguage, SearchIndex['analyser']> = { fi: 'finnish', en: 'english', et: 'prefix' };
const stemmers = new Map<string, (word: string) => string>();

function stemmerFor(analyser: SearchIndex['analyser']): (word: string) => string {
  if (analyser === 'prefix') return (word) => word;
  let stem = stemmers.get(analyser);
  if (!stem) {
    const stemmer = snowball.newStemmer(analyser);
    stem = (word) => stemmer.stem(word);
    stemmers.set(analyser, stem);
  }
  return stem;
}

const MAX_WORD = 40;

/** Words of a text: NFC, lower case, letters and digits (diacritics kept). */
export function words(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && w.length <= MAX_WORD);
}

/** The text of a block that students see (an exercise's key is not among it). */
function visibleText(block: Block): string[] {
  switch (block.kind) {
    case 'heading':
    case 'text':
      return [block.text];
    case 'image':
      return [block.alt];
    case 'exercise': {
      const e = block.exercise;
      switch (e.kind) {
        case 'single':
        case 'multiple':
          return [e.prompt, ...e.choices.map((c) => c.text)];
        case 'matching':
          return [e.prompt, ...e.left.map((c) => c.text), ...e.right.map((c) => c.text)];
        case 'ordering':
          return [e.prompt, ...e.items.map((c) => c.text)];
        case 'numeric':
          return [e.prompt, e.unit ?? ''];
        case 'text':
        case 'open':
          return [e.prompt];
      }
    }
  }
}

export function buildSearchIndex(content: WorkContent): SearchIndex {
  const analyser = analyserOf[content.language];
  const stem = stemmerFor(analyser);
  const locations: string[] = [];
  const postings = new Map<string, Set<number>>();
  const add = (location: string, texts: string[]) => {
    const at = locations.push(location) - 1;
    for (const text of texts)
      for (const word of words(text)) {
        const term = stem(word);
        let set = postings.get(term);
        if (!set) postings.set(term, (set = new Set()));
        set.add(at);
      }
  };
  for (const chapter of content.chapters) {
    add(`${chapter.id}//`, [chapter.title]);
    for (const page of chapter.pages) {
      add(`${chapter.id}/${page.id}/`, [page.title]);
      for (const block of page.blocks) add(`${chapter.id}/${page.id}/${block.id}`, visibleText(block));
    }
  }
  const terms = [...postings.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([term, set]): [string, number[]] => [term, [...set]]);
  return { analyser, locations, terms };
}

function firstAtOrAfter(terms: SearchIndex['terms'], prefix: string): number {
  let lo = 0;
  let hi = terms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (terms[mid]![0] < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Locations matching one query word: its stem exactly, or (from 3 letters) every term it begins. */
function matches(index: SearchIndex, word: string): Set<number> {
  const term = stemmerFor(index.analyser)(word);
  const found = new Set<number>();
  for (let i = firstAtOrAfter(index.terms, term); i < index.terms.length; i++) {
    const [candidate, at] = index.terms[i]!;
    if (candidate !== term && (term.length < 3 || !candidate.startsWith(term))) break;
    for (const n of at) found.add(n);
  }
  return found;
}

export interface SearchHit {
  chapterId: string;
  pageId?: string;
  blockId?: string;
}

const MAX_QUERY_WORDS = 8;

/** Locations holding every word of the query (at most `limit`, in reading order). */
export function searchIndex(index: SearchIndex, query: string, limit = 20): SearchHit[] {
  const queryWords = [...new Set(words(query))].slice(0, MAX_QUERY_WORDS);
  if (queryWords.length === 0) return [];
  let hits: Set<number> | undefined;
  for (const word of queryWords) {
    const found = matches(index, word);
    hits = hits ? new Set([...hits].filter((n) => found.has(n))) : found;
    if (hits.size === 0) return [];
  }
  return [...(hits ?? [])]
    .sort((a, b) => a - b)
    .slice(0, limit)
    .map((n) => {
      const [chapterId = '', pageId = '', blockId = ''] = (index.locations[n] ?? '').split('/');
      return { chapterId, ...(pageId ? { pageId } : {}), ...(blockId ? { blockId } : {}) };
    });
}
