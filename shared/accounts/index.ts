/** The public face of shared/accounts: what other areas and functions/ may import (README, "Areas and their faces"). */
export { isMinorAccount, needsParentForConsent } from './age.js';
export {
  markFamilyLinkEnded,
  readAccount,
  updateAccount,
  withFamilyLink,
  withFamilyNames,
  withoutFamilyLink,
  withoutSchoolRole,
  withSchoolPartition,
  withSchoolRole,
} from './documents.js';
export { accountsErrors } from './errors.js';
export {
  type AccountDoc,
  accountView,
  accountViewSchema,
  type Closure,
  type ConsentState,
  defaultPrivacy,
  familyLinksOf,
  type LinkedLogin,
  type Objection,
  objections,
  type PrivacySettings,
  type ProcessingChoices,
  type PublisherRole,
  publisherRoleNames,
  type SchoolRole,
  type SchoolRoleName,
  type SessionEntry,
  type Suspension,
} from './model.js';
export { personNameSchema } from './names.js';
export { objectsTo, processingRestricted, usageRecordingAllowed } from './processing.js';
