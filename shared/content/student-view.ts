import { createHash } from 'node:crypto';

import type { Block, Chapter, Choice, Exercise, Page, WorkVersion } from './model.js';

/**
 * What a student's browser gets of a work: everything but the answer keys. `key` is the one field that holds them
 * (model.ts); ordering items and the right-hand side of matching are shuffled, because their stored order is the key
 * (or may follow it). The shuffle is fixed per exercise, so a page looks the same on every load.
 */
type WithoutKey<T> = T extends unknown ? Omit<T, 'key'> : never;
export type StudentExercise = WithoutKey<Exercise>;
type StudentBlock = Exclude<Block, { kind: 'exercise' }> | { kind: 'exercise'; id: string; exercise: StudentExercise };
interface StudentPage extends Omit<Page, 'blocks'> {
  blocks: StudentBlock[];
}
interface StudentChapter extends Omit<Chapter, 'pages'> {
  pages: StudentPage[];
}
export interface StudentWorkVersion extends Omit<WorkVersion, 'chapters' | 'publishedBy'> {
  chapters: StudentChapter[];
}

function shuffled(exerciseId: string, items: Choice[]): Choice[] {
  const rank = (c: Choice) => createHash('sha256').update(`${exerciseId}\u0000${c.id}`).digest('hex');
  return items
    .map((c) => ({ c, r: rank(c) }))
    .sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0))
    .map(({ c }) => c);
}

/** One exercise as a student sees it: no key; orderings and matching answers shuffled. */
export function studentExercise(exercise: Exercise): StudentExercise {
  // Spelled out per kind, so a field added to an exercise later is not shown to students until someone decides it.
  const { id, prompt, points } = exercise;
  switch (exercise.kind) {
    case 'single':
    case 'multiple':
      return { kind: exercise.kind, id, prompt, points, choices: exercise.choices.map((c) => ({ id: c.id, text: c.text })) };
    case 'text':
    case 'open':
      return { kind: exercise.kind, id, prompt, points };
    case 'numeric':
      return { kind: 'numeric', id, prompt, points, ...(exercise.unit === undefined ? {} : { unit: exercise.unit }) };
    case 'matching':
      return { kind: 'matching', id, prompt, points, left: exercise.left, right: shuffled(id, exercise.right) };
    case 'ordering':
      return { kind: 'ordering', id, prompt, points, items: shuffled(id, exercise.items) };
  }
}

const studentBlock = (block: Block): StudentBlock =>
  block.kind === 'exercise' ? { kind: 'exercise', id: block.id, exercise: studentExercise(block.exercise) } : block;

function studentChapter(chapter: Chapter): StudentChapter {
  return {
    id: chapter.id,
    title: chapter.title,
    pages: chapter.pages.map((p) => ({ id: p.id, title: p.title, blocks: p.blocks.map(studentBlock) })),
  };
}

/** A published version as students and teachers read it (issue 18): keys stripped; only the chapters asked for. */
export function studentView(version: WorkVersion, chapterId?: string): StudentWorkVersion {
  const chapters = chapterId === undefined ? version.chapters : version.chapters.filter((c) => c.id === chapterId);
  return {
    workId: version.workId,
    publisherId: version.publisherId,
    versionNo: version.versionNo,
    title: version.title,
    language: version.language,
    publishedAt: version.publishedAt,
    chapters: chapters.map(studentChapter),
  };
}
