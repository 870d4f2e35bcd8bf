/**
 * The learning area's public face (LRN-1..6): journals, tasks, answers with automatic and teacher feedback, the 30-day
 * change history and statistics, with the views and schemas the routes answer with.
 */
export { answerView, deleteAnswer, giveFeedback, readOwnAnswer, saveAnswer, taskAnswersPage } from './answers.js';
export { learningErrors } from './errors.js';
export { historyPage } from './history.js';
export { journalTarget } from './journal-ids.js';
export { changeJournal, createJournal, journalPage, journalView, listJournals, taskView } from './journals.js';
export {
  accountIdSchema,
  answerViewSchema,
  gradeSchema,
  gradingScales,
  historyViewSchema,
  journalViewSchema,
  learningIdSchema,
  MAX_CO_TEACHERS,
  MAX_JOURNAL_STUDENTS,
  MAX_JOURNAL_WORKS,
  MAX_TASK_EXERCISES,
  subjectSchema,
  taskViewSchema,
} from './model.js';
export {
  answerCountMessageSchema,
  handleAnswerCount,
  journalStatsSchema,
  readJournalStats,
  readStudentStats,
  readTaskStats,
  studentStatsSchema,
  taskStatsSchema,
} from './stats.js';
export { changeTask, createTask, readJournalTask, readStudentTask, studentSchool, studentTaskPage, studentTaskView } from './tasks.js';
