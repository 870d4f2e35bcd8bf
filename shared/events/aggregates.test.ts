import { describe, expect, it } from 'vitest';

import { type BatchFacts, dailyChanges, peopleCells } from './aggregates.js';

const at = '2026-11-30T10:00:00.000Z';
const works = new Map([['w-1', { publisherId: 'pub', subjects: ['mathematics'] }]]);
/** A student of two schools of one municipality (and one of another), as the usage pipeline sees them. */
const schools: BatchFacts['schools'] = [
  { schoolId: 's-a', municipality: 'Vald', country: 'EE', group: 'student' },
  { schoolId: 's-b', municipality: 'Vald', country: 'EE', group: 'student' },
  { schoolId: 's-c', municipality: 'Teine', country: 'EE', group: 'student' },
];
const ids = (changes: { scope: string; id: string }[]) => changes.map((c) => `${c.scope} ${c.id}`).sort();

describe('usage aggregates: cells a batch changes (STAT-1, STAT-2)', () => {
  it('STAT-1: a page view counts per school and day, per school and month, and once per municipality and month', () => {
    const changes = dailyChanges({ events: [{ kind: 'page-view', at, workId: 'w-1', chapterId: 'ch-1', seconds: 30 }], works, schools });
    expect(ids(changes)).toEqual(
      [
        'm:Vald d|2026-11-30|s-a|student|w-1',
        'm:Vald d|2026-11-30|s-b|student|w-1',
        'm:Teine d|2026-11-30|s-c|student|w-1',
        'm:Vald c|2026-11|s-a|student|w-1',
        'm:Vald c|2026-11|s-b|student|w-1',
        'm:Teine c|2026-11|s-c|student|w-1',
        'm:Vald cm|2026-11|student|w-1',
        'm:Teine cm|2026-11|student|w-1',
        'p:pub d|2026-11-30|w-1|ch-1|-',
      ].sort(),
    );
    const area = changes.find((c) => c.id === 'cm|2026-11|student|w-1' && c.scope === 'm:Vald')!;
    expect(area.counts).toMatchObject({ views: 1, seconds: 30, tasks: 0 });
    expect(area.fields).not.toHaveProperty('schoolId');
  });

  it('STAT-1, STAT-2: a task done is its own count, per exercise in the publisher partition, never an interaction or a chapter', () => {
    const changes = dailyChanges({
      events: [{ kind: 'task-done', at, workId: 'w-1', exerciseIds: ['x-1', 'x-2', 'x-1'] }],
      works,
      schools: [schools[0]!],
    });
    expect(ids(changes)).toEqual(
      [
        'm:Vald d|2026-11-30|s-a|student|w-1',
        'm:Vald c|2026-11|s-a|student|w-1',
        'm:Vald cm|2026-11|student|w-1',
        'p:pub d|2026-11-30|w-1|t',
        'p:pub d|2026-11-30|w-1|x|x-1',
        'p:pub d|2026-11-30|w-1|x|x-2',
      ].sort(),
    );
    for (const change of changes) expect(change.counts).toEqual({ views: 0, seconds: 0, searches: 0, interactions: 0, tasks: 1 });
    expect(changes.find((c) => c.id.endsWith('|t'))!.fields).not.toHaveProperty('chapterId');
  });

  it('STAT-1: distinct-people cells per school, per municipality (one cell for two of its schools) and per country; per exercise for a task', () => {
    const cells = peopleCells({ events: [{ kind: 'task-done', at, workId: 'w-1', exerciseIds: ['x-1'] }], works, schools });
    const vald = cells.filter((c) => c.scope === 'm:Vald' && c.id.startsWith('mm|'));
    // One municipality-level cell per level for the two schools of Vald: the person-month marker counts it once.
    expect(vald.map((c) => c.id).sort()).toEqual(['mm|2026-11|student|all', 'mm|2026-11|student|w|w-1']);
    expect(cells.filter((c) => c.scope === 'c:EE').map((c) => c.id)).toEqual(['m|2026-11|student|all']);
    expect(cells.find((c) => c.id === 'm|2026-11|x|w-1|x-1')).toMatchObject({ scope: 'p:pub', fields: { level: 'exercise', exerciseId: 'x-1' } });
    expect(cells.some((c) => c.id.includes('|c|'))).toBe(false);
  });
});
