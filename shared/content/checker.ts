import { AppError } from '../platform/errors.js';
import type { Texts } from '../platform/language.js';
import type { Answer, AnswerOf, Exercise, ExerciseOf } from './model.js';

/**
 * Automatic checking (LRN-3). Rules, per kind (the points of an exercise are its maxScore):
 * - single: all points for the key's choice, else 0.
 * - multiple: partial credit, points x max(0, (right choices chosen - wrong choices chosen) / right choices), so
 *   ticking every box scores no more than the guesses it makes; all points only for exactly the key's choices.
 * - text: right when the answer equals an accepted answer after normalisation: Unicode NFC, outer whitespace trimmed,
 *   inner whitespace runs as one space, case ignored. Diacritics are significant: in Estonian and Finnish õ, ä, ö and
 *   ü are letters of their own (sõda ≠ soda, tämä ≠ tama), so an answer differing only in them is wrong, with
 *   feedback that asks the student to check those letters.
 * - numeric: right when |answer - value| <= tolerance (absolute); "3,5" and "3.5" are both 3.5 (decimal comma),
 *   spaces between digit groups are ignored, a text with both a comma and a point is not a number.
 * - matching: points x (right pairs / pairs of the key); each left item counts once (its first pair in the answer).
 * - ordering: points x (items in their right position / items).
 * - open: 0 of points, correct 'pending' until the teacher grades it.
 * Scores are rounded down to hundredths, so they never exceed maxScore. Feedback names the parts of the student's own
 * answer that are wrong (their own choice or item ids) and never what the key holds.
 */

export type FeedbackCode =
  | 'correct'
  | 'no_answer'
  | 'wrong_choice'
  | 'missing_choices'
  | 'unknown_choice'
  | 'not_accepted'
  | 'check_diacritics'
  | 'not_a_number'
  | 'out_of_tolerance'
  | 'wrong_pair'
  | 'missing_pair'
  | 'wrong_position'
  | 'incomplete'
  | 'awaiting_teacher';

export interface Feedback {
  code: FeedbackCode;
  /** The id of the student's own choice, left item or ordering item this is about (all shown in the student view). */
  part?: string;
  text: Texts;
}

export interface CheckResult {
  score: number;
  maxScore: number;
  /** True when the score is the maximum; 'pending' for open answers, which the teacher checks. */
  correct: boolean | 'pending';
  feedback: Feedback[];
}

const feedbackTexts: Record<FeedbackCode, Texts> = {
  correct: { et: 'Õige!', fi: 'Oikein!', en: 'Correct!' },
  no_answer: { et: 'Vastus puudub.', fi: 'Vastaus puuttuu.', en: 'There is no answer.' },
  wrong_choice: { et: 'See valik ei ole õige.', fi: 'Tämä vaihtoehto ei ole oikein.', en: 'This choice is not right.' },
  missing_choices: {
    et: 'Õigeid valikuid on veel: {count}.',
    fi: 'Oikeita vaihtoehtoja puuttuu vielä: {count}.',
    en: 'Right choices still missing: {count}.',
  },
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
};

function feedback(code: FeedbackCode, part?: string, params: Record<string, string | number> = {}): Feedback {
  const text = Object.fromEntries(
    Object.entries(feedbackTexts[code]).map(([language, t]) => [language, t.replace(/\{(\w+)\}/g, (m, name: string) => String(params[name] ?? m))]),
  ) as Texts;
  return part === undefined ? { code, text } : { code, part, text };
}

/** Rounds down to hundredths (a score never exceeds the points it is a share of). */
const hundredths = (x: number) => Math.floor(x * 100 + 1e-9) / 100;

function result(exercise: Exercise, share: number, details: Feedback[]): CheckResult {
  const maxScore = exercise.points;
  const score = share >= 1 ? maxScore : Math.min(maxScore, Math.max(0, hundredths(maxScore * share)));
  const correct = score === maxScore;
  return { score, maxScore, correct, feedback: correct ? [feedback('correct')] : details };
}

/** The normal form text answers are compared in (see the rules above): diacritics are kept. */
export function normaliseText(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

const withoutMarks = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');

/** A number typed by a student: decimal comma or point, spaces between digit groups, a minus sign; else undefined. */
export function parseNumber(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const compact = value
    .trim()
    .replace(/[\s\u00a0\u202f]/gu, '')
    .replace(/^\u2212/u, '-');
  if (!/^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/.test(compact)) return undefined;
  const parsed = Number(compact.replace(',', '.'));
  return Number.isFinite(parsed) ? parsed : undefined;
}

const checkers: { [K in Exercise['kind']]: (exercise: ExerciseOf<K>, answer: AnswerOf<K>) => CheckResult } = {
  single: (exercise, answer) => {
    if (!exercise.choices.some((c) => c.id === answer.choice)) return result(exercise, 0, [feedback('unknown_choice', answer.choice)]);
    return result(exercise, answer.choice === exercise.key.correct ? 1 : 0, [feedback('wrong_choice', answer.choice)]);
  },
  multiple: (exercise, answer) => {
    const chosen = [...new Set(answer.choices)];
    if (chosen.length === 0) return result(exercise, 0, [feedback('no_answer')]);
    const known = new Set(exercise.choices.map((c) => c.id));
    const right = new Set(exercise.key.correct);
    const details: Feedback[] = [];
    let hits = 0;
    let misses = 0;
    for (const id of chosen) {
      if (!known.has(id)) {
        misses += 1;
        details.push(feedback('unknown_choice', id));
      } else if (right.has(id)) hits += 1;
      else {
        misses += 1;
        details.push(feedback('wrong_choice', id));
      }
    }
    if (hits < right.size) details.push(feedback('missing_choices', undefined, { count: right.size - hits }));
    return result(exercise, Math.max(0, (hits - misses) / right.size), details);
  },
  text: (exercise, answer) => {
    const given = normaliseText(answer.text);
    if (given === '') return result(exercise, 0, [feedback('no_answer')]);
    const accepted = exercise.key.accepted.map(normaliseText);
    if (accepted.includes(given)) return result(exercise, 1, []);
    const nearly = accepted.some((a) => withoutMarks(a) === withoutMarks(given));
    return result(exercise, 0, [feedback(nearly ? 'check_diacritics' : 'not_accepted')]);
  },
  numeric: (exercise, answer) => {
    const value = parseNumber(answer.value);
    if (value === undefined)
      return result(exercise, 0, [feedback(typeof answer.value === 'string' && answer.value.trim() === '' ? 'no_answer' : 'not_a_number')]);
    const { value: expected, tolerance } = exercise.key;
    // A hair of slack for binary fractions (0.1 + 0.2 typed as 0,3 with tolerance 0): a few units in the last place of
    // the key, not a share of it (1e-9 x the key accepted 1 000 000,001 for a key of 1 000 000 with tolerance 0).
    const slack = 4 * Number.EPSILON * Math.max(1, Math.abs(expected));
    return result(exercise, Math.abs(value - expected) <= tolerance + slack ? 1 : 0, [feedback('out_of_tolerance')]);
  },
  matching: (exercise, answer) => {
    const given = new Map<string, string>();
    for (const pair of answer.pairs) if (!given.has(pair.left)) given.set(pair.left, pair.right);
    const details: Feedback[] = [];
    let right = 0;
    for (const pair of exercise.key.pairs) {
      const chosen = given.get(pair.left);
      if (chosen === pair.right) right += 1;
      else details.push(feedback(chosen === undefined ? 'missing_pair' : 'wrong_pair', pair.left));
    }
    return result(exercise, right / exercise.key.pairs.length, details);
  },
  ordering: (exercise, answer) => {
    if (answer.order.length === 0) return result(exercise, 0, [feedback('no_answer')]);
    const details: Feedback[] = [];
    let right = 0;
    exercise.key.order.forEach((id, position) => {
      const placed = answer.order[position];
      if (placed === id) right += 1;
      else if (placed !== undefined) details.push(feedback('wrong_position', placed));
    });
    if (answer.order.length < exercise.key.order.length) details.push(feedback('incomplete'));
    return result(exercise, right / exercise.key.order.length, details);
  },
  open: (exercise, answer) => {
    if (answer.text.trim() === '') return { score: 0, maxScore: exercise.points, correct: false, feedback: [feedback('no_answer')] };
    return { score: 0, maxScore: exercise.points, correct: 'pending', feedback: [feedback('awaiting_teacher')] };
  },
};

/**
 * Checks a student's answer against the exercise's key (LRN-3). An answer of another kind than the exercise is
 * refused with `answer_kind_mismatch` (a 400 at the HTTP edge).
 */
export function checkAnswer(exercise: Exercise, answer: Answer): CheckResult {
  if (exercise.kind !== answer.kind) throw new AppError('answer_kind_mismatch', { params: { kind: exercise.kind } });
  const check = checkers[exercise.kind] as (exercise: Exercise, answer: Answer) => CheckResult;
  return check(exercise, answer);
}
