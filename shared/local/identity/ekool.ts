import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { ExpiringMap, handle, listen, randomToken, readBody, redirect, requestUrl, safeEqual, sendHtml, sendJson, sendUserChooser } from './http.js';
import { type EkoolUser, ekoolUsers, findUser, summaries } from './users.js';

/**
 * eKool stand-in: a plain OAuth 2.0 authorization-code server (RFC 6749). eKool's real token and user endpoints are
 * not public; the shapes below are plausible, not confirmed:
 *
 *   GET  {authorizeUrl}?client_id&redirect_uri&state&response_type=code&scope&login_hint&code_challenge&code_challenge_method=S256 (PKCE required)
 *        -> 302 redirect_uri?code&state  |  redirect_uri?error=access_denied|unsupported_response_type|invalid_request&error_description&state
 *        (unknown client_id or unregistered redirect_uri: 400 HTML, never redirected)
 *   POST {tokenUrl}  form: grant_type=authorization_code&code&redirect_uri[&code_verifier]  or  grant_type=refresh_token&refresh_token
 *        client auth: HTTP Basic (client_secret_basic) OR client_id + client_secret in the body (not both)
 *        -> { access_token, token_type: 'Bearer', expires_in: 3600, refresh_token, scope }
 *        errors: 400 { error: invalid_request|invalid_grant|unsupported_grant_type, error_description }, 401 { error: 'invalid_client' }
 *        Codes: single use, 60 s, bound to client_id + redirect_uri; a replayed code also revokes the tokens issued for it.
 *   GET  {userinfoUrl}  Authorization: Bearer <access_token>
 *        -> { id, firstName, lastName, email?, personalCode?, roles: [{ schoolName, schoolEhisId, role, className? }] }
 *        errors: 401 { error: 'invalid_token' } with WWW-Authenticate: Bearer error="invalid_token"
 */

export interface EkoolStandIn {
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  close(): Promise<void>;
}

export interface EkoolClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

const CODE_TTL_MS = 60_000;
const ACCESS_TTL_S = 3600;
const REFRESH_TTL_MS = 24 * 3600_000;

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  user: EkoolUser;
  scope: string;
  codeChallenge?: string;
  /** Tokens issued for this code (revoked on replay). */
  issued: string[];
}

interface Grant {
  clientId: string;
  user: EkoolUser;
  scope: string;
}

function oauthError(res: ServerResponse, status: number, error: string, description: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, error_description: description }, headers);
}

export async function startEkoolStandIn(client: EkoolClient): Promise<EkoolStandIn> {
  const codes = new ExpiringMap<CodeGrant>();
  const usedCodes = new ExpiringMap<CodeGrant>();
  const accessTokens = new ExpiringMap<Grant>();
  const refreshTokens = new ExpiringMap<Grant>();

  const http = await listen();
  const origin = http.origin;
  const paths = { authorize: '/oauth/authorize', token: '/oauth/token', userinfo: '/oauth/userinfo' };

  function authorize(res: ServerResponse, url: URL): void {
    const q = url.searchParams;
    const clientId = q.get('client_id');
    const redirectUri = q.get('redirect_uri');
    if (clientId !== client.clientId) {
      sendHtml(res, 400, 'eKool (local stand-in): unknown client', `<p>Unknown client_id "${clientId ?? ''}".</p>`);
      return;
    }
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      sendHtml(res, 400, 'eKool (local stand-in): invalid redirect_uri', '<p>The redirect_uri is not registered for this client.</p>');
      return;
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    const fail = (error: string, description: string) => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      if (state !== null) back.searchParams.set('state', state);
      redirect(res, back.href);
    };
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be "code"');
    const challenge = q.get('code_challenge');
    // PKCE is required of our client (as a provider should for a confidential client too, RFC 9700 2.1.1), so a
    // client that forgets it fails here instead of silently running without it.
    if (!challenge) return fail('invalid_request', 'code_challenge is required');
    if (q.get('code_challenge_method') !== 'S256') {
      return fail('invalid_request', 'code_challenge_method must be S256');
    }
    if (q.has('deny')) return fail('access_denied', 'The user cancelled the sign-in');
    const hint = q.get('login_hint');
    if (!hint) {
      const cancel = new URL(url);
      cancel.searchParams.set('deny', '1');
      sendUserChooser(res, 'eKool', url, summaries(ekoolUsers), cancel.pathname + cancel.search);
      return;
    }
    const user = findUser(ekoolUsers, hint);
    if (!user) return fail('access_denied', `no demo user for login_hint "${hint}"`);
    const code = randomToken(24);
    codes.set(
      code,
      { clientId, redirectUri, user, scope: q.get('scope') ?? '', ...(challenge ? { codeChallenge: challenge } : {}), issued: [] },
      CODE_TTL_MS,
    );
    back.searchParams.set('code', code);
    if (state !== null) back.searchParams.set('state', state);
    redirect(res, back.href);
  }

  /** Client authentication: Basic header or body credentials (exactly one). Returns the client id or answers an error. */
  function authenticate(req: IncomingMessage, res: ServerResponse, body: URLSearchParams): string | undefined {
    const auth = req.headers.authorization;
    const bodySecret = body.get('client_secret');
    if (auth && bodySecret !== null) {
      oauthError(res, 400, 'invalid_request', 'client authentication must use only one mechanism');
      return undefined;
    }
    let id: string | null;
    let secret: string | null;
    if (auth) {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
      const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
      const i = decoded.indexOf(':');
      if (i < 0) {
        oauthError(res, 401, 'invalid_client', 'malformed Basic credentials', { 'www-authenticate': 'Basic realm="eKool"' });
        return undefined;
      }
      try {
        id = decodeURIComponent(decoded.slice(0, i).replace(/\+/g, '%20'));
        secret = decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, '%20'));
      } catch {
        oauthError(res, 401, 'invalid_client', 'malformed Basic credentials', { 'www-authenticate': 'Basic realm="eKool"' });
        return undefined;
      }
      const bodyId = body.get('client_id');
      if (bodyId !== null && bodyId !== id) {
        oauthError(res, 400, 'invalid_request', 'client_id mismatch');
        return undefined;
      }
    } else {
      id = body.get('client_id');
      secret = bodySecret;
    }
    if (id !== client.clientId || !secret || !safeEqual(secret, client.clientSecret)) {
      oauthError(res, 401, 'invalid_client', 'client authentication failed', auth ? { 'www-authenticate': 'Basic realm="eKool"' } : {});
      return undefined;
    }
    return id;
  }

  function issueTokens(grant: Grant): { access_token: string; token_type: string; expires_in: number; refresh_token: string; scope: string } {
    const access = randomToken(32);
    const refresh = randomToken(32);
    accessTokens.set(access, grant, ACCESS_TTL_S * 1000);
    refreshTokens.set(refresh, grant, REFRESH_TTL_MS);
    return { access_token: access, token_type: 'Bearer', expires_in: ACCESS_TTL_S, refresh_token: refresh, scope: grant.scope };
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(res, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    }
    const body = new URLSearchParams(await readBody(req));
    const clientId = authenticate(req, res, body);
    if (clientId === undefined) return;
    const grantType = body.get('grant_type');

    if (grantType === 'authorization_code') {
      const code = body.get('code');
      if (!code) return oauthError(res, 400, 'invalid_request', 'code is required');
      const replayed = usedCodes.get(code);
      if (replayed) {
        for (const t of replayed.issued) {
          accessTokens.delete(t);
          refreshTokens.delete(t);
        }
        return oauthError(res, 400, 'invalid_grant', 'authorization code has already been used; its tokens are revoked');
      }
      const grant = codes.get(code);
      if (!grant || grant.clientId !== clientId) return oauthError(res, 400, 'invalid_grant', 'authorization code is invalid or expired');
      if (body.get('redirect_uri') !== grant.redirectUri) {
        return oauthError(res, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
      }
      if (grant.codeChallenge !== undefined) {
        const verifier = body.get('code_verifier') ?? '';
        const computed = createHash('sha256').update(verifier).digest('base64url');
        if (!verifier || !safeEqual(computed, grant.codeChallenge)) return oauthError(res, 400, 'invalid_grant', 'PKCE verification failed');
      }
      codes.delete(code);
      const tokens = issueTokens({ clientId, user: grant.user, scope: grant.scope });
      grant.issued.push(tokens.access_token, tokens.refresh_token);
      usedCodes.set(code, grant, CODE_TTL_MS * 10);
      return sendJson(res, 200, tokens, { pragma: 'no-cache' });
    }

    if (grantType === 'refresh_token') {
      const refresh = body.get('refresh_token') ?? '';
      const grant = refreshTokens.get(refresh);
      if (!grant || grant.clientId !== clientId) return oauthError(res, 400, 'invalid_grant', 'refresh token is invalid or expired');
      refreshTokens.delete(refresh); // rotated
      return sendJson(res, 200, issueTokens(grant), { pragma: 'no-cache' });
    }

    oauthError(res, 400, 'unsupported_grant_type', `grant_type "${grantType ?? ''}" is not supported`);
  }

  function userinfo(req: IncomingMessage, res: ServerResponse): void {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const grant = m?.[1] ? accessTokens.get(m[1]) : undefined;
    if (!grant) {
      return oauthError(res, 401, 'invalid_token', 'the access token is missing, invalid or expired', {
        'www-authenticate': 'Bearer realm="eKool", error="invalid_token"',
      });
    }
    sendJson(res, 200, grant.user.profile);
  }

  http.server.on(
    'request',
    handle(async (req, res) => {
      const url = requestUrl(req, origin);
      if (req.method === 'GET' && url.pathname === paths.authorize) return authorize(res, url);
      if (req.method === 'POST' && url.pathname === paths.token) return token(req, res);
      if (req.method === 'GET' && url.pathname === paths.userinfo) return userinfo(req, res);
      sendJson(res, 404, { error: 'not_found' });
    }),
  );

  return {
    authorizeUrl: `${origin}${paths.authorize}`,
    tokenUrl: `${origin}${paths.token}`,
    userinfoUrl: `${origin}${paths.userinfo}`,
    close: () => http.close(),
  };
}
