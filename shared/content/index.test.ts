import { describe, expect, expectTypeOf, it } from 'vitest';

import type {
  Actor,
  Answer,
  AnswerOf,
  Block,
  Chapter,
  CheckResult,
  Choice,
  ContentLanguage,
  Exercise,
  ExerciseKind,
  ExerciseOf,
  Feedback,
  FeedbackCode,
  FoundExercise,
  Page,
  StudentExercise,
  StudentWorkVersion,
  UsageEvent,
  WorkContent,
  WorkVersion,
} from './index.js';
import * as content from './index.js';

/**
 * The content area's public face is a contract: l-learning (answers, grading) builds on these names. Renaming or
 * dropping one must be a deliberate change to this test too.
 */
describe("the content area's public face (issue 18)", () => {
  it('LRN-3: exports the model, checker, student view, loader and publishing functions under stable names', () => {
    const face = {
      answerSchema: content.answerSchema,
      checkAnswer: content.checkAnswer,
      cmsWork: content.cmsWork,
      contentErrors: content.contentErrors,
      createWork: content.createWork,
      exerciseKinds: content.exerciseKinds,
      exerciseSchema: content.exerciseSchema,
      exercisesOf: content.exercisesOf,
      findExercise: content.findExercise,
      loadPublishedVersion: content.loadPublishedVersion,
      loadVersionForNewWork: content.loadVersionForNewWork,
      normaliseText: content.normaliseText,
      openForNewWork: content.openForNewWork,
      openVersion: content.openVersion,
      openWork: content.openWork,
      parseNumber: content.parseNumber,
      publishDraft: content.publishDraft,
      publisherOfWork: content.publisherOfWork,
      readDraft: content.readDraft,
      recordUsageEvent: content.recordUsageEvent,
      saveDraft: content.saveDraft,
      searchCatalogue: content.searchCatalogue,
      searchWork: content.searchWork,
      studentExercise: content.studentExercise,
      studentView: content.studentView,
      workContentSchema: content.workContentSchema,
    };
    for (const [name, value] of Object.entries(face)) expect(value, name).toBeDefined();
    expect(content.answerSchema.safeParse({ kind: 'numeric', value: '3,5' }).success).toBe(true);
    expect(content.publisherOfWork('pub-ee-naide.matemaatika-6')).toBe('pub-ee-naide');
    expect(content.normaliseText(' A  b ')).toBe('a b');
    expect(content.parseNumber('3,5')).toBe(3.5);
    expect(content.exerciseKinds).toEqual(['single', 'multiple', 'text', 'numeric', 'matching', 'ordering', 'open']);
    expect(Object.keys(content.contentErrors)).toContain('answer_kind_mismatch');
  });

  it('LRN-3: the types line up: an answer per kind, a check result, a student exercise without key', () => {
    expectTypeOf<ExerciseKind>().toEqualTypeOf<Exercise['kind']>();
    expectTypeOf<AnswerOf<'numeric'>>().toEqualTypeOf<Extract<Answer, { kind: 'numeric' }>>();
    expectTypeOf<ExerciseOf<'single'>['key']>().toEqualTypeOf<{ correct: string }>();
    expectTypeOf<CheckResult['correct']>().toEqualTypeOf<boolean | 'pending'>();
    expectTypeOf<Feedback['code']>().toEqualTypeOf<FeedbackCode>();
    expectTypeOf<StudentExercise>().not.toHaveProperty('key');
    expectTypeOf<FoundExercise['exercise']>().toEqualTypeOf<Exercise>();
    expectTypeOf<WorkVersion>().toMatchTypeOf<WorkContent>();
    expectTypeOf<StudentWorkVersion['chapters'][number]['id']>().toEqualTypeOf<string>();
    expectTypeOf<WorkContent['chapters'][number]>().toEqualTypeOf<Chapter>();
    expectTypeOf<Chapter['pages'][number]>().toEqualTypeOf<Page>();
    expectTypeOf<Page['blocks'][number]>().toEqualTypeOf<Block>();
    expectTypeOf<ExerciseOf<'ordering'>['items'][number]>().toEqualTypeOf<Choice>();
    expectTypeOf<WorkContent['language']>().toEqualTypeOf<ContentLanguage>();
    expectTypeOf<Actor>().toEqualTypeOf<{ accountId: string; role: string }>();
    expectTypeOf<UsageEvent['kind']>().toEqualTypeOf<'search'>();
  });
});
