import { z } from 'zod';

/**
 * Output contracts of the content routes (OpenAPI is generated from them). The student-facing ones are strict and
 * have no `key` anywhere: the e2e tests parse real answers with them, so a key field that slipped into a student's
 * view would fail.
 */
const choice = z.strictObject({ id: z.string(), text: z.string() });
const base = { id: z.string(), prompt: z.string(), points: z.number() };

const studentExerciseSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('single'), ...base, choices: z.array(choice) }),
  z.strictObject({ kind: z.literal('multiple'), ...base, choices: z.array(choice) }),
  z.strictObject({ kind: z.literal('text'), ...base }),
  z.strictObject({ kind: z.literal('numeric'), ...base, unit: z.string().optional() }),
  z.strictObject({ kind: z.literal('matching'), ...base, left: z.array(choice), right: z.array(choice) }),
  z.strictObject({ kind: z.literal('ordering'), ...base, items: z.array(choice) }),
  z.strictObject({ kind: z.literal('open'), ...base }),
]);

const studentBlockSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('heading'), id: z.string(), text: z.string() }),
  z.strictObject({ kind: z.literal('text'), id: z.string(), text: z.string() }),
  z.strictObject({ kind: z.literal('image'), id: z.string(), src: z.string(), alt: z.string() }),
  z.strictObject({ kind: z.literal('exercise'), id: z.string(), exercise: studentExerciseSchema }),
]);

export const studentVersionSchema = z.strictObject({
  workId: z.string(),
  publisherId: z.string(),
  versionNo: z.number().int(),
  title: z.string(),
  language: z.enum(['et', 'fi', 'en']),
  publishedAt: z.string(),
  chapters: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      pages: z.array(z.strictObject({ id: z.string(), title: z.string(), blocks: z.array(studentBlockSchema) })),
    }),
  ),
});

const outlineSchema = z.array(
  z.strictObject({ id: z.string(), title: z.string(), pages: z.array(z.strictObject({ id: z.string(), title: z.string() })) }),
);

export const workOutlineSchema = z.strictObject({
  workId: z.string(),
  publisherId: z.string(),
  title: z.string(),
  language: z.string().optional(),
  subjects: z.array(z.string()),
  grades: z.array(z.number()),
  currentVersion: z.number().int(),
  chapters: outlineSchema,
  withdrawn: z.boolean().describe('OPS-2: closed for new work (no new tasks or answers); readable while the licence lasts'),
});

export const workSearchSchema = z.strictObject({
  hits: z.array(
    z.strictObject({
      chapterId: z.string(),
      chapterTitle: z.string(),
      pageId: z.string().optional(),
      pageTitle: z.string().optional(),
      blockId: z.string().optional(),
      snippet: z.string(),
    }),
  ),
});

export const catalogueSearchSchema = z.strictObject({
  works: z.array(
    z.strictObject({
      workId: z.string(),
      publisherId: z.string(),
      title: z.string(),
      subjects: z.array(z.string()),
      grades: z.array(z.number()),
      country: z.string(),
      language: z.string().optional(),
    }),
  ),
});

export const cmsWorkSchema = z.strictObject({
  workId: z.string(),
  title: z.string(),
  language: z.string().optional(),
  status: z.string(),
  currentVersion: z.number().int().optional(),
  versions: z.array(z.strictObject({ versionNo: z.number().int(), publishedAt: z.string(), role: z.string() })),
});

export const draftSchema = z.strictObject({
  workId: z.string(),
  revision: z.number().int(),
  updatedAt: z.string(),
  content: z.unknown().describe('The work content with answer keys (see the draft body schema)'),
});

export const publishedSchema = z.strictObject({
  workId: z.string(),
  versionNo: z.number().int(),
  publishedAt: z.string(),
  publishedBy: z.strictObject({ accountId: z.string(), role: z.string() }),
  draftRevision: z.number().int(),
  created: z.boolean(),
});
