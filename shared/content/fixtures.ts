import type { Exercise, WorkContent } from './model.js';

/** One exercise of every kind, with keys: the demo work (seed.ts) and the tests use them. */
export const exampleExercises = {
  single: {
    kind: 'single',
    id: 'ex-single',
    prompt: 'Mis on Eesti pealinn?',
    points: 1,
    choices: [
      { id: 'a', text: 'Tartu' },
      { id: 'b', text: 'Tallinn' },
      { id: 'c', text: 'Pärnu' },
    ],
    key: { correct: 'b' },
  },
  multiple: {
    kind: 'multiple',
    id: 'ex-multiple',
    prompt: 'Millised arvud on paarisarvud?',
    points: 2,
    choices: [
      { id: 'a', text: '2' },
      { id: 'b', text: '3' },
      { id: 'c', text: '4' },
      { id: 'd', text: '7' },
    ],
    key: { correct: ['a', 'c'] },
  },
  text: { kind: 'text', id: 'ex-text', prompt: 'Kuidas on eesti keeles "war"?', points: 1, key: { accepted: ['sõda'] } },
  numeric: { kind: 'numeric', id: 'ex-numeric', prompt: 'Kui palju on 7 : 2?', points: 1, unit: 'tk', key: { value: 3.5, tolerance: 0.01 } },
  matching: {
    kind: 'matching',
    id: 'ex-matching',
    prompt: 'Ühenda riik ja pealinn.',
    points: 3,
    left: [
      { id: 'ee', text: 'Eesti' },
      { id: 'fi', text: 'Soome' },
      { id: 'lv', text: 'Läti' },
    ],
    right: [
      { id: 'tln', text: 'Tallinn' },
      { id: 'hki', text: 'Helsingi' },
      { id: 'rig', text: 'Riia' },
      { id: 'vil', text: 'Vilnius' },
    ],
    key: {
      pairs: [
        { left: 'ee', right: 'tln' },
        { left: 'fi', right: 'hki' },
        { left: 'lv', right: 'rig' },
      ],
    },
  },
  ordering: {
    kind: 'ordering',
    id: 'ex-ordering',
    prompt: 'Järjesta arvud väiksemast suuremani.',
    points: 2,
    items: [
      { id: 'one', text: 'üks' },
      { id: 'two', text: 'kaks' },
      { id: 'three', text: 'kolm' },
      { id: 'four', text: 'neli' },
    ],
    key: { order: ['one', 'two', 'three', 'four'] },
  },
  open: { kind: 'open', id: 'ex-open', prompt: 'Kirjelda oma lemmikmatemaatikut.', points: 5, key: { guidance: 'Hinda põhjendust, mitte nime.' } },
} as const satisfies { [K in Exercise['kind']]: Extract<Exercise, { kind: K }> };

/** A small work with every exercise kind (Estonian). */
export function exampleWorkContent(title = 'Matemaatika 6. klassile'): WorkContent {
  const exercises = Object.values(exampleExercises) as Exercise[];
  return {
    title,
    language: 'et',
    chapters: [
      {
        id: 'ch-1',
        title: 'Arvud ja pealinnad',
        pages: [
          {
            id: 'p-1',
            title: 'Sissejuhatus',
            blocks: [
              { kind: 'heading', id: 'b-h1', text: 'Naturaalarvud' },
              { kind: 'text', id: 'b-t1', text: 'Naturaalarvud on arvud, millega loendame: üks, kaks, kolm. Koolis õpime neid liitma ja lahutama.' },
            ],
          },
          {
            id: 'p-2',
            title: 'Harjutused',
            blocks: exercises.slice(0, 4).map((exercise) => ({ kind: 'exercise', id: `b-${exercise.id}`, exercise })),
          },
        ],
      },
      {
        id: 'ch-2',
        title: 'Järjestamine',
        pages: [
          {
            id: 'p-3',
            title: 'Veel harjutusi',
            blocks: exercises.slice(4).map((exercise) => ({ kind: 'exercise', id: `b-${exercise.id}`, exercise })),
          },
        ],
      },
    ],
  };
}
