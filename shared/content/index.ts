/**
 * The content area's public face (issue 18): the content model, the automatic checker, the student view without keys,
 * published versions and search.
 */
export { checkAnswer, type CheckResult, type Feedback, type FeedbackCode, normaliseText, parseNumber } from './checker.js';
export { contentErrors } from './errors.js';
// LOG-1: usage events live in their own area; re-exported here as the content area's brief names it.
export { recordUsageEvent, type UsageEvent } from '../events/index.js';
export {
  type Answer,
  type AnswerOf,
  answerSchema,
  type Block,
  type Chapter,
  type Choice,
  contentIdSchema,
  type ContentLanguage,
  type Exercise,
  type ExerciseKind,
  exerciseKinds,
  type ExerciseOf,
  exerciseSchema,
  type Page,
  type WorkContent,
  workContentSchema,
  type WorkVersion,
} from './model.js';
export { type Actor, cmsWork, createWork, publishDraft, readDraft, saveDraft, workSummary } from './publishing.js';
export { openForNewWork, openVersion, openWork, searchCatalogue, searchWork } from './reading.js';
export { actorOf, chapterBodySchema, draftBodySchema, newWorkSchema, publisherIdSchema, versionNoSchema, workIdSchema } from './routes.js';
export { exercisesOf, findExercise, type FoundExercise, loadPublishedVersion, loadVersionForNewWork, publisherOfWork } from './store.js';
export { type StudentExercise, studentExercise, studentView, type StudentWorkVersion } from './student-view.js';
export {
  catalogueSearchSchema,
  cmsWorkSchema,
  draftSchema,
  publishedSchema,
  studentVersionSchema,
  workOutlineSchema,
  workSearchSchema,
} from './views.js';
