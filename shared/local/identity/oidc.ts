import { generateKeyPair as generateKeyPairCb, type KeyObject } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { promisify } from 'node:util';

import { decodeJwt, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';

import { escapeHtml, listen, randomToken, sendHtml, sendUserChooser } from './http.js';

/**
 * A real OpenID Provider (panva/oidc-provider, OpenID-certified) configured to look like one identity provider:
 * its endpoint paths, scopes and claims. Login and consent are non-interactive: the authorize request's
 * `login_hint` picks the demo user (no hint: an HTML page lists them, for a developer in a browser).
 *
 * oidc-provider is a devDependency and ESM-only; it is imported lazily so production code never loads it.
 */

interface OidcClientRegistration {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

interface OidcDemoUser {
  loginHint: string;
  aliases: string[];
  description: string;
  sub: string;
  amr?: string[];
  claims: Record<string, unknown>;
}

export interface OidcStandInConfig {
  /** Display name, e.g. "HarID". */
  name: string;
  /** Prefix of the provider's cookie names, so that several stand-ins on 127.0.0.1 do not share cookies. */
  cookiePrefix: string;
  routes: { authorization: string; token: string; userinfo: string; jwks: string };
  /** oidc-provider `claims`: scope -> claim names (scopes are derived from the keys). */
  claims: Record<string, string[] | null>;
  /** true: scope claims only in userinfo (HarID, MPASSid); false: also in the id_token (Google). */
  conformIdTokenClaims: boolean;
  pkceRequired: boolean;
  users: OidcDemoUser[];
  client: OidcClientRegistration;
}

interface SignJwtOptions {
  /**
   * Sign with a key that is NOT the provider's (but carries the provider's `kid`): a forged token. Default: sign
   * with the provider's real key (e.g. to mint a well-signed but expired or wrongly addressed token).
   */
  foreignKey?: boolean;
}

export interface OidcStandIn {
  /** Discovery at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** The public signing keys (also served at the discovery's jwks_uri). */
  jwks: { keys: JWK[] };
  /** Signs `payload` as an RS256 JWT with this provider's `kid` (header `{ alg, kid }`, like its id_tokens). */
  signJwt(payload: JWTPayload, options?: SignJwtOptions): Promise<string>;
  /**
   * Negative tests: the NEXT successful token-endpoint response of this provider carries an id_token whose claims
   * are `edit(originalClaims)`, re-signed with the provider's key (or a foreign key). E.g. `exp` in the past,
   * another `aud`, another `nonce`. One-shot; `clearTamper()` cancels a pending edit.
   */
  tamperNextIdToken(edit: (claims: JWTPayload) => JWTPayload, options?: SignJwtOptions): void;
  clearTamper(): void;
  close(): Promise<void>;
}

// ------------------------------------------------------------------------------ minimal oidc-provider typings

interface KoaContext {
  path: string;
  method: string;
  status: number;
  body: unknown;
  type: string;
}

interface InteractionDetails {
  uid: string;
  params: Record<string, unknown>;
  prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
}

interface GrantInstance {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}

interface ProviderInstance {
  callback(): RequestListener;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => GrantInstance;
}

interface ProviderModule {
  default: new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;
}

let providerModule: Promise<ProviderModule> | undefined;

/**
 * Imports oidc-provider once. Its import prints "Unsupported runtime. Use Node.js v22.x LTS" on Node 20; it works
 * there (verified for 9.13.3), so only that one line is filtered out while importing.
 */
function loadOidcProvider(): Promise<ProviderModule> {
  providerModule ??= (async () => {
    const specifier: string = 'oidc-provider';
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      original(...args);
    };
    try {
      return (await import(specifier)) as ProviderModule;
    } finally {
      console.warn = original;
    }
  })();
  return providerModule;
}

/** Starts loading oidc-provider early (in parallel with key generation). */
export function preloadOidcProvider(): void {
  void loadOidcProvider().catch(() => undefined);
}

// ------------------------------------------------------------------------------------------------------- keys

const generateKeyPair = promisify(generateKeyPairCb);

export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = (await generateKeyPair('rsa', { modulusLength: 2048 })) as { privateKey: KeyObject };
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: randomToken(9), alg: 'RS256', use: 'sig' };
}

let foreignJwk: Promise<JWK> | undefined;

async function signWith(jwk: JWK, payload: JWTPayload, options: SignJwtOptions = {}): Promise<string> {
  const keyJwk = options.foreignKey ? await (foreignJwk ??= generateSigningJwk()) : jwk;
  const key = await importJWK(keyJwk, 'RS256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: jwk.kid ?? '' }).sign(key);
}

function publicJwk(jwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, kid, alg, use };
}

// ----------------------------------------------------------------------------------------------------- adapter

type Payload = Record<string, unknown>;

/** A per-provider in-memory storage adapter (oidc-provider's bundled one is process-global and warns at start). */
function createMemoryAdapter(): new (model: string) => object {
  const store = new Map<string, { payload: Payload; expiresAt: number | undefined }>();
  const byGrant = new Map<string, Set<string>>();
  const byUid = new Map<string, string>();
  const byUserCode = new Map<string, string>();
  let writes = 0;

  const live = (key: string): Payload | undefined => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of store) if (entry.expiresAt !== undefined && entry.expiresAt <= now) store.delete(key);
    for (const [grantId, keys] of byGrant) {
      for (const key of keys) if (!store.has(key)) keys.delete(key);
      if (keys.size === 0) byGrant.delete(grantId);
    }
  };

  return class MemoryAdapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    #key(id: string): string {
      return `${this.#model}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      if (++writes % 200 === 0) sweep();
      const key = this.#key(id);
      // Kept 15 s past expiry (oidc-provider's clock tolerance) so that it reports "expired", not "not found".
      store.set(key, { payload: { ...payload }, expiresAt: expiresIn ? Date.now() + (expiresIn + 15) * 1000 : undefined });
      if (typeof payload.grantId === 'string') {
        const keys = byGrant.get(payload.grantId) ?? new Set<string>();
        keys.add(key);
        byGrant.set(payload.grantId, keys);
      }
      if (typeof payload.uid === 'string') byUid.set(payload.uid, id);
      if (typeof payload.userCode === 'string') byUserCode.set(payload.userCode, id);
    }

    async find(id: string): Promise<Payload | undefined> {
      const payload = live(this.#key(id));
      return payload ? { ...payload } : undefined;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const id = byUid.get(uid);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      const id = byUserCode.get(userCode);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id: string): Promise<void> {
      const payload = live(this.#key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(this.#key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of byGrant.get(grantId) ?? []) store.delete(key);
      byGrant.delete(grantId);
    }
  };
}

// ------------------------------------------------------------------------------------------------- stand-in

function findUser(users: OidcDemoUser[], hint: string): OidcDemoUser | undefined {
  const h = hint.trim().toLowerCase();
  return users.find((u) => u.loginHint.toLowerCase() === h || u.aliases.some((a) => a.toLowerCase() === h));
}

/**
 * Drops the provider's session cookie from every response: each authorization request then starts without an
 * SSO session, so the `login_hint` always decides who signs in (and switching users never hits oidc-provider's
 * "log out the other user first" page). `prompt=none` therefore always answers login_required.
 */
function withoutSessionCookie(res: ServerResponse, cookieName: string): void {
  const writeHead = res.writeHead as (...args: unknown[]) => ServerResponse;
  res.writeHead = function patchedWriteHead(this: ServerResponse, ...args: unknown[]) {
    const cookies = this.getHeader('set-cookie');
    if (Array.isArray(cookies)) {
      this.setHeader(
        'set-cookie',
        cookies.filter((c) => !c.startsWith(`${cookieName}=`) && !c.startsWith(`${cookieName}.sig=`)),
      );
    }
    return writeHead.apply(this, args);
  };
}

export async function startOidcStandIn(config: OidcStandInConfig, signingJwk: JWK): Promise<OidcStandIn> {
  const { default: Provider } = await loadOidcProvider();
  const http = await listen();
  const issuer = http.origin;
  const names = {
    session: `_${config.cookiePrefix}_session`,
    interaction: `_${config.cookiePrefix}_interaction`,
    resume: `_${config.cookiePrefix}_resume`,
  };

  const provider = new Provider(issuer, {
    adapter: createMemoryAdapter(),
    clients: [
      {
        client_id: config.client.clientId,
        client_secret: config.client.clientSecret,
        redirect_uris: config.client.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        // client_secret_post is accepted too: oidc-provider treats basic and post as interchangeable.
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    responseTypes: ['code'],
    allowOmittingSingleRegisteredRedirectUri: false,
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomToken(32)], names },
    scopes: ['openid'], // + the scopes derived from `claims`; no offline_access (no refresh tokens)
    claims: config.claims,
    conformIdTokenClaims: config.conformIdTokenClaims,
    pkce: { required: () => config.pkceRequired },
    routes: config.routes,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      resourceIndicators: { enabled: false },
      userinfo: { enabled: true },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = config.users.find((u) => u.sub === sub);
      if (!user) return undefined;
      return { accountId: user.sub, claims: () => ({ sub: user.sub, ...user.claims }) };
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
      RefreshToken: 86_400,
      ClientCredentials: 600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
      PreAuthorizedCode: 600,
    },
    renderError: (ctx: KoaContext, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><meta charset="utf-8"><title>${escapeHtml(config.name)} error</title><h1>${escapeHtml(config.name)} (local stand-in): error</h1>${Object.entries(
        out,
      )
        .map(([k, v]) => `<p><b>${escapeHtml(k)}</b>: ${escapeHtml(String(v))}</p>`)
        .join('')}`;
    },
  });

  provider.on('server_error', (_ctx: unknown, err: unknown) => {
    console.error(`[identity:${config.cookiePrefix}] server_error`, err);
  });

  let tamper: { edit: (claims: JWTPayload) => JWTPayload; options: SignJwtOptions } | undefined;
  provider.use(async (ctx, next) => {
    await next();
    if (!tamper || ctx.method !== 'POST' || ctx.path !== config.routes.token || ctx.status !== 200) return;
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (!body || typeof body.id_token !== 'string') return;
    const { edit, options } = tamper;
    tamper = undefined;
    body.id_token = await signWith(signingJwk, edit(decodeJwt(body.id_token)), options);
  });

  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let details: InteractionDetails;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (err) {
      sendHtml(res, 400, `${config.name}: no sign-in in progress`, `<p>${escapeHtml(err instanceof Error ? err.message : String(err))}</p>`);
      return;
    }
    const url = new URL(req.url ?? '/', issuer);
    const finish = (result: Record<string, unknown>) => provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });

    if (url.searchParams.has('deny')) {
      await finish({ error: 'access_denied', error_description: 'End-User cancelled the sign-in' });
      return;
    }
    const hint = url.searchParams.get('login_hint') ?? (typeof details.params.login_hint === 'string' ? details.params.login_hint : '');
    if (!hint) {
      const users = config.users.map(({ loginHint, description }) => ({ loginHint, description }));
      sendUserChooser(res, config.name, url, users, `${url.pathname}?deny=1`);
      return;
    }
    const user = findUser(config.users, hint);
    if (!user) {
      await finish({ error: 'access_denied', error_description: `no demo user for login_hint "${hint}"` });
      return;
    }

    const grant = new provider.Grant({ accountId: user.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(typeof details.params.scope === 'string' ? details.params.scope : 'openid');
    const missingClaims = details.prompt.details.missingOIDCClaims;
    if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims as string[]);
    const grantId = await grant.save();
    await finish({
      login: { accountId: user.sub, ...(user.amr ? { amr: user.amr } : {}), remember: false },
      consent: { grantId },
    });
  }

  http.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').startsWith('/interaction/')) {
      interaction(req, res).catch((err: unknown) => {
        console.error(`[identity:${config.cookiePrefix}] interaction failed`, err);
        if (!res.headersSent) sendHtml(res, 500, `${config.name}: error`, `<p>${escapeHtml(String(err))}</p>`);
        else res.destroy();
      });
      return;
    }
    withoutSessionCookie(res, names.session);
    callback(req, res);
  });

  return {
    issuer,
    jwks: { keys: [publicJwk(signingJwk)] },
    signJwt: (payload, options) => signWith(signingJwk, payload, options),
    tamperNextIdToken(edit, options = {}) {
      tamper = { edit, options };
    },
    clearTamper() {
      tamper = undefined;
    },
    close: () => http.close(),
  };
}
