/** The public face of shared/auth: what other areas and functions/ may import (README, "Areas and their faces"). */
export { type ClientInfo, requestClient } from './client-info.js';
export { csrfTokenFor, csrfTokenValid } from './csrf.js';
export { measureEmail, providerName } from './emails.js';
export { authErrors } from './errors.js';
export {
  type AssertedSchoolRole,
  canonicalEmailSchema,
  claimPersonalCode,
  type ConfirmationLedger,
  emailLoginId,
  externalLoginId,
  linkLogin,
  type LoginIndexDoc,
  normaliseEmail,
  personalCodeLoginId,
  type ProviderId,
  releaseAuthenticationData,
  releasePersonalCode,
  unlinkLogin,
} from './identity.js';
export { messageKey, tellOwner } from './notices.js';
export { changePassword, confirmRecentIdentity, passwordSignIn, requestPasswordReset, resetPassword, signUp, verifyEmail } from './password-flows.js';
export { createProviders } from './providers/index.js';
export { type LoginLogDoc, recordSecurityEvent, securityEventEntry } from './security-log.js';
export { AccessTokenError, verifyAccessToken } from './session-token.js';
export {
  ACCESS_TOKEN_COOKIE,
  activeSession,
  assertSessionActive,
  clearedSessionCookies,
  deliveredSessionSchema,
  deliverSession,
  endOwnSession,
  listActiveSessions,
  type Principal,
  REFRESH_TOKEN_COOKIE,
  refreshSession,
  revokeAllSessions,
  revokeSession,
  revokeSessionByRefreshToken,
  revokeUnlistedSessions,
  sessionListedOnAccount,
  sessionRevocationWorkSchema,
} from './sessions.js';
export {
  beginSignIn,
  finishSignIn,
  knownProvider,
  loopbackCanonicalRedirect,
  providerOrThrow,
  providerParam,
  type SchoolCodeLinks,
} from './sign-in.js';
export { assertUnderLimit, countUnderLimitOn, overLimit } from './throttle.js';
