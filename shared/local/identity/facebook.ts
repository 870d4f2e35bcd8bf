import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  ExpiringMap,
  handle,
  listen,
  randomToken,
  readParams,
  redirect,
  requestUrl,
  safeEqual,
  sendHtml,
  sendJson,
  sendUserChooser,
} from './http.js';
import { type FacebookUser, facebookUsers, findUser, summaries } from './users.js';

/**
 * Facebook Login stand-in (manual login flow of the Graph API, version path v21.0):
 *
 *   GET  {dialogUrl}?client_id&redirect_uri&state&response_type=code&scope&login_hint
 *        -> 302 redirect_uri?code=..&state=..  (unknown login_hint / ?deny: redirect with
 *           error=access_denied&error_reason=user_denied&error_description=Permissions+error&error_code=200)
 *        An unknown client_id or a redirect_uri not registered for it is NOT redirected to: 400 HTML page.
 *   GET|POST {graphUrl}/oauth/access_token?client_id&redirect_uri&client_secret&code
 *        -> { access_token, token_type: 'bearer', expires_in }   (code: single use, 10 min, bound to client_id +
 *           redirect_uri; errors 400 { error: { message, type: 'OAuthException', code, error_subcode?, fbtrace_id } })
 *   GET  {graphUrl}/debug_token?input_token=..&access_token=<app_id>|<app_secret>
 *        -> { data: { app_id, type: 'USER', application, is_valid, user_id, scopes, issued_at, expires_at, data_access_expires_at } }
 *           A token of ANOTHER app is still reported (is_valid true) with that app's app_id: the caller must compare.
 *   GET  {graphUrl}/me?fields=id,first_name,last_name,name,email&access_token=..[&appsecret_proof=hex HMAC-SHA256(token, secret)]
 *        -> the requested fields (e-mail only when granted with scope "email" and the account has one)
 */

export interface FacebookStandIn {
  dialogUrl: string;
  graphUrl: string;
  /**
   * Issues a user access token as if the user had logged in to ANOTHER Facebook app (`appId`, which need not be
   * registered): for the negative test "a token from another app must be rejected" (debug_token reports its app_id).
   */
  issueTokenForApp(appId: string, loginHint: string, scopes?: string[]): string;
  close(): Promise<void>;
}

export interface FacebookApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

const VERSION = 'v21.0';
const TOKEN_TTL_S = 5_183_944; // ~60 days, like Facebook's long-lived tokens
const CODE_TTL_MS = 10 * 60_000;

interface CodeGrant {
  appId: string;
  redirectUri: string;
  user: FacebookUser;
  scopes: string[];
}

interface TokenInfo {
  appId: string;
  application: string;
  user: FacebookUser;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
}

function fbError(res: ServerResponse, status: number, message: string, code: number, extra: Record<string, unknown> = {}): void {
  sendJson(res, status, {
    error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: randomToken(8) },
  });
}

function parseScopes(scope: string | null): string[] {
  const requested = (scope ?? '').split(/[\s,]+/).filter(Boolean);
  const granted = new Set(['public_profile']);
  for (const s of requested) if (s === 'email' || s === 'public_profile') granted.add(s);
  return [...granted];
}

export async function startFacebookStandIn(app: FacebookApp): Promise<FacebookStandIn> {
  const codes = new ExpiringMap<CodeGrant>();
  const usedCodes = new ExpiringMap<true>();
  const tokens = new ExpiringMap<TokenInfo>();
  const appName = 'Opiq (local)';

  const issueToken = (appId: string, application: string, user: FacebookUser, scopes: string[]): string => {
    const token = `EAA${randomToken(48)}`;
    const issuedAt = Math.floor(Date.now() / 1000);
    tokens.set(token, { appId, application, user, scopes, issuedAt, expiresAt: issuedAt + TOKEN_TTL_S }, TOKEN_TTL_S * 1000);
    return token;
  };

  const bearer = (req: IncomingMessage, url: URL): string | undefined => {
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth);
      if (m?.[1]) return m[1];
    }
    return url.searchParams.get('access_token') ?? undefined;
  };

  const http = await listen();
  const origin = http.origin;
  const dialogPath = `/${VERSION}/dialog/oauth`;
  const graphPrefix = `/graph/${VERSION}`;

  async function dialog(_req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const q = url.searchParams;
    const clientId = q.get('client_id');
    const redirectUri = q.get('redirect_uri');
    if (clientId !== app.clientId) {
      sendHtml(
        res,
        400,
        'Facebook (local stand-in): invalid app ID',
        `<p>Invalid App ID: the client_id "${clientId ?? ''}" is not a registered app.</p>`,
      );
      return;
    }
    if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
      sendHtml(
        res,
        400,
        'Facebook (local stand-in): URL blocked',
        "<p>This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings.</p>",
      );
      return;
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    const deny = (description: string) => {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_code', '200');
      back.searchParams.set('error_description', description);
      back.searchParams.set('error_reason', 'user_denied');
      if (state !== null) back.searchParams.set('state', state);
      redirect(res, `${back.href}#_=_`);
    };
    if (q.has('deny')) return deny('Permissions error');
    const responseType = q.get('response_type') ?? 'code';
    if (responseType !== 'code') {
      sendHtml(res, 400, 'Facebook (local stand-in): unsupported response_type', '<p>Only response_type=code is supported.</p>');
      return;
    }
    const hint = q.get('login_hint');
    if (!hint) {
      const cancel = new URL(url);
      cancel.searchParams.set('deny', '1');
      sendUserChooser(res, 'Facebook', url, summaries(facebookUsers), cancel.pathname + cancel.search);
      return;
    }
    const user = findUser(facebookUsers, hint);
    if (!user) return deny('Permissions error');
    const code = `AQ${randomToken(64)}`;
    codes.set(code, { appId: clientId, redirectUri, user, scopes: parseScopes(q.get('scope')) }, CODE_TTL_MS);
    back.searchParams.set('code', code);
    if (state !== null) back.searchParams.set('state', state);
    redirect(res, `${back.href}#_=_`);
  }

  async function accessToken(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = await readParams(req, url);
    const clientId = p.get('client_id');
    if (!clientId || clientId !== app.clientId) {
      return fbError(res, 400, 'Error validating application. Invalid application ID.', 101);
    }
    const secret = p.get('client_secret');
    if (!secret || !safeEqual(secret, app.clientSecret)) {
      return fbError(res, 400, 'Error validating client secret.', 1);
    }
    const code = p.get('code');
    if (!code) return fbError(res, 400, 'Missing authorization code', 1);
    if (usedCodes.has(code)) return fbError(res, 400, 'This authorization code has been used.', 100, { error_subcode: 36009 });
    const grant = codes.get(code);
    if (!grant) return fbError(res, 400, 'Invalid verification code format.', 100, { error_subcode: 36007 });
    if (grant.appId !== clientId || grant.redirectUri !== p.get('redirect_uri')) {
      return fbError(
        res,
        400,
        'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
        100,
        { error_subcode: 36008 },
      );
    }
    codes.delete(code);
    usedCodes.set(code, true, CODE_TTL_MS);
    const token = issueToken(clientId, appName, grant.user, grant.scopes);
    sendJson(res, 200, { access_token: token, token_type: 'bearer', expires_in: TOKEN_TTL_S });
  }

  async function debugToken(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const appToken = bearer(req, url);
    const [appId, appSecret] = (appToken ?? '').split('|');
    if (appId !== app.clientId || !appSecret || !safeEqual(appSecret, app.clientSecret)) {
      return fbError(res, 400, 'Invalid OAuth access token signature.', 190);
    }
    const input = url.searchParams.get('input_token');
    if (!input) return fbError(res, 400, '(#100) The parameter input_token is required', 100);
    const info = tokens.get(input);
    if (!info) {
      sendJson(res, 200, { data: { error: { code: 190, message: 'Invalid OAuth access token.' }, is_valid: false, scopes: [] } });
      return;
    }
    sendJson(res, 200, {
      data: {
        app_id: info.appId,
        type: 'USER',
        application: info.application,
        data_access_expires_at: info.issuedAt + 90 * 86_400,
        expires_at: info.expiresAt,
        is_valid: true,
        issued_at: info.issuedAt,
        scopes: info.scopes,
        user_id: info.user.id,
      },
    });
  }

  async function me(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const token = bearer(req, url);
    if (!token) return fbError(res, 400, 'An active access token must be used to query information about the current user.', 2500);
    const info = tokens.get(token);
    if (!info) return fbError(res, 400, 'Invalid OAuth access token data.', 190);
    const proof = url.searchParams.get('appsecret_proof');
    if (proof !== null) {
      const expected = info.appId === app.clientId ? createHmac('sha256', app.clientSecret).update(token).digest('hex') : '';
      if (!expected || !safeEqual(proof.toLowerCase(), expected)) {
        return fbError(res, 400, 'Invalid appsecret_proof provided in the API argument', 100);
      }
    }
    const fields = (url.searchParams.get('fields') ?? 'id,name')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const { user } = info;
    const available: Record<string, string | undefined> = {
      id: user.id,
      first_name: user.first_name,
      last_name: user.last_name,
      name: `${user.first_name} ${user.last_name}`,
      short_name: user.first_name,
      email: info.scopes.includes('email') ? user.email : undefined,
    };
    const body: Record<string, string> = {};
    for (const field of fields) {
      if (!(field in available)) return fbError(res, 400, `(#100) Tried accessing nonexisting field (${field}) on node type (User)`, 100);
      const value = available[field];
      if (value !== undefined) body[field] = value;
    }
    body.id = user.id;
    sendJson(res, 200, body);
  }

  http.server.on(
    'request',
    handle(async (req, res) => {
      const url = requestUrl(req, origin);
      const path = url.pathname;
      if (req.method === 'GET' && path === dialogPath) return dialog(req, res, url);
      if (path === `${graphPrefix}/oauth/access_token` && (req.method === 'GET' || req.method === 'POST')) return accessToken(req, res, url);
      if (req.method === 'GET' && path === `${graphPrefix}/debug_token`) return debugToken(req, res, url);
      if (req.method === 'GET' && path === `${graphPrefix}/me`) return me(req, res, url);
      fbError(res, 404, `Unknown path components: ${path}`, 2500);
    }),
  );

  return {
    dialogUrl: `${origin}${dialogPath}`,
    graphUrl: `${origin}${graphPrefix}`,
    issueTokenForApp(appId, loginHint, scopes = ['public_profile', 'email']) {
      const user = findUser(facebookUsers, loginHint);
      if (!user) throw new Error(`facebook stand-in: no demo user for login_hint "${loginHint}"`);
      return issueToken(appId, `Other app ${appId}`, user, scopes);
    },
    close: () => http.close(),
  };
}
