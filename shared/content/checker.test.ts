import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isAppError } from '../platform/errors.js';
import { checkAnswer, normaliseText, parseNumber } from './checker.js';
import { exampleExercises as ex, exampleWorkContent } from './fixtures.js';
import { type Answer, type Exercise, exerciseSchema, workContentSchema } from './model.js';
import { studentView } from './student-view.js';

/** The answer the key describes: always full marks (open answers excepted: the teacher checks them). */
function keyAnswer(exercise: Exercise): Answer {
  switch (exercise.kind) {
    case 'single':
      return { kind: 'single', choice: exercise.key.correct };
    case 'multiple':
      return { kind: 'multiple', choices: [...exercise.key.correct] };
    case 'text':
      return { kind: 'text', text: exercise.key.accepted[0]! };
    case 'numeric':
      return { kind: 'numeric', value: exercise.key.value };
    case 'matching':
      return { kind: 'matching', pairs: exercise.key.pairs.map((p) => ({ ...p })) };
    case 'ordering':
      return { kind: 'ordering', order: [...exercise.key.order] };
    case 'open':
      return { kind: 'open', text: 'Minu vastus.' };
  }
}

describe('checkAnswer per kind (LRN-3)', () => {
  it('LRN-3: single choice scores all or nothing and names the wrong choice, not the right one', () => {
    expect(checkAnswer(ex.single, { kind: 'single', choice: 'b' })).toMatchObject({ score: 1, maxScore: 1, correct: true });
    const wrong = checkAnswer(ex.single, { kind: 'single', choice: 'a' });
    expect(wrong).toMatchObject({ score: 0, correct: false, feedback: [{ code: 'wrong_choice', part: 'a' }] });
    expect(JSON.stringify(wrong)).not.toContain('"b"');
    expect(checkAnswer(ex.single, { kind: 'single', choice: 'zz' }).feedback[0]?.code).toBe('unknown_choice');
  });

  it('LRN-3: multiple choice gives partial credit: (right chosen - wrong chosen) / right, never below 0', () => {
    expect(checkAnswer(ex.multiple, { kind: 'multiple', choices: ['a', 'c'] })).toMatchObject({ score: 2, correct: true });
    expect(checkAnswer(ex.multiple, { kind: 'multiple', choices: ['a'] })).toMatchObject({
      score: 1,
      correct: false,
      feedback: [{ code: 'missing_choices' }],
    });
    expect(checkAnswer(ex.multiple, { kind: 'multiple', choices: ['a', 'b'] })).toMatchObject({ score: 0, correct: false });
    // Ticking every box is no strategy: 2 right - 2 wrong = 0.
    expect(checkAnswer(ex.multiple, { kind: 'multiple', choices: ['a', 'b', 'c', 'd'] }).score).toBe(0);
    expect(checkAnswer(ex.multiple, { kind: 'multiple', choices: ['a', 'c', 'a'] }).score).toBe(2);
    expect(checkAnswer(ex.multiple, { kind: 'multiple', choices: [] }).feedback[0]?.code).toBe('no_answer');
  });

  it('LRN-3: short text ignores case and whitespace, but õ/ä/ö/ü are letters of their own (with a hint)', () => {
    for (const text of ['sõda', '  SÕDA ', 'Sõda\n', 's\u006f\u0303da' /* decomposed õ */])
      expect(checkAnswer(ex.text, { kind: 'text', text }), text).toMatchObject({ score: 1, correct: true });
    expect(checkAnswer(ex.text, { kind: 'text', text: 'soda' })).toMatchObject({ score: 0, feedback: [{ code: 'check_diacritics' }] });
    expect(checkAnswer(ex.text, { kind: 'text', text: 'rahu' })).toMatchObject({ score: 0, feedback: [{ code: 'not_accepted' }] });
    expect(normaliseText('  Tere   \t  hommikust ')).toBe('tere hommikust');
    const multiWord = { ...ex.text, key: { accepted: ['Tere hommikust'] } };
    expect(checkAnswer(multiWord, { kind: 'text', text: 'tere   HOMMIKUST' }).correct).toBe(true);
  });

  it('LRN-3: numeric accepts a decimal comma and an absolute tolerance', () => {
    for (const value of ['3,5', '3.5', ' 3,50 ', 3.5, '3,509', 3.491])
      expect(checkAnswer(ex.numeric, { kind: 'numeric', value }).correct, String(value)).toBe(true);
    for (const value of ['3,52', 4, '-3,5']) expect(checkAnswer(ex.numeric, { kind: 'numeric', value }).correct, String(value)).toBe(false);
    expect(checkAnswer(ex.numeric, { kind: 'numeric', value: 'kolm' }).feedback[0]?.code).toBe('not_a_number');
    expect(parseNumber('1 000,5')).toBe(1000.5);
    expect(parseNumber('\u22122,5')).toBe(-2.5);
    expect(parseNumber('1,000.5')).toBeUndefined();
    expect(parseNumber('1e3')).toBeUndefined();
    const exact = { ...ex.numeric, key: { value: 0.3, tolerance: 0 } };
    expect(checkAnswer(exact, { kind: 'numeric', value: 0.1 + 0.2 }).correct).toBe(true);
  });

  it('LRN-3: matching scores per right pair and names the left items that are wrong or unpaired', () => {
    const result = checkAnswer(ex.matching, {
      kind: 'matching',
      pairs: [
        { left: 'ee', right: 'tln' },
        { left: 'fi', right: 'rig' },
      ],
    });
    expect(result.score).toBe(1);
    expect(result.feedback).toEqual([
      expect.objectContaining({ code: 'wrong_pair', part: 'fi' }),
      expect.objectContaining({ code: 'missing_pair', part: 'lv' }),
    ]);
    // A left item paired twice counts once, by its first pair.
    expect(
      checkAnswer(ex.matching, {
        kind: 'matching',
        pairs: [
          { left: 'ee', right: 'hki' },
          { left: 'ee', right: 'tln' },
        ],
      }).score,
    ).toBe(0);
  });

  it('LRN-3: ordering scores per item in its right position', () => {
    expect(checkAnswer(ex.ordering, { kind: 'ordering', order: ['one', 'two', 'four', 'three'] })).toMatchObject({ score: 1, correct: false });
    expect(checkAnswer(ex.ordering, { kind: 'ordering', order: ['one', 'two', 'three', 'four'] })).toMatchObject({ score: 2, correct: true });
    expect(checkAnswer(ex.ordering, { kind: 'ordering', order: ['one', 'one', 'one', 'one', 'one'] }).score).toBe(0.5);
  });

  it('LRN-3: open answers wait for the teacher', () => {
    expect(checkAnswer(ex.open, { kind: 'open', text: 'Pythagoras, sest…' })).toMatchObject({
      score: 0,
      maxScore: 5,
      correct: 'pending',
      feedback: [{ code: 'awaiting_teacher' }],
    });
  });

  it('LRN-3: an answer of another kind is refused with answer_kind_mismatch', () => {
    let caught: unknown;
    try {
      checkAnswer(ex.single, { kind: 'text', text: 'b' });
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught, 'answer_kind_mismatch')).toBe(true);
  });

  it('LRN-3: feedback is in et, fi and en', () => {
    for (const item of checkAnswer(ex.text, { kind: 'text', text: 'soda' }).feedback)
      expect(Object.keys(item.text).sort()).toEqual(['en', 'et', 'fi']);
    expect(checkAnswer(ex.multiple, { kind: 'multiple', choices: ['a'] }).feedback.at(-1)?.text.en).toBe('Right choices still missing: 1.');
  });
});

describe('checkAnswer properties (LRN-3)', () => {
  const exercises = Object.values(ex) as Exercise[];
  const id = fc.constantFrom('a', 'b', 'c', 'd', 'ee', 'fi', 'lv', 'tln', 'hki', 'rig', 'vil', 'one', 'two', 'three', 'four', 'zz');
  const answer = fc.oneof(
    fc.record({ kind: fc.constant('single' as const), choice: id }),
    fc.record({ kind: fc.constant('multiple' as const), choices: fc.array(id, { maxLength: 8 }) }),
    fc.record({ kind: fc.constant('text' as const), text: fc.string({ maxLength: 20 }) }),
    fc.record({
      kind: fc.constant('numeric' as const),
      value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 10 })),
    }),
    fc.record({ kind: fc.constant('matching' as const), pairs: fc.array(fc.record({ left: id, right: id }), { maxLength: 8 }) }),
    fc.record({ kind: fc.constant('ordering' as const), order: fc.array(id, { maxLength: 8 }) }),
    fc.record({ kind: fc.constant('open' as const), text: fc.string({ maxLength: 20 }) }),
  );

  it('LRN-3: every score is within [0, maxScore], correct exactly when the score is the maximum', () => {
    fc.assert(
      fc.property(fc.constantFrom(...exercises), answer, (exercise, given) => {
        fc.pre(given.kind === exercise.kind);
        const r = checkAnswer(exercise, given);
        expect(r.maxScore).toBe(exercise.points);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(r.maxScore);
        if (r.correct !== 'pending') expect(r.correct).toBe(r.score === r.maxScore);
        expect(r.feedback.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  /** Random valid exercises of every kind with random points and keys. */
  const choices = (prefix: string) =>
    fc.integer({ min: 2, max: 8 }).map((n) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, text: `${prefix} ${i}` })));
  const points = fc.double({ min: 0.5, max: 100, noNaN: true });
  const exercise: fc.Arbitrary<Exercise> = fc.oneof(
    fc
      .tuple(choices('c'), points, fc.nat())
      .map(([cs, p, n]) => ({ kind: 'single' as const, id: 'x', prompt: 'q', points: p, choices: cs, key: { correct: cs[n % cs.length]!.id } })),
    fc.tuple(choices('c'), points, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 })).map(([cs, p, picks]) => {
      const correct = cs.filter((_, i) => picks[i]).map((c) => c.id);
      return { kind: 'multiple' as const, id: 'x', prompt: 'q', points: p, choices: cs, key: { correct: correct.length ? correct : [cs[0]!.id] } };
    }),
    fc
      .tuple(
        fc.array(
          fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== ''),
          { minLength: 1, maxLength: 3 },
        ),
        points,
      )
      .map(([accepted, p]) => ({ kind: 'text' as const, id: 'x', prompt: 'q', points: p, key: { accepted } })),
    fc
      .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), points)
      .map(([value, tolerance, p]) => ({ kind: 'numeric' as const, id: 'x', prompt: 'q', points: p, key: { value, tolerance } })),
    fc.tuple(choices('l'), choices('r'), points, fc.array(fc.nat(), { minLength: 8, maxLength: 8 })).map(([left, right, p, picks]) => ({
      kind: 'matching' as const,
      id: 'x',
      prompt: 'q',
      points: p,
      left,
      right,
      key: { pairs: left.map((l, i) => ({ left: l.id, right: right[picks[i]! % right.length]!.id })) },
    })),
    fc.tuple(choices('i'), points).chain(([items, p]) =>
      fc
        .shuffledSubarray(
          items.map((i) => i.id),
          { minLength: items.length, maxLength: items.length },
        )
        .map((order) => ({ kind: 'ordering' as const, id: 'x', prompt: 'q', points: p, items, key: { order } })),
    ),
  );

  it('LRN-3: the key answer always scores the maximum, and generated exercises are valid content', () => {
    fc.assert(
      fc.property(exercise, (e) => {
        expect(exerciseSchema.safeParse(e).success).toBe(true);
        const r = checkAnswer(e, keyAnswer(e));
        expect(r).toMatchObject({ score: e.points, maxScore: e.points, correct: true });
      }),
      { numRuns: 1000 },
    );
  });

  it('LRN-3: swapping two items of an ordering costs at least those two positions', () => {
    fc.assert(
      fc.property(exercise, fc.nat(), (e, seed) => {
        if (e.kind !== 'ordering') return;
        const order = [...e.key.order];
        const i = seed % order.length;
        const j = (i + 1) % order.length;
        [order[i], order[j]] = [order[j]!, order[i]!];
        const r = checkAnswer(e, { kind: 'ordering', order });
        expect(r.correct).toBe(false);
        expect(r.score).toBeLessThanOrEqual(e.points * ((order.length - 2) / order.length) + 1e-9);
      }),
    );
  });
});

describe('content validation and the student view', () => {
  it('LRN-3: the example work is valid and ids must be unique in the work', () => {
    const content = exampleWorkContent();
    expect(workContentSchema.safeParse(content).success).toBe(true);
    const twice = structuredClone(content);
    twice.chapters[1]!.id = 'ch-1';
    expect(workContentSchema.safeParse(twice).success).toBe(false);
  });

  it('LRN-3: a key that does not fit its kind is refused', () => {
    expect(exerciseSchema.safeParse({ ...ex.single, key: { correct: 'zz' } }).success).toBe(false);
    expect(exerciseSchema.safeParse({ ...ex.multiple, key: { correct: ['a', 'q'] } }).success).toBe(false);
    expect(exerciseSchema.safeParse({ ...ex.ordering, key: { order: ['one', 'two', 'three'] } }).success).toBe(false);
    expect(exerciseSchema.safeParse({ ...ex.matching, key: { pairs: [{ left: 'ee', right: 'tln' }] } }).success).toBe(false);
    expect(exerciseSchema.safeParse({ ...ex.numeric, key: { value: 1, tolerance: -1 } }).success).toBe(false);
    expect(exerciseSchema.safeParse({ ...ex.text, key: { accepted: [] } }).success).toBe(false);
    const { points: _points, ...noPoints } = ex.single;
    expect(exerciseSchema.safeParse(noPoints).success).toBe(false);
  });

  it('LRN-3: the student view holds no key: no key field, no accepted answer, no teacher guidance', () => {
    const content = exampleWorkContent();
    const view = studentView({
      ...content,
      workId: 'pub.x',
      publisherId: 'pub',
      versionNo: 1,
      publishedAt: '2026-01-01T00:00:00Z',
      publishedBy: { accountId: 'acc-x', role: 'editor' },
    });
    const json = JSON.stringify(view);
    expect(json).not.toContain('"key"');
    for (const secret of ['sõda', '3.5', 'Hinda põhjendust', 'acc-x']) expect(json).not.toContain(secret);
    const ordering = view.chapters[1]!.pages[0]!.blocks.find((b) => b.kind === 'exercise' && b.exercise.kind === 'ordering');
    expect(ordering?.kind === 'exercise' && ordering.exercise.kind === 'ordering' && ordering.exercise.items.map((i) => i.id)).not.toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
    expect(
      studentView(
        { ...content, workId: 'pub.x', publisherId: 'pub', versionNo: 1, publishedAt: '', publishedBy: { accountId: 'a', role: 'editor' } },
        'ch-2',
      ).chapters.map((c) => c.id),
    ).toEqual(['ch-2']);
  });
});
