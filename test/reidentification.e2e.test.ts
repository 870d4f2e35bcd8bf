import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { suppress } from '../shared/statistics/suppress.js';
import {
  addSchool,
  doTask,
  get,
  giveMunicipalityRole,
  hostOptions,
  type School,
  submitTask,
  TASK_EXERCISES,
  tokenOf,
} from './statistics-fixtures.js';

/**
 * STAT-1, STAT-2: can an adversary with the statistics API learn whether one named student did a task? Riskivald has
 * three schools of one class each: 4, 5 and 30 students. Each month below is one world: who did an exercise in
 * work-ee-math-5 (the named student, index 0, or not; alone, with all classmates, or with half), the other classes at
 * a fixed baseline. Months never add up (people are counted per month), so each month is a world of its own.
 *
 * The adversary is a municipality official, the publisher and the ministry at once. They know the rosters (which student is in which
 * class and how big each class is), the published suppression rules, and every answer the API gives: every filter
 * (school, work, subject), every period covering the month, JSON and CSV. They do not know what the other students did.
 * They collect every figure, check that overlapping queries agree, and then try every possible world (how many of each
 * class did the task: 5 x 6 x 31 of them), replaying the published rules on each, totals and their differences
 * included; a world whose answers differ anywhere from what they saw is ruled out. The named student's deed is learnt
 * when every world left agrees on it. The same adversary given the figures without suppression learns it, so the test
 * can fail.
 */
const MATH = 'work-ee-math-5';
const OFFICIAL = 'acc-official-riskivald';
const SIZES = [4, 5, 30] as const;
type Size = (typeof SIZES)[number];
type Counts = Record<Size, number>;
const BASELINE: Record<Size, number[]> = { 4: [1, 2], 5: [1, 2], 30: range(1, 13) };

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** The worlds: which class varies, who of it did the task, and whether the named student (0) is among them. */
const worlds: { name: string; size: Size; doers: number[] }[] = SIZES.flatMap((size) => [
  { name: `class of ${size}: the named student and every classmate did it`, size, doers: range(0, size) },
  { name: `class of ${size}: every classmate but the named student did it`, size, doers: range(1, size) },
  { name: `class of ${size}: the named student alone did it`, size, doers: [0] },
  { name: `class of ${size}: nobody in the class did it`, size, doers: [] },
  ...(size === 30
    ? [
        { name: 'class of 30: the named student and 14 others did it', size, doers: range(0, 15) },
        { name: 'class of 30: 15 others did it, not the named student', size, doers: range(1, 16) },
      ]
    : []),
]);

let host: LocalHost;
const schools = {} as Record<Size, School>;
const monthOf: string[] = [];

beforeAll(async () => {
  host = await startLocalHost(hostOptions);
  for (const size of SIZES) schools[size] = await addSchool(host, `school-risk-${String(size).padStart(2, '0')}`, 'Riskivald', size);
  await giveMunicipalityRole(
    host,
    demo.accounts.operatorAdmin,
    OFFICIAL,
    'Riskivald',
    SIZES.map((s) => schools[s].schoolId),
  );
  for (const world of worlds) {
    // A month of its own: move to the middle of the next month.
    const now = host.clock.now();
    const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 15, 10);
    host.clock.advance(next - now.getTime());
    monthOf.push(host.clock.now().toISOString().slice(0, 7));
    for (const size of SIZES) {
      const doers = size === world.size ? world.doers : BASELINE[size];
      for (const i of doers) {
        await doTask(host, schools[size].students[i]!, MATH);
        await submitTask(host, schools[size], schools[size].students[i]!, MATH);
      }
    }
    await host.bus.idle();
  }
}, 900_000);
afterAll(async () => host?.close());

type Facts = Map<string, number | null | string>;

/** Adds a figure; the same figure seen in two answers must agree (else overlapping queries would tell more). */
function note(facts: Facts, key: string, value: number | null | string) {
  if (facts.has(key)) expect(facts.get(key), `two answers disagree on ${key}`).toEqual(value);
  facts.set(key, value);
}

const MEASURES = ['students', 'seconds', 'views', 'interactions', 'tasksDone'] as const;
/** The publishers' and the ministry's work figures (chapters have no tasks done: a task is of the work). */
const CHAPTER_MEASURES = ['students', 'seconds', 'views', 'interactions'] as const;

/** Every figure the adversary can get about one month, from every query they can make. */
async function observe(month: string, monthIndex: number): Promise<Facts> {
  const facts: Facts = new Map();
  const token = await tokenOf(host, OFFICIAL);
  const periods = [
    [month, month],
    [monthOf[Math.max(0, monthIndex - 1)]!, month],
    [month, monthOf[Math.min(monthOf.length - 1, monthIndex + 1)]!],
  ];
  const filters = ['', ...SIZES.map((s) => `&schoolId=${schools[s].schoolId}`), `&workId=${MATH}`, '&subject=mathematics'];
  for (const [from, to] of periods)
    for (const filter of filters) {
      const answer = await get(host, `/api/stats/municipality/usage?from=${from}&to=${to}${filter}`, token);
      expect(answer.status).toBe(200);
      const m = answer.body.months.find((x: { month: string }) => x.month === month);
      note(facts, 'active|all', m.activeStudents.total);
      for (const s of m.activeStudents.schools) note(facts, `active|${s.schoolId}`, s.students);
      if (!filter.includes('workId') && !filter.includes('subject')) note(facts, 'works', m.works.map((w: { workId: string }) => w.workId).join(' '));
      for (const w of m.works) {
        for (const k of MEASURES) note(facts, `work|${w.workId}|all|${k}`, w[k]);
        for (const s of w.schools) for (const k of MEASURES) note(facts, `work|${w.workId}|${s.schoolId}|${k}`, s[k]);
      }
      const csv = await get(host, `/api/stats/municipality/usage.csv?from=${from}&to=${to}${filter}`, token);
      for (const line of csv.text.trim().split('\r\n').slice(1)) {
        const [lineMonth, workId, , schoolId, ...figures] = line.split(',');
        if (lineMonth !== month) continue;
        const value = (i: number) => (figures[i] === '' ? null : Number(figures[i]));
        if (!workId) note(facts, `active|${schoolId}`, value(0));
        else for (const [i, k] of MEASURES.entries()) note(facts, `work|${workId}|${schoolId}|${k}`, value(i));
      }
    }
  const publisherToken = await tokenOf(host, demo.accounts.cmsAuthor);
  for (const [from, to] of periods)
    for (const filter of ['', `&workId=${MATH}`]) {
      const answer = await get(host, `/api/stats/publishers/${demo.publishers.ee}/usage?from=${from}&to=${to}${filter}`, publisherToken);
      const m = answer.body.months.find((x: { month: string }) => x.month === month);
      note(facts, 'publisher|works', m.works.map((w: { workId: string }) => w.workId).join(' '));
      for (const w of m.works) {
        for (const k of MEASURES) note(facts, `publisher|${w.workId}|${k}`, w[k]);
        note(facts, `publisher|${w.workId}|chapters`, w.chapters.map((c: { chapterId: string }) => c.chapterId).join(' '));
        for (const c of w.chapters) for (const k of CHAPTER_MEASURES) note(facts, `publisher|${w.workId}|${c.chapterId}|${k}`, c[k]);
        noteExercises(facts, 'publisher', w);
      }
      const csv = await get(host, `/api/stats/publishers/${demo.publishers.ee}/usage.csv?from=${from}&to=${to}${filter}`, publisherToken);
      for (const line of csv.text.trim().split('\r\n').slice(1)) {
        const [lineMonth, workId, chapterId, exerciseId, ...figures] = line.split(',');
        if (lineMonth !== month) continue;
        const key = `publisher|${workId}${chapterId ? `|${chapterId}` : ''}${exerciseId ? `|x|${exerciseId}` : ''}`;
        noteCsvFigures(facts, key, figures, exerciseId ? 'exercise' : chapterId ? 'chapter' : 'work');
      }
    }
  const ministryToken = await tokenOf(host, demo.accounts.operatorAdmin);
  for (const [from, to] of periods) {
    const answer = await get(host, `/api/ops/stats/national?from=${from}&to=${to}`, ministryToken);
    const m = answer.body.months.find((x: { month: string }) => x.month === month);
    note(facts, 'national|works', m.works.map((w: { workId: string }) => w.workId).join(' '));
    for (const w of m.works) {
      for (const k of MEASURES) note(facts, `national|${w.workId}|${k}`, w[k]);
      noteExercises(facts, 'national', w);
    }
    const ee = m.countries.find((c: { country: string }) => c.country === 'EE');
    note(facts, 'region|total', ee ? ee.total : null);
    for (const r of ee?.regions ?? []) note(facts, `region|${r.region}`, r.students);
    const csv = await get(host, `/api/ops/stats/national.csv?from=${from}&to=${to}`, ministryToken);
    for (const line of csv.text.trim().split('\r\n').slice(1)) {
      const [lineMonth, level, workId, chapterId, exerciseId, country, region, ...figures] = line.split(',');
      if (lineMonth !== month) continue;
      if (level === 'country') note(facts, 'region|total', figures[0] === '' ? null : Number(figures[0]));
      else if (level === 'region') note(facts, `region|${region}`, figures[0] === '' ? null : Number(figures[0]));
      else {
        const key = `national|${workId}${chapterId ? `|${chapterId}` : ''}${exerciseId ? `|x|${exerciseId}` : ''}`;
        noteCsvFigures(facts, key, figures, level as 'work' | 'chapter' | 'exercise');
      }
      expect(country === '' || country === 'EE').toBe(true);
    }
  }
  return facts;
}

/** A work's exercises as the adversary sees them: which are listed, and each one's students and answers. */
function noteExercises(facts: Facts, prefix: string, w: { workId: string; exercises: { exerciseId: string; students: number; answers: number }[] }) {
  note(facts, `${prefix}|${w.workId}|exercises`, w.exercises.map((e) => e.exerciseId).join(' '));
  for (const e of w.exercises) {
    note(facts, `${prefix}|${w.workId}|x|${e.exerciseId}|students`, e.students);
    note(facts, `${prefix}|${w.workId}|x|${e.exerciseId}|answers`, e.answers);
  }
}

/** A CSV row's figures (students, seconds, views, interactions, tasksDone) under the keys the JSON answers noted. */
function noteCsvFigures(facts: Facts, key: string, figures: string[], level: 'work' | 'chapter' | 'exercise') {
  const value = (i: number) => (figures[i] === '' ? null : Number(figures[i]));
  if (level === 'exercise') {
    note(facts, `${key}|students`, value(0));
    note(facts, `${key}|answers`, value(4));
    return;
  }
  for (const [i, k] of MEASURES.entries()) if (level === 'work' || k !== 'tasksDone') note(facts, `${key}|${k}`, value(i));
}

/**
 * What the API would answer in a world with these counts, by the published rules (README "Statistics"); with
 * `suppressed: false`, what it would answer without suppression. Each doer made one view of 60 s and one interaction.
 */
function predict(counts: Counts, suppressed = true): Facts {
  const facts: Facts = new Map();
  const ids = SIZES.map((s) => schools[s].schoolId);
  const people = SIZES.map((s) => counts[s]);
  const population = [...SIZES];
  const hide = suppressed ? suppress : (t: { people: number[][] }) => plain(t.people);
  const active = hide({ rows: ids, cols: ['any'], people: people.map((p) => [p]), population });
  facts.set('active|all', active.total);
  ids.forEach((id, r) => facts.set(`active|${id}`, active.cells[r]![0]!));
  const total = people.reduce((a, b) => a + b, 0);
  const listed = total > 0 && (!suppressed || suppress({ rows: ['all'], cols: ['all'], people: [[total]], population: [39] }).total !== null);
  facts.set('works', listed ? MATH : '');
  const measures = (prefix: string, students: number | null) => {
    facts.set(`${prefix}|students`, students);
    facts.set(`${prefix}|seconds`, students === null ? null : students * 60);
    facts.set(`${prefix}|views`, students);
    facts.set(`${prefix}|interactions`, students);
    facts.set(`${prefix}|tasksDone`, students);
  };
  // Each doer submitted one task of two exercises: one listed table of two exercises, both of the work's doers.
  const exercises = (prefix: string, students: number) => {
    facts.set(`${prefix}|${MATH}|exercises`, TASK_EXERCISES.join(' '));
    for (const e of TASK_EXERCISES) {
      facts.set(`${prefix}|${MATH}|x|${e}|students`, students);
      facts.set(`${prefix}|${MATH}|x|${e}|answers`, students);
    }
  };
  if (listed) {
    const table = hide({ rows: ids, cols: [MATH], people: people.map((p) => [p]), population });
    measures(`work|${MATH}|all`, table.colTotals[0]!);
    ids.forEach((id, r) => measures(`work|${MATH}|${id}`, table.cells[r]![0]!));
  }
  const shownNationally = total > 0 && (!suppressed || suppress({ rows: [MATH], cols: ['any'], people: [[total]] }).cells[0]![0] !== null);
  facts.set('publisher|works', shownNationally ? MATH : '');
  if (shownNationally) {
    measures(`publisher|${MATH}`, total);
    facts.set(`publisher|${MATH}|chapters`, 'ch-1');
    measures(`publisher|${MATH}|ch-1`, total);
    facts.delete(`publisher|${MATH}|ch-1|tasksDone`);
    exercises('publisher', total);
  }
  // The ministry's export: the same works over all publishers, and Riskivald as a region (when anyone was active).
  facts.set('national|works', shownNationally ? MATH : '');
  if (shownNationally) {
    for (const k of MEASURES) facts.set(`national|${MATH}|${k}`, facts.get(`publisher|${MATH}|${k}`)!);
    for (const k of CHAPTER_MEASURES) facts.set(`national|${MATH}|ch-1|${k}`, facts.get(`publisher|${MATH}|ch-1|${k}`)!);
    exercises('national', total);
  }
  const region = total > 0 ? hide({ rows: ['Riskivald'], cols: ['any'], people: [[total]] }) : undefined;
  facts.set('region|total', region ? region.total : null);
  if (region) facts.set('region|Riskivald', region.cells[0]![0]!);
  return facts;
}

function plain(people: number[][]) {
  const rowTotals = people.map((row) => row.reduce((a, b) => a + b, 0));
  const colTotals = (people[0] ?? []).map((_, c) => people.reduce((a, row) => a + row[c]!, 0));
  return { cells: people, rowTotals, colTotals, total: rowTotals.reduce((a, b) => a + b, 0) };
}

const same = (a: Facts, b: Facts) => a.size === b.size && [...a].every(([k, v]) => b.has(k) && b.get(k) === v);

/** Every world the adversary cannot rule out; what it says of the named student of class `size`. */
function worldsLeft(observed: Facts, size: Size, suppressed = true) {
  const left: Counts[] = [];
  for (let c4 = 0; c4 <= 4; c4++)
    for (let c5 = 0; c5 <= 5; c5++)
      for (let c30 = 0; c30 <= 30; c30++) {
        const counts = { 4: c4, 5: c5, 30: c30 };
        if (same(predict(counts, suppressed), observed)) left.push(counts);
      }
  // The named student may have done it if some world has a doer in the class; may not have, if some world has a non-doer.
  return { left, mayHave: left.some((w) => w[size] >= 1), mayNotHave: left.some((w) => w[size] <= size - 1) };
}

describe('re-identification (STAT-1, STAT-2)', () => {
  // The brief's wording: whether one named student did a task in a class of 4, 5 and 30; one test per world.
  for (const [i, world] of worlds.entries())
    it(`STAT-1, STAT-2: the adversary never learns whether the named student did the task (${world.name})`, { timeout: 300_000 }, async () => {
      const counts: Counts = { 4: BASELINE[4].length, 5: BASELINE[5].length, 30: BASELINE[30].length, [world.size]: world.doers.length };
      const observed = await observe(monthOf[i]!, i);
      const { left, mayHave, mayNotHave } = worldsLeft(observed, world.size);
      // The adversary's replay of the rules is right: the true world is among those left.
      expect(left).toContainEqual(counts);
      expect({ mayHave, mayNotHave }).toEqual({ mayHave: true, mayNotHave: true });
    });

  it('STAT-1: the same adversary learns it from the figures without suppression (the test can fail)', () => {
    for (const world of worlds) {
      const counts: Counts = { 4: BASELINE[4].length, 5: BASELINE[5].length, 30: BASELINE[30].length, [world.size]: world.doers.length };
      const { mayHave, mayNotHave } = worldsLeft(predict(counts, false), world.size, false);
      const everyoneOrNobody = world.doers.length === 0 || world.doers.length === world.size;
      expect(mayHave && mayNotHave, world.name).toBe(!everyoneOrNobody);
    }
  });
});
