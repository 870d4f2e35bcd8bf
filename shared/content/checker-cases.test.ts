import { describe, expect, it } from 'vitest';

import { AppError } from '../platform/errors.js';
import { checkAnswer, type Feedback, parseNumber } from './checker.js';
import { exampleExercises as ex } from './fixtures.js';
import type { Exercise } from './model.js';

/** Feedback as code and part only (the texts are checked once, below). */
const parts = (feedback: Feedback[]) => feedback.map((f) => (f.part === undefined ? { code: f.code } : { code: f.code, part: f.part }));

describe('checkAnswer: exact scores, partial credit and feedback (LRN-3)', () => {
  it('LRN-3: multiple choice: an unknown choice counts as a wrong one and is named; missing choices only when some are', () => {
    // 2 right - 1 unknown = 1 of 2 right: half the points.
    const unknown = checkAnswer(ex.multiple, { kind: 'multiple', choices: ['a', 'c', 'zz'] });
    expect(unknown).toMatchObject({ score: 1, maxScore: 2, correct: false });
    expect(parts(unknown.feedback)).toEqual([{ code: 'unknown_choice', part: 'zz' }]);
    // Every right choice plus a wrong one: only the wrong one is named, nothing is "still missing".
    const extra = checkAnswer(ex.multiple, { kind: 'multiple', choices: ['a', 'c', 'b'] });
    expect(extra).toMatchObject({ score: 1, correct: false });
    expect(parts(extra.feedback)).toEqual([{ code: 'wrong_choice', part: 'b' }]);
    const some = checkAnswer(ex.multiple, { kind: 'multiple', choices: ['d', 'a'] });
    expect(some.score).toBe(0);
    expect(parts(some.feedback)).toEqual([{ code: 'wrong_choice', part: 'd' }, { code: 'missing_choices' }]);
    // Three right of four, one wrong: 5 points x 2/3 = 3.333… rounds down to 3.33.
    const three = { ...ex.multiple, points: 5, key: { correct: ['a', 'b', 'c'] } } satisfies Exercise;
    expect(checkAnswer(three, { kind: 'multiple', choices: ['a', 'b', 'c', 'd'] }).score).toBe(3.33);
    expect(checkAnswer(three, { kind: 'multiple', choices: ['a', 'b'] }).score).toBe(3.33);
    expect(checkAnswer(three, { kind: 'multiple', choices: ['a'] }).score).toBe(1.66);
  });

  it('LRN-3: the feedback of a full score is "correct" with no part', () => {
    const [only, ...rest] = checkAnswer(ex.single, { kind: 'single', choice: 'b' }).feedback;
    expect(rest).toEqual([]);
    expect(Object.keys(only!).sort()).toEqual(['code', 'text']);
    expect(only!.code).toBe('correct');
  });

  it('LRN-3: text: a blank answer is no answer; diacritics hint against any accepted answer', () => {
    for (const text of ['', '   \n\t'])
      expect(checkAnswer(ex.text, { kind: 'text', text })).toMatchObject({ score: 0, correct: false, feedback: [{ code: 'no_answer' }] });
    const two = { ...ex.text, key: { accepted: ['sõda', 'tüli'] } } satisfies Exercise;
    expect(checkAnswer(two, { kind: 'text', text: 'TULI' })).toMatchObject({ score: 0, feedback: [{ code: 'check_diacritics' }] });
    expect(checkAnswer(two, { kind: 'text', text: 'Tüli' })).toMatchObject({ score: 1, correct: true });
    expect(checkAnswer(two, { kind: 'text', text: 'tuul' }).feedback[0]?.code).toBe('not_accepted');
    // NFC: a precomposed answer matches a decomposed key.
    const decomposed = { ...ex.text, key: { accepted: ['ta\u0308ma\u0308'] } } satisfies Exercise;
    expect(checkAnswer(decomposed, { kind: 'text', text: 'TÄMÄ' }).correct).toBe(true);
  });

  it('LRN-3: numeric: integers, leading decimal separators, digit groups; a blank answer is no answer', () => {
    expect(parseNumber('3')).toBe(3);
    expect(parseNumber('-12')).toBe(-12);
    expect(parseNumber(',5')).toBe(0.5);
    expect(parseNumber('.25')).toBe(0.25);
    expect(parseNumber(',125')).toBe(0.125);
    expect(parseNumber('12 345 678,9')).toBe(12345678.9);
    expect(parseNumber('1\u00a0000')).toBe(1000);
    expect(parseNumber(',')).toBeUndefined();
    expect(parseNumber(',x')).toBeUndefined();
    expect(parseNumber('x5')).toBeUndefined();
    expect(parseNumber(Number.POSITIVE_INFINITY)).toBeUndefined();
    const whole = { ...ex.numeric, key: { value: 4, tolerance: 0 } } satisfies Exercise;
    expect(checkAnswer(whole, { kind: 'numeric', value: '4' }).correct).toBe(true);
    for (const value of ['', '   '])
      expect(checkAnswer(ex.numeric, { kind: 'numeric', value })).toMatchObject({ score: 0, correct: false, feedback: [{ code: 'no_answer' }] });
    expect(checkAnswer(ex.numeric, { kind: 'numeric', value: 'kolm' }).feedback[0]?.code).toBe('not_a_number');
    expect(checkAnswer(ex.numeric, { kind: 'numeric', value: Number.POSITIVE_INFINITY }).feedback[0]?.code).toBe('not_a_number');
    expect(checkAnswer(ex.numeric, { kind: 'numeric', value: '3,6' })).toMatchObject({ score: 0, feedback: [{ code: 'out_of_tolerance' }] });
  });

  it('LRN-3: numeric: exactly at the tolerance is right, just past it is wrong, also for large numbers', () => {
    const half = { ...ex.numeric, key: { value: 3.5, tolerance: 0.5 } } satisfies Exercise;
    for (const value of ['3', '4', 3, 4]) expect(checkAnswer(half, { kind: 'numeric', value }).correct, String(value)).toBe(true);
    for (const value of ['2,99', '4,01']) expect(checkAnswer(half, { kind: 'numeric', value }).correct, value).toBe(false);
    // A wide tolerance, typed with digit groups: 20 000 000 is exactly at it.
    const wide = { ...ex.numeric, key: { value: 0, tolerance: 2e7 } } satisfies Exercise;
    expect(checkAnswer(wide, { kind: 'numeric', value: '20 000 000' }).correct).toBe(true);
    expect(checkAnswer(wide, { kind: 'numeric', value: '-20 000 000' }).correct).toBe(true);
    expect(checkAnswer(wide, { kind: 'numeric', value: '20 000 001' }).correct).toBe(false);
    // 123 456 789,2 is 0,1 from the key; in binary the difference is 0.100000009, which still counts as at the tolerance.
    const large = { ...ex.numeric, key: { value: 123456789.1, tolerance: 0.1 } } satisfies Exercise;
    expect(checkAnswer(large, { kind: 'numeric', value: '123 456 789,2' }).correct).toBe(true);
    expect(checkAnswer(large, { kind: 'numeric', value: '123 456 789,3' }).correct).toBe(false);
    // The slack for binary fractions is a few units in the last place, not a share of the key (a bug found here).
    const million = { ...ex.numeric, key: { value: 1_000_000, tolerance: 0 } } satisfies Exercise;
    expect(checkAnswer(million, { kind: 'numeric', value: '1 000 000' }).correct).toBe(true);
    expect(checkAnswer(million, { kind: 'numeric', value: '1 000 000,001' }).correct).toBe(false);
  });

  it('LRN-3: matching: points per right pair, rounded down to hundredths', () => {
    const r = checkAnswer(ex.matching, {
      kind: 'matching',
      pairs: [
        { left: 'ee', right: 'tln' },
        { left: 'fi', right: 'hki' },
        { left: 'lv', right: 'vil' },
      ],
    });
    expect(r).toMatchObject({ score: 2, maxScore: 3, correct: false });
    expect(parts(r.feedback)).toEqual([{ code: 'wrong_pair', part: 'lv' }]);
    const odd = { ...ex.matching, points: 1 } satisfies Exercise;
    expect(
      checkAnswer(odd, {
        kind: 'matching',
        pairs: [
          { left: 'ee', right: 'tln' },
          { left: 'fi', right: 'hki' },
        ],
      }).score,
    ).toBe(0.66);
    expect(checkAnswer(odd, { kind: 'matching', pairs: [] })).toMatchObject({
      score: 0,
      feedback: [
        { code: 'missing_pair', part: 'ee' },
        { code: 'missing_pair', part: 'fi' },
        { code: 'missing_pair', part: 'lv' },
      ],
    });
  });

  it("LRN-3: ordering: points per item in place; only the student's misplaced items are named", () => {
    const empty = checkAnswer(ex.ordering, { kind: 'ordering', order: [] });
    expect(empty).toMatchObject({ score: 0, correct: false });
    expect(parts(empty.feedback)).toEqual([{ code: 'no_answer' }]);
    const short = checkAnswer(ex.ordering, { kind: 'ordering', order: ['one', 'three'] });
    expect(short.score).toBe(0.5);
    expect(parts(short.feedback)).toEqual([{ code: 'wrong_position', part: 'three' }, { code: 'incomplete' }]);
    const swapped = checkAnswer(ex.ordering, { kind: 'ordering', order: ['two', 'one', 'three', 'four'] });
    expect(swapped.score).toBe(1);
    expect(parts(swapped.feedback)).toEqual([
      { code: 'wrong_position', part: 'two' },
      { code: 'wrong_position', part: 'one' },
    ]);
    const three = { ...ex.ordering, points: 1, items: ex.ordering.items.slice(0, 3), key: { order: ['one', 'two', 'three'] } } satisfies Exercise;
    expect(checkAnswer(three, { kind: 'ordering', order: ['one', 'three', 'two'] }).score).toBe(0.33);
  });

  it('LRN-3: open: a blank answer is no answer (not pending); any other scores 0 until the teacher grades it', () => {
    for (const text of ['', '  \n '])
      expect(checkAnswer(ex.open, { kind: 'open', text })).toEqual({
        score: 0,
        maxScore: 5,
        correct: false,
        feedback: [expect.objectContaining({ code: 'no_answer' })],
      });
    expect(checkAnswer(ex.open, { kind: 'open', text: 'x' })).toMatchObject({ score: 0, maxScore: 5, correct: 'pending' });
  });

  it('LRN-3: an answer of another kind names the exercise kind in the error', () => {
    expect(() => checkAnswer(ex.numeric, { kind: 'text', text: '3' })).toThrow(AppError);
    try {
      checkAnswer(ex.numeric, { kind: 'text', text: '3' });
    } catch (error) {
      expect((error as AppError).params).toEqual({ kind: 'numeric' });
    }
  });

  it('LRN-3: feedback texts in et, fi and en, never the key', () => {
    const texts = (e: Exercise, a: Parameters<typeof checkAnswer>[1]) => checkAnswer(e, a).feedback.map((f) => [f.code, f.text]);
    const seen = Object.fromEntries([
      ...texts(ex.single, { kind: 'single', choice: 'b' }),
      ...texts(ex.single, { kind: 'single', choice: 'a' }),
      ...texts(ex.single, { kind: 'single', choice: 'zz' }),
      ...texts(ex.multiple, { kind: 'multiple', choices: [] }),
      ...texts(ex.multiple, { kind: 'multiple', choices: ['b'] }),
      ...texts(ex.text, { kind: 'text', text: 'soda' }),
      ...texts(ex.text, { kind: 'text', text: 'rahu' }),
      ...texts(ex.numeric, { kind: 'numeric', value: 'kolm' }),
      ...texts(ex.numeric, { kind: 'numeric', value: '9' }),
      ...texts(ex.matching, { kind: 'matching', pairs: [{ left: 'ee', right: 'hki' }] }),
      ...texts(ex.ordering, { kind: 'ordering', order: ['two'] }),
      ...texts(ex.open, { kind: 'open', text: 'x' }),
    ]) as Record<string, unknown>;
    expect(seen).toEqual({
      correct: { et: 'Õige!', fi: 'Oikein!', en: 'Correct!' },
      no_answer: { et: 'Vastus puudub.', fi: 'Vastaus puuttuu.', en: 'There is no answer.' },
      wrong_choice: { et: 'See valik ei ole õige.', fi: 'Tämä vaihtoehto ei ole oikein.', en: 'This choice is not right.' },
      missing_choices: { et: 'Õigeid valikuid on veel: 2.', fi: 'Oikeita vaihtoehtoja puuttuu vielä: 2.', en: 'Right choices still missing: 2.' },
      unknown_choice: {
        et: 'Sellist valikut selles ülesandes ei ole.',
        fi: 'Tehtävässä ei ole tällaista vaihtoehtoa.',
        en: 'This exercise has no such choice.',
      },
      not_accepted: { et: 'See vastus ei ole õige.', fi: 'Vastaus ei ole oikein.', en: 'This answer is not right.' },
      check_diacritics: {
        et: 'Peaaegu: kontrolli täpitähti (õ, ä, ö, ü).',
        fi: 'Melkein: tarkista ä-, ö- ja å-kirjaimet.',
        en: 'Almost: check the letters with marks (õ, ä, ö, ü).',
      },
      not_a_number: {
        et: 'Kirjuta vastuseks arv, näiteks 3,5.',
        fi: 'Kirjoita vastaukseksi luku, esimerkiksi 3,5.',
        en: 'Write a number as the answer, for example 3.5.',
      },
      out_of_tolerance: { et: 'See arv ei ole õige.', fi: 'Luku ei ole oikein.', en: 'This number is not right.' },
      wrong_pair: { et: 'See paar ei ole õige.', fi: 'Tämä pari ei ole oikein.', en: 'This pair is not right.' },
      missing_pair: { et: 'Sellele on paariline valimata.', fi: 'Tälle ei ole valittu paria.', en: 'This has no pair chosen.' },
      incomplete: { et: 'Kõik osad ei ole veel paigas.', fi: 'Kaikki osat eivät ole vielä paikallaan.', en: 'Not every item has been placed yet.' },
      wrong_position: { et: 'See ei ole õigel kohal.', fi: 'Tämä ei ole oikealla paikalla.', en: 'This is not in its right place.' },
      awaiting_teacher: { et: 'Õpetaja vaatab vastuse üle.', fi: 'Opettaja tarkistaa vastauksen.', en: 'Your teacher will check this answer.' },
    });
    // Wrong answers name only the student's own parts: not the key's choices, answers, value or pairs.
    const wrong = JSON.stringify([
      checkAnswer(ex.multiple, { kind: 'multiple', choices: ['b'] }),
      checkAnswer(ex.text, { kind: 'text', text: 'soda' }),
      checkAnswer(ex.numeric, { kind: 'numeric', value: '9' }),
      checkAnswer(ex.matching, { kind: 'matching', pairs: [{ left: 'ee', right: 'hki' }] }),
    ]);
    for (const secret of ['"a"', '"c"', 'sõda', '3.5"', 'tln']) expect(wrong).not.toContain(secret);
  });
});
