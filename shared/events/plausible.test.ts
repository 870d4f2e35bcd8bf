import { describe, expect, it } from 'vitest';

import { boundSeconds, countableEvents, MAX_VIEW_SECONDS } from './plausible.js';

const view = (at: string, seconds: number, chapterId?: string) =>
  ({ kind: 'page-view', at, workId: 'w-1', seconds, ...(chapterId ? { chapterId } : {}) }) as const;

describe('what the aggregates take of a batch (LOG-1, STAT-1)', () => {
  it('STAT-1: a batch spanning an hour adds at most that hour plus one view, in event order', () => {
    // An hour from the first event to the last, and one view of 30 minutes: 5,400 seconds at most.
    const events = [view('2026-11-30T10:00:00Z', 1800), view('2026-11-30T10:30:00Z', 1800), view('2026-11-30T11:00:00Z', 1800)];
    expect(boundSeconds(events).map((e) => e.seconds)).toEqual([1800, 1800, 1800]);
    const more = [...events, view('2026-11-30T11:00:00Z', 600), view('2026-11-30T11:00:00Z', 60)];
    expect(boundSeconds(more).map((e) => e.seconds)).toEqual([1800, 1800, 1800, 0, 0]);
  });

  it('STAT-1: one view is counted at most MAX_VIEW_SECONDS; searches and interactions are left as they are', () => {
    const search = { kind: 'search', at: '2026-11-30T10:00:00Z', scope: 'catalogue', words: 1, characters: 3, hits: 2 } as const;
    expect(boundSeconds([view('2026-11-30T10:00:00Z', 3600), search])).toEqual([view('2026-11-30T10:00:00Z', MAX_VIEW_SECONDS), search]);
  });

  it('STAT-2: a chapter not in the work (or of a work without an outline) is dropped from the event, the view kept', () => {
    const works = new Map([['w-1', { publisherId: 'p', subjects: [], chapterIds: new Set(['ch-1']) }]]);
    const [known, invented] = countableEvents([view('2026-11-30T10:00:00Z', 5, 'ch-1'), view('2026-11-30T10:00:00Z', 5, 'ch-x')], works);
    expect(known).toMatchObject({ chapterId: 'ch-1' });
    expect(invented).toEqual(view('2026-11-30T10:00:00Z', 5));
    expect(countableEvents([view('2026-11-30T10:00:00Z', 5, 'ch-1')], new Map())).toEqual([view('2026-11-30T10:00:00Z', 5)]);
  });

  it("STAT-1, STAT-2: a signed-in reader's events count only in works they could open; events in no work always; a server-made batch (no list) whole", () => {
    const works = new Map([
      ['w-1', { publisherId: 'p', subjects: [] }],
      ['w-2', { publisherId: 'p', subjects: [] }],
    ]);
    const search = { kind: 'search', at: '2026-11-30T10:00:00Z', scope: 'catalogue', words: 1, characters: 3, hits: 2 } as const;
    const inW2 = { ...view('2026-11-30T10:00:01Z', 5), workId: 'w-2' };
    const events = [view('2026-11-30T10:00:00Z', 5), search, inW2];
    expect(countableEvents(events, works, ['w-1'])).toEqual([view('2026-11-30T10:00:00Z', 5), search]);
    expect(countableEvents(events, works, [])).toEqual([search]);
    expect(countableEvents(events, works, ['w-1', 'w-2'])).toEqual(events);
    expect(countableEvents(events, works)).toEqual(events);
  });
});
