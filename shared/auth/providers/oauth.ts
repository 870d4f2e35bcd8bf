import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { parsePersonalCode } from '../../personal-codes/index.js';
import type { ExternalIdentity } from '../identity.js';
import { type FetchLike, type FlowSecrets, SignInError, type SignInProvider } from './types.js';

/** The state parameter must come back unchanged; compared in constant time. */
function checkState(callbackUrl: URL, flow: FlowSecrets): void {
  const returned = Buffer.from(callbackUrl.searchParams.get('state') ?? '');
  const expected = Buffer.from(flow.state);
  if (returned.length !== expected.length || !timingSafeEqual(returned, expected)) throw new SignInError('state_mismatch');
}

/** The code of an OAuth 2 callback, once its state is checked and it is not an error answer. */
function authorizationCode(callbackUrl: URL, flow: FlowSecrets): string {
  checkState(callbackUrl, flow);
  if (callbackUrl.searchParams.get('error')) throw new SignInError('access_denied');
  const code = callbackUrl.searchParams.get('code');
  if (!code) throw new SignInError('code_rejected');
  return code;
}

async function getJson(
  fetchImpl: FetchLike,
  url: string | URL,
  init: RequestInit,
  failure: 'code_rejected' | 'token_rejected',
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (cause) {
    throw new SignInError('provider_unavailable', { cause });
  }
  if (response.status >= 500) throw new SignInError('provider_unavailable');
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!response.ok || !body || typeof body !== 'object') throw new SignInError(failure);
  return body;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** An Estonian code a school system asserts: invalid ones stop the sign-in (AUTH-3) instead of being stored. */
function estonianCode(value: unknown): ExternalIdentity['personalCode'] {
  const code = text(value);
  if (!code) return undefined;
  const parsed = parsePersonalCode('EE', code);
  if (!parsed.ok) throw new SignInError('invalid_personal_code');
  return parsed.value;
}

/**
 * Facebook: OAuth 2 code flow; the user token is checked with debug_token against OUR app id (a token issued to
 * another app must not sign anyone in here), then /me gives the profile. Graph calls carry appsecret_proof.
 */
export function createFacebookProvider(options: {
  appId: string;
  appSecret: string;
  dialogUrl: string;
  graphUrl: string;
  fetch: FetchLike;
}): SignInProvider {
  const graph = (path: string, params: Record<string, string>) => {
    const url = new URL(`${options.graphUrl.replace(/\/$/, '')}/${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  };
  return {
    id: 'facebook',
    async authorizationUrl(flow, loginHint) {
      const url = new URL(options.dialogUrl);
      url.searchParams.set('client_id', options.appId);
      url.searchParams.set('redirect_uri', flow.redirectUri);
      url.searchParams.set('state', flow.state);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', 'public_profile,email');
      if (loginHint) url.searchParams.set('login_hint', loginHint);
      return url;
    },
    async completeSignIn(callbackUrl, flow) {
      const code = authorizationCode(callbackUrl, flow);
      const token = await getJson(
        options.fetch,
        graph('oauth/access_token', { client_id: options.appId, redirect_uri: flow.redirectUri, client_secret: options.appSecret, code }),
        {},
        'code_rejected',
      );
      const accessToken = text(token.access_token);
      if (!accessToken) throw new SignInError('code_rejected');
      return facebookIdentity(options, graph, accessToken);
    },
  };
}

/** Exported for the abuse tests: the check a token from a callback goes through. */
async function facebookIdentity(
  options: { appId: string; appSecret: string; fetch: FetchLike },
  graph: (path: string, params: Record<string, string>) => URL,
  accessToken: string,
): Promise<ExternalIdentity> {
  const debug = await getJson(
    options.fetch,
    graph('debug_token', { input_token: accessToken, access_token: `${options.appId}|${options.appSecret}` }),
    {},
    'token_rejected',
  );
  const data = (debug.data ?? {}) as Record<string, unknown>;
  if (data.is_valid !== true) throw new SignInError('token_rejected');
  if (String(data.app_id) !== options.appId) throw new SignInError('wrong_audience');
  const userId = text(data.user_id);
  if (!userId) throw new SignInError('token_rejected');
  const proof = createHmac('sha256', options.appSecret).update(accessToken).digest('hex');
  const me = await getJson(
    options.fetch,
    graph('me', { fields: 'id,first_name,last_name,email', access_token: accessToken, appsecret_proof: proof }),
    {},
    'token_rejected',
  );
  if (text(me.id) !== userId) throw new SignInError('token_rejected');
  return {
    provider: 'facebook',
    subject: userId,
    ...(text(me.first_name) ? { givenName: text(me.first_name) } : {}),
    ...(text(me.last_name) ? { familyName: text(me.last_name) } : {}),
    ...(text(me.email) ? { email: text(me.email) } : {}),
    // Facebook does not say whether the address is verified: it is kept off the account and never links.
    emailVerified: false,
    personalCodeGrade: 'asserted',
  };
}

/** eKool: OAuth 2 authorization code flow with PKCE and state; endpoints and credentials from configuration. */
export function createEkoolProvider(options: {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  fetch: FetchLike;
}): SignInProvider {
  return {
    id: 'ekool',
    async authorizationUrl(flow, loginHint) {
      const url = new URL(options.authorizeUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('redirect_uri', flow.redirectUri);
      url.searchParams.set('state', flow.state);
      // PKCE (RFC 7636, S256): a code intercepted on its way back is useless without the verifier in our flow cookie.
      url.searchParams.set('code_challenge', createHash('sha256').update(flow.codeVerifier).digest('base64url'));
      url.searchParams.set('code_challenge_method', 'S256');
      url.searchParams.set('scope', 'openid profile');
      if (loginHint) url.searchParams.set('login_hint', loginHint);
      return url;
    },
    async completeSignIn(callbackUrl, flow) {
      const code = authorizationCode(callbackUrl, flow);
      const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
      const token = await getJson(
        options.fetch,
        options.tokenUrl,
        {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: flow.redirectUri,
            code_verifier: flow.codeVerifier,
          }).toString(),
        },
        'code_rejected',
      );
      const accessToken = text(token.access_token);
      if (!accessToken) throw new SignInError('code_rejected');
      const profile = await getJson(
        options.fetch,
        options.userinfoUrl,
        { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
        'token_rejected',
      );
      const subject = text(profile.id) ?? (typeof profile.id === 'number' ? String(profile.id) : undefined);
      if (!subject) throw new SignInError('token_rejected');
      const personalCode = estonianCode(profile.personalCode);
      return {
        provider: 'ekool',
        subject,
        ...(text(profile.firstName) ? { givenName: text(profile.firstName) } : {}),
        ...(text(profile.lastName) ? { familyName: text(profile.lastName) } : {}),
        ...(text(profile.email) ? { email: text(profile.email) } : {}),
        emailVerified: false,
        ...(personalCode ? { personalCode } : {}),
        // eKool does not say how the person authenticated (its own password is common): the code is not proof.
        personalCodeGrade: 'asserted',
        language: 'et',
        country: 'EE',
      };
    },
  };
}

/**
 * Stuudium: not OAuth. The browser goes to /authenticate with the school's subdomain, comes back with a one-time
 * token, and the server verifies it with an HMAC-SHA1 signed `Authorization: Data v2` request. The answer must name
 * the school the user chose: a token from another school's Stuudium must not sign anyone in.
 */
export function createStuudiumProvider(options: {
  clientId: string;
  clientSecret: string;
  apiUrl: string;
  fetch: FetchLike;
  now?: () => Date;
}): SignInProvider {
  const base = options.apiUrl.replace(/\/$/, '');
  return {
    id: 'stuudium',
    async authorizationUrl(flow, loginHint) {
      if (!flow.school) throw new SignInError('wrong_school');
      const url = new URL(`${base}/authenticate`);
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('subdomain', flow.school);
      url.searchParams.set('state', flow.state);
      if (loginHint) url.searchParams.set('login_hint', loginHint);
      return url;
    },
    async completeSignIn(callbackUrl, flow) {
      checkState(callbackUrl, flow);
      const token = callbackUrl.searchParams.get('token');
      if (!token) throw new SignInError(callbackUrl.searchParams.get('error') ? 'access_denied' : 'code_rejected');
      const timestamp = Math.floor((options.now?.() ?? new Date()).getTime() / 1000).toString();
      const nonce = randomBytes(16).toString('hex');
      const signature = createHmac('sha1', options.clientSecret).update(`${timestamp} ${nonce}`).digest('hex');
      const url = new URL(`${base}/authenticate/verify`);
      url.searchParams.set('token', token);
      const answer = await getJson(
        options.fetch,
        url,
        { headers: { authorization: `Data v2 ${options.clientId} ${timestamp} ${nonce} ${signature}`, accept: 'application/json' } },
        'token_rejected',
      );
      const user = (answer.user ?? {}) as Record<string, unknown>;
      const school = (answer.school ?? {}) as Record<string, unknown>;
      if (text(school.subdomain) !== flow.school) throw new SignInError('wrong_school');
      const id = text(user.id) ?? (typeof user.id === 'number' ? String(user.id) : undefined);
      if (!id) throw new SignInError('token_rejected');
      const personalCode = estonianCode(user.personal_code);
      return {
        provider: 'stuudium',
        // Stuudium ids are per school installation.
        subject: `${flow.school}:${id}`,
        ...(text(user.first_name) ? { givenName: text(user.first_name) } : {}),
        ...(text(user.last_name) ? { familyName: text(user.last_name) } : {}),
        ...(text(user.email) ? { email: text(user.email) } : {}),
        emailVerified: false,
        ...(personalCode ? { personalCode } : {}),
        // A school system's password sign-in: the code is the school's record, not proof of who is at the keyboard.
        personalCodeGrade: 'asserted',
        installation: flow.school,
        language: 'et',
        country: 'EE',
      };
    },
  };
}
