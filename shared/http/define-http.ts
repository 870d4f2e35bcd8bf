import { randomUUID } from 'node:crypto';

import type { Cookie, HttpMethod, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { parse as parseCookies } from 'cookie';
import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { auditedCapabilities, authorize, type Capability, type Grant, recordStaffAccess, type Target } from '../acl/index.js';
import {
  ACCESS_TOKEN_COOKIE,
  AccessTokenError,
  assertSessionActive,
  blockedByRestriction,
  clearedSessionCookies,
  csrfTokenValid,
  type Principal,
  sessionListedOnAccount,
  verifyAccessToken,
} from '../auth/index.js';
import type { Config } from '../platform/config.js';
import type { HttpContract, HttpDefinition, HttpResult } from '../platform/definitions.js';
import { type AppError, type ErrorCode, isAppError } from '../platform/errors.js';
import { formatCounts, withOperationCounter } from '../platform/operations.js';
import { getServices, type Services } from '../platform/services.js';
import { httpErrorOf } from './error-catalogue.js';
import { type ErrorDetail, HttpError } from './errors.js';
import { type Language,message, negotiateLanguage } from './i18n.js';
import { parseFormStrictly, parseJsonStrictly } from './json-body.js';

export const CSRF_HEADER = 'x-csrf-token';
const CORRELATION_HEADER = 'x-correlation-id';

/** What the capability table granted: the caller's account (read once per request) and the matching grants. */
interface Access {
  account: AccountDoc;
  grants: Grant[];
  /** The target's account when the access check had to read it (a parent's child): handlers use it, not a second read. */
  targetAccount?: AccountDoc;
}

interface HttpContext<P, Q, B, A extends 'public' | 'session'> {
  params: P;
  query: Q;
  body: B;
  principal: A extends 'session' ? Principal : Principal | undefined;
  access: A extends 'session' ? Access : undefined;
  services: Services;
  language: Language;
  correlationId: string;
  request: HttpRequest;
  invocation: InvocationContext;
}

export const ok = (body: unknown, extra: Omit<HttpResult, 'body'> = {}): HttpResult => ({ status: 200, body, ...extra });
export const created = (body: unknown, extra: Omit<HttpResult, 'body'> = {}): HttpResult => ({ status: 201, body, ...extra });
export const noContent = (extra: Omit<HttpResult, 'body' | 'status'> = {}): HttpResult => ({ status: 204, ...extra });
export const redirect = (location: string, extra: Omit<HttpResult, 'body' | 'status'> = {}): HttpResult => ({
  status: 303,
  ...extra,
  headers: { ...extra.headers, location },
});

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HttpOptions<
  PS extends z.ZodType | undefined,
  QS extends z.ZodType | undefined,
  BS extends z.ZodType | undefined,
  A extends 'public' | 'session',
> {
  name: string;
  route: string;
  methods: HttpMethod[];
  summary: string;
  tags: string[];
  auth: A;
  /**
   * Public routes that act on the caller's session when there is one (the session answer, sign-out, a sign-in that
   * links): only these resolve a bearer token. Other public routes never read Cosmos for it; a session cookie is still
   * checked there so that a revoked or stale one is cleared (issue 17).
   */
  usesSession?: boolean;
  /**
   * The row of the capability table this route needs (ACL). Session routes without one get 'self.read' for GET and
   * 'self.update' otherwise: the caller's own data only. The route x role test lists any route that relies on that.
   */
  capability?: Capability;
  /**
   * What the request is about, from its validated parameters (and the caller, for routes whose target depends on
   * whether the caller is a party, e.g. ending a parent link); defaults to the caller's own account.
   */
  target?: (input: { params: Out<PS>; query: Out<QS>; principal: Principal | undefined }) => Target;
  params?: PS;
  query?: QS;
  body?: BS;
  /** Body encodings accepted when `body` is set (default JSON only; payment callbacks also take forms). */
  bodyTypes?: ('json' | 'form')[];
  output?: z.ZodType;
  successStatus?: number;
  /** The route honours an Idempotency-Key header (shared/http/idempotency.ts); documented in OpenAPI. */
  idempotencyKey?: boolean;
  /**
   * For addresses a browser is sent to by another site (the payment page's return): every error becomes a 303 to this
   * page of the front end instead of a JSON error page; unexpected errors are still reported to telemetry.
   */
  errorRedirect?: (config: Config) => string;
  handler: (context: HttpContext<Out<PS>, Out<QS>, Out<BS>, A>) => Promise<HttpResult>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CORRELATION_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Every HTTP function goes through here: correlation id, language, principal, CSRF for cookie sessions, body limits
 * and media types, zod validation, and one error envelope. Anything unexpected is a 500 without internals.
 */
export function defineHttp<
  PS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
  A extends 'public' | 'session' = 'session',
>(options: HttpOptions<PS, QS, BS, A>): HttpDefinition {
  const capability: Capability =
    options.auth === 'public' ? 'public' : (options.capability ?? (options.methods.every((m) => m === 'GET' || m === 'HEAD') ? 'self.read' : 'self.update'));
  const contract: HttpContract = {
    summary: options.summary,
    tags: options.tags,
    auth: options.auth,
    capability,
    capabilityDeclared: options.auth === 'public' || options.capability !== undefined,
    ...(options.target ? { target: options.target as HttpContract['target'] } : {}),
    params: options.params,
    query: options.query,
    body: options.body,
    bodyTypes: options.bodyTypes ?? ['json'],
    output: options.output,
    successStatus: options.successStatus ?? 200,
    ...(options.idempotencyKey ? { idempotencyKey: true } : {}),
  };

  async function handle(request: HttpRequest, invocation: InvocationContext): Promise<HttpResponseInit> {
    const language = negotiateLanguage(request.headers.get('accept-language'));
    const incoming = request.headers.get(CORRELATION_HEADER);
    const correlationId =
      incoming && CORRELATION_ID.test(incoming)
        ? incoming
        : invocation.invocationId && invocation.invocationId !== 'unknown'
          ? invocation.invocationId
          : randomUUID();
    const baseHeaders: Record<string, string> = {
      [CORRELATION_HEADER]: correlationId,
      'content-language': language,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // App Service cannot add HSTS and Bicep cannot set it, so the app does (browsers ignore it over plain http).
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    };

    let services: Services | undefined;
    /** Set when the request carried a session cookie that no longer works: the response clears it. */
    let staleCookies: Cookie[] = [];
    const run = withOperationCounter(async (): Promise<HttpResponseInit> => {
      services = await getServices();
      const resolved = await resolvePrincipal(request, services, options.auth === 'session' || options.usesSession === true);
      let principal = options.auth === 'public' && !options.usesSession ? undefined : resolved.principal;
      if (resolved.problem) {
        if (resolved.via === 'cookie') staleCookies = resolved.problem.code === 'session_expired' ? clearedSessionCookies().filter((c) => c.name === ACCESS_TOKEN_COOKIE) : clearedSessionCookies();
        // Public routes (catalogue, sign-in, refresh, sign-out, the payment return) ignore a bad session: a stale
        // cookie must never lock a browser out of signing in again (issue 17).
        if (options.auth === 'session') throw resolved.problem;
      }
      if (options.auth === 'session' && !principal) throw new HttpError(401, 'unauthenticated', {}, undefined, { 'www-authenticate': 'Bearer' });
      if (principal?.via === 'cookie' && !SAFE_METHODS.has(request.method.toUpperCase()) && !csrfHeaderValid(request, principal, services.config)) {
        if (options.auth === 'session') throw new HttpError(403, 'csrf_failed');
        // A public write without the session's CSRF token runs as anonymous: the cookie lends it no authority.
        principal = undefined;
      }

      const params = parseWith(options.params as PS, request.params, 400, 'invalid_parameter');
      const query = parseWith(options.query as QS, queryObject(request), 400, 'invalid_query');
      // Authorisation comes before the body is read: a caller without the right learns nothing about the input.
      const access =
        principal && resolved.account && capability !== 'public'
          ? await grantAccess(services, principal, resolved.account, capability, options.target?.({ params, query, principal }) ?? {}, correlationId)
          : undefined;
      // OPS-1: a read-only restriction leaves the person their own settings only.
      if (access && !SAFE_METHODS.has(request.method.toUpperCase()) && blockedByRestriction(access.account, capability)) throw new HttpError(403, 'account_read_only');
      const rawBody = options.body ? await readBody(request, contract.bodyTypes, services.config.MAX_BODY_BYTES) : undefined;
      const body = parseWith(options.body, rawBody, 422, 'validation_failed');

      const result = await options.handler({
        params,
        query,
        body,
        principal: principal as HttpContext<Out<PS>, Out<QS>, Out<BS>, A>['principal'],
        access: access as HttpContext<Out<PS>, Out<QS>, Out<BS>, A>['access'],
        services,
        language,
        correlationId,
        request,
        invocation,
      } as HttpContext<Out<PS>, Out<QS>, Out<BS>, A>);
      const status = result.status ?? contract.successStatus;
      return {
        status,
        headers: { ...baseHeaders, ...result.headers, ...(staleCookies.length ? { 'cache-control': 'no-store' } : {}) },
        cookies: mergeCookies(staleCookies, result.cookies),
        ...responseBody(status, result.body),
      };
    });

    let response: HttpResponseInit;
    try {
      response = await run.result;
    } catch (error) {
      response = errorResponse(error, language, correlationId, baseHeaders, services, options.name);
      if (options.errorRedirect && services) response = { status: 303, headers: { ...baseHeaders, location: options.errorRedirect(services.config) } };
      if (staleCookies.length) response.cookies = staleCookies;
    }
    if (services?.config.APP_ENV === 'local') (response.headers as Record<string, string>)['x-cosmos-ops'] = formatCounts(run.counts);
    return response;
  }

  return { kind: 'http', name: options.name, route: options.route, methods: options.methods, contract, handler: handle };
}

/** JSON unless the handler hands over text or bytes (the docs page and its assets), which go out as they are. */
function responseBody(status: number, body: unknown): Pick<HttpResponseInit, 'body' | 'jsonBody'> {
  if (status === 204 || body === undefined) return {};
  if (typeof body === 'string' || body instanceof Uint8Array) return { body };
  return { jsonBody: body };
}

async function grantAccess(services: Services, principal: Principal, account: AccountDoc, capability: Capability, target: Target, correlationId: string): Promise<Access> {
  const accounts = services.db.collection('accounts');
  const loaded = new Map<string, AccountDoc | undefined>();
  const load = async (id: string) => {
    if (!loaded.has(id)) loaded.set(id, await accounts.read<AccountDoc>(id, id));
    return loaded.get(id);
  };
  const grants = await authorize(account, capability, target, load, services.clock.now());
  if (grants.length === 0) throw new HttpError(403, 'forbidden');
  // ACL-7: staff looking at someone else's data leave a trace the person can see.
  if (auditedCapabilities.has(capability) && grants.every((g) => g.scope === 'staff') && target.accountId && target.accountId !== principal.accountId)
    await recordStaffAccess(services, { subjectId: target.accountId, staffAccountId: principal.accountId, capability, correlationId });
  const targetAccount = target.accountId ? loaded.get(target.accountId) : undefined;
  return { account, grants, ...(targetAccount?.type === 'account' ? { targetAccount } : {}) };
}

function errorResponse(
  error: unknown,
  language: Language,
  correlationId: string,
  baseHeaders: Record<string, string>,
  services: Services | undefined,
  functionName: string,
): HttpResponseInit {
  let httpError = httpErrorOf(error);
  if (!httpError) {
    httpError = new HttpError(500, 'internal_error', { correlationId });
    if (services) services.telemetry.exception(error, { function: functionName, correlationId });
    else console.error(JSON.stringify({ kind: 'exception', function: functionName, correlationId, errorType: error instanceof Error ? error.name : typeof error }));
  }
  return {
    status: httpError.status,
    headers: { ...baseHeaders, ...httpError.headers, 'content-type': 'application/json; charset=utf-8' },
    jsonBody: {
      error: {
        code: httpError.code,
        message: message(httpError.code, language, { correlationId, ...httpError.params }),
        ...(httpError.details ? { details: httpError.details } : {}),
      },
    },
  };
}

interface ResolvedPrincipal {
  principal?: Principal;
  /** The caller's account, read once: it authenticates the session and feeds the access check. */
  account?: AccountDoc;
  /** Why the presented token did not give a principal (401); routes that need a session answer it. */
  problem?: AppError;
  via?: Principal['via'];
}

/**
 * The caller from the token, in one point read: the account document carries its status and the list of its active
 * sessions (issue 11). `bearer` false: a bearer token is not looked at (public routes that do not use the session).
 */
async function resolvePrincipal(request: HttpRequest, services: Services, bearer: boolean): Promise<ResolvedPrincipal> {
  const authorization = request.headers.get('authorization');
  let token: string | undefined;
  let via: Principal['via'] = 'bearer';
  if (authorization) {
    const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
    if (!bearer) return {};
    if (!match) return { via, problem: new HttpError(401, 'unauthenticated', {}, undefined, { 'www-authenticate': 'Bearer error="invalid_request"' }) };
    token = match[1];
  } else {
    const cookieHeader = request.headers.get('cookie');
    token = cookieHeader ? parseCookies(cookieHeader)[ACCESS_TOKEN_COOKIE] : undefined;
    via = 'cookie';
  }
  if (!token) return {};
  try {
    const now = services.clock.now();
    const claims = await verifyAccessToken(token, services.config.SESSION_SIGNING_KEYS, now);
    // One point read: a revoked session (sign-out, suspension, password change) stops working at once.
    const account = await services.db.collection('accounts').read<AccountDoc>(claims.accountId, claims.accountId);
    if (!account || account.type !== 'account' || account.status !== 'active') throw new HttpError(401, 'session_revoked');
    const listed = sessionListedOnAccount(account, claims.sessionId, now);
    // An account not signed in since the list was introduced: its session document decides (a second read, once).
    if (listed === undefined) await assertSessionActive(services.db, claims, now);
    else if (!listed) throw new HttpError(401, 'session_revoked');
    return { principal: { ...claims, via }, account, via };
  } catch (error) {
    if (error instanceof AccessTokenError) {
      const code = error.problem === 'expired' ? 'session_expired' : 'unauthenticated';
      return { via, problem: new HttpError(401, code, {}, undefined, { 'www-authenticate': `Bearer error="invalid_token"` }) };
    }
    if (isAppError(error, 'session_revoked')) return { via, problem: error };
    throw error;
  }
}

/**
 * CSRF for cookie sessions: the header must carry the token derived from this session (HMAC of its id with a server
 * key). A cookie proves nothing here, since a sibling host or an attacker's page may be able to plant one.
 */
function csrfHeaderValid(request: HttpRequest, principal: Principal, config: Config): boolean {
  const header = request.headers.get(CSRF_HEADER) ?? '';
  return header.length >= 16 && header.length <= 200 && csrfTokenValid(header, principal.sessionId, config.SESSION_SIGNING_KEYS);
}

/** The handler's cookies win over the clearing of stale ones (a sign-in on a public route sets fresh ones). */
function mergeCookies(stale: Cookie[], fresh: Cookie[] | undefined): Cookie[] | undefined {
  if (stale.length === 0) return fresh;
  const names = new Set((fresh ?? []).map((c) => c.name));
  return [...stale.filter((c) => !names.has(c.name)), ...(fresh ?? [])];
}

function queryObject(request: HttpRequest): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(request.query.keys())) {
    const values = request.query.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

function parseWith<S extends z.ZodType | undefined>(schema: S, value: unknown, status: number, code: ErrorCode): Out<S> {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value);
  if (result.success) return result.data as Out<S>;
  throw new HttpError(status, code, {}, zodDetails(result.error));
}

function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.') || '(root)', issue: issue.message }));
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded$/i;

async function readBody(request: HttpRequest, accepted: ('json' | 'form')[], limit: number): Promise<unknown> {
  const declaredLength = Number(request.headers.get('content-length') ?? '0');
  if (declaredLength > limit) throw new HttpError(413, 'payload_too_large', { limit });
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limit) throw new HttpError(413, 'payload_too_large', { limit });
  if (bytes.byteLength === 0 && !contentType) return undefined;
  const expected = accepted.map((t) => (t === 'json' ? 'application/json' : 'application/x-www-form-urlencoded')).join(', ');
  if (accepted.includes('json') && JSON_TYPE.test(contentType)) return parseJsonStrictly(bytes);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (accepted.includes('form') && FORM_TYPE.test(contentType)) return parseFormStrictly(text);
  throw new HttpError(415, 'unsupported_media_type', { expected });
}
