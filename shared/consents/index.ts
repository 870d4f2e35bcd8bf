/** The public face of shared/consents: what other areas and functions/ may import (README, "Areas and their faces"). */
export { consentPurposes } from './catalogue.js';
export {
  type AccountClosureDoc,
  accountClosureWorkSchema,
  closeAccountForErasure,
  closeAccountForInactivity,
  closeAccountOnRequest,
  closeMemberAccount,
  closeOwnAccount,
  CLOSURE_RETENTION_YEARS,
  closureViewSchema,
  completeAccountClosure,
  sweepUnfinishedClosures,
} from './closure.js';
export {
  consentEventView,
  consentEventViewSchema,
  consentHistory,
  consentViews,
  consentViewSchema,
  maySendMarketing,
  recordSignUpConsents,
  setConsent,
  signUpConsents,
  signUpConsentsSchema,
} from './consents.js';
export { consentsErrors } from './errors.js';
export {
  processingChoiceSchema,
  processingEventView,
  processingEventViewSchema,
  processingHistory,
  processingView,
  processingViewSchema,
  setProcessingChoices,
} from './processing.js';
export { unsubscribeByLink, unsubscribeLinkFor, unsubscribeQuestion, unsubscribeToken } from './unsubscribe.js';
export { UNSUBSCRIBE_PAGE_HEADERS } from './unsubscribe-page.js';
