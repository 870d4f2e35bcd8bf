import { z } from 'zod';

/**
 * The content model of a work (issue 18, LRN-2, LRN-3): work -> chapters -> pages -> blocks, some blocks exercises.
 * Every exercise carries its points and its answer key under `key`, the one field `studentView` removes, so a key
 * never reaches a student's browser (it is only used by `checkAnswer` on the server).
 */

/** Ids inside a work (chapters, pages, blocks, exercises, choices): safe in URLs and as Cosmos id parts. */
export const contentIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be an id of letters, digits, _ and -');

const text = (max: number) => z.string().trim().min(1).max(max);

export const contentLanguages = ['et', 'fi', 'en'] as const;
export type ContentLanguage = (typeof contentLanguages)[number];

const choiceSchema = z.object({ id: contentIdSchema, text: text(2000) }).strict();
export type Choice = z.infer<typeof choiceSchema>;

const base = {
  id: contentIdSchema,
  prompt: text(10_000),
  /** What a fully right answer scores; partial credit is a fraction of it (see checker.ts). */
  points: z.number().finite().positive().max(100),
};

const choices = z.array(choiceSchema).min(2).max(30);

const singleSchema = z.object({ kind: z.literal('single'), ...base, choices, key: z.object({ correct: contentIdSchema }).strict() }).strict();
const multipleSchema = z
  .object({ kind: z.literal('multiple'), ...base, choices, key: z.object({ correct: z.array(contentIdSchema).min(1).max(30) }).strict() })
  .strict();
const textSchema = z
  .object({
    kind: z.literal('text'),
    ...base,
    /** Accepted answers; compared after normalisation (checker.ts: case, outer and inner whitespace; diacritics count). */
    key: z.object({ accepted: z.array(text(500)).min(1).max(50) }).strict(),
  })
  .strict();
const numericSchema = z
  .object({
    kind: z.literal('numeric'),
    ...base,
    unit: text(20).optional(),
    /** Right when |answer - value| <= tolerance (absolute). */
    key: z.object({ value: z.number().finite(), tolerance: z.number().finite().min(0) }).strict(),
  })
  .strict();
const matchingSchema = z
  .object({
    kind: z.literal('matching'),
    ...base,
    left: choices,
    right: choices,
    /** Every left item paired with one right item; a right item may serve several or none (distractors). */
    key: z
      .object({
        pairs: z
          .array(z.object({ left: contentIdSchema, right: contentIdSchema }).strict())
          .min(1)
          .max(30),
      })
      .strict(),
  })
  .strict();
const orderingSchema = z
  .object({
    kind: z.literal('ordering'),
    ...base,
    items: choices,
    /** The item ids in the right order (a permutation of `items`). */
    key: z.object({ order: z.array(contentIdSchema).min(2).max(30) }).strict(),
  })
  .strict();
const openSchema = z
  .object({
    kind: z.literal('open'),
    ...base,
    /** Checked by the teacher; the key holds only the teacher's guidance (never shown to the student). */
    key: z.object({ guidance: text(5000).optional() }).strict(),
  })
  .strict();

const exerciseShape = z.discriminatedUnion('kind', [
  singleSchema,
  multipleSchema,
  textSchema,
  numericSchema,
  matchingSchema,
  orderingSchema,
  openSchema,
]);

/** Problems with an exercise's key for its kind (ids unknown or repeated, an order that is not a permutation, …). */
function keyIssues(exercise: z.infer<typeof exerciseShape>): string[] {
  const issues: string[] = [];
  const unique = (ids: string[], what: string) => {
    if (new Set(ids).size !== ids.length) issues.push(`${what} ids must be unique`);
  };
  switch (exercise.kind) {
    case 'single':
      unique(
        exercise.choices.map((c) => c.id),
        'choice',
      );
      if (!exercise.choices.some((c) => c.id === exercise.key.correct)) issues.push('key.correct must be one of the choices');
      break;
    case 'multiple': {
      unique(
        exercise.choices.map((c) => c.id),
        'choice',
      );
      unique(exercise.key.correct, 'key.correct');
      const ids = new Set(exercise.choices.map((c) => c.id));
      if (!exercise.key.correct.every((id) => ids.has(id))) issues.push('key.correct must name choices');
      break;
    }
    case 'text':
      break;
    case 'numeric':
      break;
    case 'matching': {
      unique(
        exercise.left.map((c) => c.id),
        'left',
      );
      unique(
        exercise.right.map((c) => c.id),
        'right',
      );
      const right = new Set(exercise.right.map((c) => c.id));
      const paired = exercise.key.pairs.map((p) => p.left);
      unique(paired, 'key.pairs left');
      if (paired.length !== exercise.left.length || !exercise.left.every((l) => paired.includes(l.id)))
        issues.push('key.pairs must pair every left item once');
      if (!exercise.key.pairs.every((p) => right.has(p.right))) issues.push('key.pairs must name right items');
      break;
    }
    case 'ordering': {
      unique(
        exercise.items.map((c) => c.id),
        'item',
      );
      const items = exercise.items.map((c) => c.id);
      const order = exercise.key.order;
      if (order.length !== items.length || new Set(order).size !== order.length || !items.every((id) => order.includes(id)))
        issues.push('key.order must list every item once');
      break;
    }
    case 'open':
      break;
  }
  return issues;
}

/** An exercise with its key, validated: the key is valid for its kind. */
export const exerciseSchema = exerciseShape.superRefine((exercise, ctx) => {
  for (const message of keyIssues(exercise)) ctx.addIssue({ code: 'custom', path: ['key'], message });
});

export type Exercise = z.infer<typeof exerciseShape>;
export type ExerciseKind = Exercise['kind'];
export const exerciseKinds = ['single', 'multiple', 'text', 'numeric', 'matching', 'ordering', 'open'] as const satisfies readonly ExerciseKind[];
export type ExerciseOf<K extends ExerciseKind> = Extract<Exercise, { kind: K }>;

const blockSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heading'), id: contentIdSchema, text: text(500) }).strict(),
  z.object({ kind: z.literal('text'), id: contentIdSchema, text: text(20_000) }).strict(),
  z.object({ kind: z.literal('image'), id: contentIdSchema, src: z.string().url().max(2000), alt: text(1000) }).strict(),
  z.object({ kind: z.literal('exercise'), id: contentIdSchema, exercise: exerciseSchema }).strict(),
]);
export type Block = z.infer<typeof blockSchema>;

const pageSchema = z.object({ id: contentIdSchema, title: text(300), blocks: z.array(blockSchema).max(300) }).strict();
export type Page = z.infer<typeof pageSchema>;

export const chapterSchema = z.object({ id: contentIdSchema, title: text(300), pages: z.array(pageSchema).max(200) }).strict();
export type Chapter = z.infer<typeof chapterSchema>;

/** What a CMS user edits: the body of a draft (validated whole on every save: ids unique across the work). */
export const workContentSchema = z
  .object({
    title: text(300),
    language: z.enum(contentLanguages),
    chapters: z.array(chapterSchema).min(1).max(100),
  })
  .strict()
  .superRefine((content, ctx) => {
    const seen = new Set<string>();
    const note = (id: string, path: (string | number)[]) => {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path, message: `id ${id} is used twice in the work` });
      seen.add(id);
    };
    content.chapters.forEach((chapter, c) => {
      note(chapter.id, ['chapters', c, 'id']);
      chapter.pages.forEach((page, p) => {
        note(page.id, ['chapters', c, 'pages', p, 'id']);
        page.blocks.forEach((block, b) => {
          note(block.id, ['chapters', c, 'pages', p, 'blocks', b, 'id']);
          if (block.kind === 'exercise') note(block.exercise.id, ['chapters', c, 'pages', p, 'blocks', b, 'exercise', 'id']);
        });
      });
    });
  });
export type WorkContent = z.infer<typeof workContentSchema>;

/** Who published a version, and when (audit kept on the version itself). */
interface Publication {
  publishedAt: string;
  publishedBy: { accountId: string; role: string };
}

/** A published version of a work: immutable once written; answers refer to it by `versionNo`. */
export interface WorkVersion extends WorkContent, Publication {
  workId: string;
  publisherId: string;
  versionNo: number;
}

// ---- Answers -------------------------------------------------------------------------------------------------------

const answerIdList = z.array(contentIdSchema).max(30);

/** A student's answer, per kind (what the front end sends); validated against the exercise by `checkAnswer`. */
export const answerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('single'), choice: contentIdSchema }).strict(),
  z.object({ kind: z.literal('multiple'), choices: answerIdList }).strict(),
  z.object({ kind: z.literal('text'), text: z.string().max(1000) }).strict(),
  /** A number, or the text typed: "3,5" and "3.5" are both accepted (decimal comma, et/fi). */
  z.object({ kind: z.literal('numeric'), value: z.union([z.number().finite(), z.string().max(50)]) }).strict(),
  z.object({ kind: z.literal('matching'), pairs: z.array(z.object({ left: contentIdSchema, right: contentIdSchema }).strict()).max(30) }).strict(),
  z.object({ kind: z.literal('ordering'), order: answerIdList }).strict(),
  z.object({ kind: z.literal('open'), text: z.string().max(20_000) }).strict(),
]);
export type Answer = z.infer<typeof answerSchema>;
export type AnswerOf<K extends ExerciseKind> = Extract<Answer, { kind: K }>;
