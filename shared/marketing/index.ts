/** The public face of shared/marketing: what other areas and functions/ may import (README, "Areas and their faces"). */
export { marketingErrors } from './errors.js';
export {
  audienceCount,
  createMailing,
  mailingInputSchema,
  mailingMessageSchema,
  mailingViewSchema,
  mailingWithProgress,
  runMailing,
  startSending,
} from './mailings.js';
export { liftErasedSuppression, suppress } from './suppressions.js';
export { applySendGridWork, receiveSendGridEvents, sendGridWorkSchema, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook.js';
