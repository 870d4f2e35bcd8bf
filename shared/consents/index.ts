/** The public face of shared/consents: what other areas and functions/ may import (README, "Areas and their faces"). */
export { consentPurposes } from './catalogue.js';
export { type AccountClosureDoc, closeAccountOnRequest, closeMemberAccount, closeOwnAccount, closureViewSchema } from './closure.js';
export {
  consentEventView,
  consentEventViewSchema,
  consentHistory,
  consentViews,
  consentViewSchema,
  maySendMarketing,
  setConsent,
} from './consents.js';
export { consentsErrors } from './errors.js';
export { processingChoiceSchema, processingView, processingViewSchema, setProcessingChoices } from './processing.js';
export { openUnsubscribeToken, unsubscribeLinkFor, unsubscribeToken } from './unsubscribe.js';
