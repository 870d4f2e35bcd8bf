/** The public face of shared/accounts: what other areas and functions/ may import (README, "Areas and their faces"). */
export { isMinorAccount } from './age.js';
export { readAccount, updateAccount, withFamilyLink, withoutFamilyLink, withoutSchoolRole, withSchoolRole } from './documents.js';
export { accountsErrors } from './errors.js';
export {
  type AccountDoc,
  accountView,
  accountViewSchema,
  defaultPrivacy,
  type LinkedLogin,
  type PrivacySettings,
  type PublisherRole,
  publisherRoleNames,
  type SchoolRole,
  type SchoolRoleName,
  type SessionEntry,
  type Suspension,
} from './model.js';
export { personNameSchema } from './names.js';
