import { startEkoolStandIn } from './ekool.js';
import { startFacebookStandIn } from './facebook.js';
import { generateSigningJwk, type OidcStandIn, preloadOidcProvider, startOidcStandIn } from './oidc.js';
import { startStuudiumStandIn } from './stuudium.js';
import { ekoolUsers, facebookUsers, googleUsers, haridUsers, MPASS, mpassidUsers, stuudiumUsers, summaries } from './users.js';

/**
 * Local stand-ins for the six sign-in providers, speaking their real protocols on 127.0.0.1 (free ports,
 * in-process), so that the app's real client code runs end to end without the internet:
 *
 *  - HarID, MPASSid, Google: real OpenID Providers (oidc-provider) with each provider's endpoint paths, scopes and
 *    claims. Authorization code flow; client_secret_basic or client_secret_post; RS256 id_tokens.
 *  - Facebook (dialog + Graph API), eKool (OAuth 2 code flow), Stuudium (token + HMAC-signed verify): plain node:http.
 *
 * The demo user is chosen by the standard `login_hint` parameter of each authorize request; sign-in and consent then
 * complete without any page. Without `login_hint` an HTML page lists the demo users (for a developer's browser).
 * See README.md in this folder for the details of each provider.
 */

export type IdentityProviderName = 'harid' | 'mpassid' | 'google' | 'facebook' | 'ekool' | 'stuudium';

export interface IdentityClientRegistration {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface StandInOptions {
  /** One registration per provider; redirect URIs are the app's callback URLs, e.g. http://127.0.0.1:7071/api/auth/harid/callback */
  clients: Record<IdentityProviderName, IdentityClientRegistration>;
}

/** An OIDC stand-in: discovery at `${issuer}/.well-known/openid-configuration`, plus helpers for negative tests. */
type OidcStandInHandle = Omit<OidcStandIn, 'close'>;

export interface IdentityStandIns {
  harid: OidcStandInHandle;
  mpassid: OidcStandInHandle;
  google: OidcStandInHandle;
  /** dialogUrl = the /dialog/oauth endpoint; graphUrl = base for /oauth/access_token, /debug_token, /me */
  facebook: {
    dialogUrl: string;
    graphUrl: string;
    /** A user access token issued to ANOTHER app id (debug_token reports that app_id): for the token-substitution test. */
    issueTokenForApp(appId: string, loginHint: string, scopes?: string[]): string;
  };
  ekool: { authorizeUrl: string; tokenUrl: string; userinfoUrl: string };
  /** Base like https://api.ope.ee/v1.1 : `${apiUrl}/authenticate` and `${apiUrl}/authenticate/verify` */
  stuudium: { apiUrl: string };
  /** Demo users per provider: the login_hint values that select them. */
  users: Record<IdentityProviderName, { loginHint: string; description: string }[]>;
  close(): Promise<void>;
}

export { stuudiumAuthorization } from './stuudium.js';

export async function startIdentityStandIns(options: StandInOptions): Promise<IdentityStandIns> {
  const { clients } = options;
  preloadOidcProvider();
  const [haridKey, mpassKey, googleKey] = await Promise.all([generateSigningJwk(), generateSigningJwk(), generateSigningJwk()]);

  const started = await Promise.allSettled([
    startOidcStandIn(
      {
        name: 'HarID',
        cookiePrefix: 'harid',
        routes: { authorization: '/et/authorizations/new', token: '/et/access_tokens', userinfo: '/et/user_info', jwks: '/jwks.json' },
        claims: {
          openid: ['sub', 'amr'],
          profile: ['given_name', 'family_name'],
          email: ['email', 'email_verified'],
          personal_code: ['personal_code'],
          roles: ['roles'],
        },
        conformIdTokenClaims: true,
        pkceRequired: true,
        users: haridUsers,
        client: clients.harid,
      },
      haridKey,
    ),
    startOidcStandIn(
      {
        name: 'MPASSid',
        cookiePrefix: 'mpassid',
        routes: {
          authorization: '/idp/profile/oidc/authorize',
          token: '/idp/profile/oidc/token',
          userinfo: '/idp/profile/oidc/userinfo',
          jwks: '/idp/profile/oidc/keyset',
        },
        claims: { openid: ['sub'], profile: Object.values(MPASS) },
        conformIdTokenClaims: true,
        pkceRequired: false,
        users: mpassidUsers,
        client: clients.mpassid,
      },
      mpassKey,
    ),
    startOidcStandIn(
      {
        name: 'Google',
        cookiePrefix: 'google',
        routes: { authorization: '/o/oauth2/v2/auth', token: '/token', userinfo: '/v1/userinfo', jwks: '/oauth2/v3/certs' },
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'locale'] },
        conformIdTokenClaims: false,
        pkceRequired: false,
        users: googleUsers,
        client: clients.google,
      },
      googleKey,
    ),
    startFacebookStandIn(clients.facebook),
    startEkoolStandIn(clients.ekool),
    startStuudiumStandIn(clients.stuudium),
  ] as const);

  const closers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value.close] : []));
  const closeAll = async () => {
    await Promise.all(closers.map((close) => close()));
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await closeAll();
    throw failed.reason;
  }
  const [harid, mpassid, google, facebook, ekool, stuudium] = started.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    OidcStandIn,
    OidcStandIn,
    OidcStandIn,
    Awaited<ReturnType<typeof startFacebookStandIn>>,
    Awaited<ReturnType<typeof startEkoolStandIn>>,
    Awaited<ReturnType<typeof startStuudiumStandIn>>,
  ];

  const oidc = ({ issuer, jwks, signJwt, tamperNextIdToken, clearTamper }: OidcStandIn): OidcStandInHandle => ({
    issuer,
    jwks,
    signJwt,
    tamperNextIdToken,
    clearTamper,
  });

  let closed = false;
  return {
    harid: oidc(harid),
    mpassid: oidc(mpassid),
    google: oidc(google),
    facebook: { dialogUrl: facebook.dialogUrl, graphUrl: facebook.graphUrl, issueTokenForApp: facebook.issueTokenForApp },
    ekool: { authorizeUrl: ekool.authorizeUrl, tokenUrl: ekool.tokenUrl, userinfoUrl: ekool.userinfoUrl },
    stuudium: { apiUrl: stuudium.apiUrl },
    users: {
      harid: summaries(haridUsers),
      mpassid: summaries(mpassidUsers),
      google: summaries(googleUsers),
      facebook: summaries(facebookUsers),
      ekool: summaries(ekoolUsers),
      stuudium: summaries(stuudiumUsers),
    },
    async close() {
      if (closed) return;
      closed = true;
      await closeAll();
    },
  };
}
