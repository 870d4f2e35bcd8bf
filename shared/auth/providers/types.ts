import type { ExternalIdentity, ProviderId } from '../identity.js';

/** The per-attempt secrets kept in the browser's encrypted sign-in cookie between the redirect and the callback. */
export interface FlowSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  /** Stuudium: the school subdomain the user chose; the answer must name the same school. */
  school?: string;
  language: 'et' | 'fi' | 'en';
}

export interface SignInProvider {
  id: ProviderId;
  /** Where to send the browser. `loginHint` is the standard OIDC hint (also picks the demo user locally). */
  authorizationUrl(flow: FlowSecrets, loginHint?: string): Promise<URL>;
  /** Validates the callback (state, code, tokens) with the provider and says who signed in. */
  completeSignIn(callbackUrl: URL, flow: FlowSecrets): Promise<ExternalIdentity>;
}

/** Why a sign-in attempt failed, as a code for the security log and the front end; never the provider's raw text. */
export type SignInFailure =
  | 'access_denied'
  | 'state_mismatch'
  | 'code_rejected'
  | 'token_rejected'
  | 'wrong_audience'
  | 'wrong_school'
  | 'invalid_personal_code'
  | 'provider_unavailable'
  | 'flow_expired'
  | 'account_suspended'
  | 'link_requires_session'
  | 'login_linked_elsewhere'
  /** An eID sign-in matched a school-entered personal code with other names: the school must confirm first. */
  | 'school_confirmation_pending';

export class SignInError extends Error {
  constructor(
    readonly failure: SignInFailure,
    options?: { cause?: unknown },
  ) {
    super(`Sign-in failed: ${failure}`, options);
    this.name = 'SignInError';
  }
}

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
