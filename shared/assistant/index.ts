/** The public face of shared/assistant, the OpiqGPT trial (GPT-1, GPT-2): README "Assistant". */
export { assistantMessageSchema, assistantReplySchema, sendAssistantMessage } from './chat.js';
export { assistantErrors } from './errors.js';
export { assistantReportSchema, assistantReportViewSchema, listAnswerReports, reportAnswer } from './reports.js';
export { setStudentsEnabled } from './settings.js';
export { assistantTerms } from './texts.js';
