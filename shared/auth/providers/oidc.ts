import * as oidc from 'openid-client';

import type { ExternalIdentity, ProviderId } from '../identity.js';
import { type FetchLike, type FlowSecrets, SignInError, type SignInProvider } from './types.js';

export interface OidcProviderOptions {
  id: ProviderId;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  allowHttp: boolean;
  fetch: FetchLike;
  /** Turns the id_token claims and userinfo into our identity; may throw SignInError. */
  map: (claims: oidc.IDToken, userinfo: oidc.UserInfoResponse) => Omit<ExternalIdentity, 'provider'>;
}

/**
 * An OpenID Connect provider (HarID, MPASSid, Google) through openid-client: discovery, authorization code flow
 * with PKCE, state and nonce, id_token validation including its signature (non-repudiation checks: we trust claims
 * such as the personal code, so TLS alone is not enough), then userinfo bound to the id_token's subject.
 */
export function createOidcProvider(options: OidcProviderOptions): SignInProvider {
  let configuration: Promise<oidc.Configuration> | undefined;
  let discoveredAt = 0;

  const config = () => {
    // Discovery (and the provider's keys) are cached for an hour; a failure is not cached.
    if (!configuration || Date.now() - discoveredAt > 3_600_000) {
      discoveredAt = Date.now();
      configuration = oidc
        .discovery(new URL(options.issuer), options.clientId, options.clientSecret, oidc.ClientSecretBasic(options.clientSecret), {
          execute: options.allowHttp ? [oidc.allowInsecureRequests] : [],
          [oidc.customFetch]: options.fetch,
          timeout: 10,
        })
        .then((c) => {
          oidc.enableNonRepudiationChecks(c);
          return c;
        });
      configuration.catch(() => (configuration = undefined));
    }
    return configuration.catch((error: unknown) => {
      throw new SignInError('provider_unavailable', { cause: error });
    });
  };

  return {
    id: options.id,
    async authorizationUrl(flow: FlowSecrets, loginHint?: string) {
      return oidc.buildAuthorizationUrl(await config(), {
        redirect_uri: flow.redirectUri,
        scope: options.scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
        ui_locales: flow.language,
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
    },
    async completeSignIn(callbackUrl: URL, flow: FlowSecrets) {
      const c = await config();
      const error = callbackUrl.searchParams.get('error');
      if (error) throw new SignInError(error === 'access_denied' ? 'access_denied' : 'code_rejected');
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(c, callbackUrl, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
      } catch (cause) {
        throw new SignInError(classify(cause), { cause });
      }
      const claims = tokens.claims();
      if (!claims) throw new SignInError('token_rejected');
      let userinfo: oidc.UserInfoResponse;
      try {
        userinfo = await oidc.fetchUserInfo(c, tokens.access_token, claims.sub);
      } catch (cause) {
        throw new SignInError('token_rejected', { cause });
      }
      return { provider: options.id, ...options.map(claims, userinfo) };
    },
  };
}

/** openid-client's errors carry codes; map them to what the security log and the front end need. */
function classify(error: unknown): 'state_mismatch' | 'code_rejected' | 'token_rejected' | 'wrong_audience' | 'provider_unavailable' {
  const e = error as { code?: string; error?: string; message?: string; cause?: { claim?: string; message?: string } };
  const text = `${e.message ?? ''} ${e.cause?.message ?? ''}`.toLowerCase();
  if (e.error === 'invalid_grant') return 'code_rejected';
  if (text.includes('"state"') || text.includes('state mismatch') || text.includes('unexpected "state"')) return 'state_mismatch';
  if (e.cause?.claim === 'aud' || text.includes('"aud"')) return 'wrong_audience';
  if (e.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || e.code === 'OAUTH_RESPONSE_IS_NOT_JSON' || e.code === 'ECONNREFUSED')
    return 'provider_unavailable';
  return 'token_rejected';
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
export { str as claimString };
