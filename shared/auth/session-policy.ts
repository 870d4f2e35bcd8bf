import type { AccountDoc } from '../accounts/index.js';

export interface SessionLifetime {
  /** A session whose refresh token goes unused this long ends. */
  idleSeconds: number;
  /** No session lives longer than this, however often it is refreshed. */
  absoluteSeconds: number;
  /** Which rule applied (kept on the session, for the user's session list and for support). */
  policy: 'default' | 'privileged';
}

const DAY = 86_400;

/** Students, teachers, parents, private and CMS users (ASVS V3.3: idle 14 days, absolute 60 days). */
const DEFAULT_SESSION_LIFETIME: SessionLifetime = { idleSeconds: 14 * DAY, absoluteSeconds: 60 * DAY, policy: 'default' };

/**
 * Operator staff (support, security) and school administrators see many people's data, so their sessions are
 * shorter: idle 1 day, absolute 7 days (ASVS V3.3.2 lets the risk decide; a stolen refresh token of theirs is worth
 * far more than a student's).
 */
const PRIVILEGED_SESSION_LIFETIME: SessionLifetime = { idleSeconds: 1 * DAY, absoluteSeconds: 7 * DAY, policy: 'privileged' };

/** The lifetime of a session started now for this account (decided at sign-in; see the README's sign-in section). */
export function sessionLifetimeFor(account: Pick<AccountDoc, 'staffRoles' | 'schoolRoles'> | undefined): SessionLifetime {
  if (!account) return DEFAULT_SESSION_LIFETIME;
  const privileged = (account.staffRoles ?? []).length > 0 || (account.schoolRoles ?? []).some((r) => r.role === 'schoolAdmin');
  return privileged ? PRIVILEGED_SESSION_LIFETIME : DEFAULT_SESSION_LIFETIME;
}
