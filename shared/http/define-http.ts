import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

import type { Cookie, HttpMethod, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { parse as parseCookies } from 'cookie';
import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { auditedCapabilities, authorize, type Capability, type Grant, queueStaffAccess, type Target } from '../acl/index.js';
import {
  ACCESS_TOKEN_COOKIE,
  AccessTokenError,
  assertSessionActive,
  clearedSessionCookies,
  csrfTokenValid,
  type Principal,
  sessionListedOnAccount,
  verifyAccessToken,
} from '../auth/index.js';
import type { Config } from '../platform/config.js';
import type { KnownDocuments } from '../platform/cosmos.js';
import { siteLanguageOf } from '../platform/countries.js';
import type {
  FileOutput,
  HttpContract,
  HttpDefinition,
  NoContentOutput,
  OutputContract,
  RedirectOutput,
  RedirectResult,
  ResultExtras,
} from '../platform/definitions.js';
import { type AppError, type ErrorCode, isAppError } from '../platform/errors.js';
import { formatCounts, withOperationCounter } from '../platform/operations.js';
import { getServices, type Services } from '../platform/services.js';
import { pseudonymousId } from '../platform/telemetry.js';
import { blockedByRestriction } from '../suspension/index.js';
import { errorText, httpErrorOf } from './error-catalogue.js';
import { type ErrorDetail, HttpError } from './errors.js';
import { type Language, namesOurLanguage, negotiateLanguage } from './i18n.js';
import { idempotencyKey } from './idempotency.js';
import { parseFormStrictly, parseJsonStrictly } from './json-body.js';
import { errorCodeProblem, outputProblem } from './output-check.js';

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
  /** The caller's account as the one read that authenticated them found it (public routes with `usesSession` too). */
  account: A extends 'session' ? AccountDoc : AccountDoc | undefined;
  /** The caller's own documents the route named in `readWithAccount`, read with the account (empty otherwise). */
  ownDocuments: KnownDocuments;
  services: Services;
  language: Language;
  correlationId: string;
  /** The client's Idempotency-Key, checked, on routes that declare `idempotencyKey`. */
  idempotencyKey: string | undefined;
  request: HttpRequest;
  invocation: InvocationContext;
}

/** A JSON answer; `body` is typed by the route's output schema. */
export interface JsonResult<T> extends ResultExtras {
  status?: number;
  body: T;
}
interface NoContentResult extends ResultExtras {
  status: 204;
}
interface FileResult extends ResultExtras {
  status?: number;
  /** A stream goes out as it is read (large files such as a data export are never held in memory whole). */
  body: string | Uint8Array | Readable;
}
type AnyResult = JsonResult<unknown> | RedirectResult | NoContentResult | FileResult;
/** Readonly all the way down: a handler may answer with `as const` data (what `ok` infers) wherever the schema has arrays. */
type Frozen<T> = T extends (infer E)[] ? readonly Frozen<E>[] : T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;
/** What the handler of a route with output `O` returns: a JSON body that fits the schema, or the declared non-JSON answer. */
type ResultFor<O extends OutputContract> = O extends z.ZodType
  ? JsonResult<Frozen<z.input<O>>>
  : O extends RedirectOutput
    ? RedirectResult
    : O extends NoContentOutput
      ? NoContentResult
      : FileResult;

// `const`: a body's literals ('requested', false) keep their literal types, so they can be checked against the schema.
export const ok = <const T>(body: T, extra: ResultExtras = {}): JsonResult<T> => ({ status: 200, body, ...extra });
export const created = <const T>(body: T, extra: ResultExtras = {}): JsonResult<T> => ({ status: 201, body, ...extra });
export const accepted = <const T>(body: T, extra: ResultExtras = {}): JsonResult<T> => ({ status: 202, body, ...extra });
export const noContent = (extra: ResultExtras = {}): NoContentResult => ({ status: 204, ...extra });
export const redirect = (location: string, extra: ResultExtras = {}): RedirectResult => ({
  status: 303,
  ...extra,
  headers: { ...extra.headers, location },
});

/** Outputs without a JSON body; a JSON answer is declared by its zod schema itself (`output: z.object(…)`). */
export const responds = {
  /** The browser is sent on with Location (303 See Other; 302 where the route has always answered that). */
  redirect: (to: string, status: 302 | 303 = 303): RedirectOutput => ({ kind: 'redirect', status, to }),
  noContent: { kind: 'noContent' } satisfies NoContentOutput,
  file: (...mediaTypes: [string, ...string[]]): FileOutput => ({ kind: 'file', mediaTypes }),
};

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Session routes name the row of the capability table they need (ACL); public routes may act on a session. */
type AuthOptions<A extends 'public' | 'session'> = A extends 'session'
  ? { capability: Exclude<Capability, 'public'>; usesSession?: never }
  : {
      capability?: never;
      /**
       * Public routes that act on the caller's session when there is one (the session answer, sign-out, a sign-in
       * that links): only these resolve a bearer token. Other public routes never read Cosmos for it; a session
       * cookie is still checked there so that a revoked or stale one is cleared (issue 17).
       */
      usesSession?: boolean;
    };

export interface HttpOptions<
  PS extends z.ZodType | undefined,
  QS extends z.ZodType | undefined,
  BS extends z.ZodType | undefined,
  A extends 'public' | 'session',
  O extends OutputContract,
> {
  name: string;
  route: string;
  methods: HttpMethod[];
  summary: string;
  tags: string[];
  auth: A;
  /**
   * What the request is about, from its validated parameters (and the caller, for routes whose target depends on
   * whether the caller is a party, e.g. ending a parent link); defaults to the caller's own account.
   */
  target?: (input: { params: Out<PS>; query: Out<QS>; principal: Principal | undefined }) => Target;
  params?: PS;
  /**
   * Documents of the caller's own partition (accounts container) the handler reads, by id from the valid path: read in
   * the same request as the account that authenticates (one round trip instead of two, issue 11) and handed to the
   * handler as `ownDocuments`. Nothing of them reaches the handler unless the session is good; an invalid path reads
   * none (its 400 follows as usual).
   */
  readWithAccount?: (params: Out<PS>) => string[];
  query?: QS;
  body?: BS;
  /** Body encodings accepted when `body` is set (default JSON only; payment callbacks also take forms; uploads take bytes). */
  bodyTypes?: ('json' | 'form' | 'bytes')[];
  /** This route's body limit when it is not MAX_BODY_BYTES (uploads: their own cap, checked before reading). */
  maxBodyBytes?: number;
  /**
   * Required: what a success answers. A zod schema for JSON (the handler's body is typed by it, and checked against
   * it on the local stack), or `responds.redirect(…)`, `responds.noContent`, `responds.file(…)`.
   */
  output: O;
  /** Status of a JSON success (default 200). */
  successStatus?: number;
  /** Other statuses a success may answer with the same body (a replayed create: 200; health degraded: 503). */
  otherStatuses?: number[];
  /**
   * Required: the catalogued error codes this route answers besides what the wrapper answers for its shape
   * (`wrapperErrorCodes`); `[]` when none. Their kinds give the statuses OpenAPI lists; on the local stack an
   * undeclared code is a 500 naming route and code.
   */
  errors: readonly ErrorCode[];
  /** The route honours an Idempotency-Key header (shared/http/idempotency.ts); documented in OpenAPI. */
  idempotencyKey?: boolean;
  /**
   * For addresses a browser is sent to by another site (the payment page's return): every error becomes a 303 to this
   * page of the front end instead of a JSON error page; unexpected errors are still reported to telemetry.
   */
  errorRedirect?: (config: Config) => string;
  /** Its result is typed by `output` (NoInfer: the schema decides, the handler does not widen it). */
  handler: (context: HttpContext<Out<PS>, Out<QS>, Out<BS>, A>) => Promise<NoInfer<ResultFor<O>>>;
}

/** A route as the steps see it: its contract plus what runs it, with the handler's types erased. */
interface Route extends HttpContract {
  name: string;
  readWithAccount?: (params: unknown) => string[];
  errorRedirectTo?: (config: Config) => string;
  handler: (context: HttpContext<unknown, unknown, unknown, 'public' | 'session'>) => Promise<AnyResult>;
}

/** One request on its way through the steps: each step reads what the earlier ones established. */
interface Flow {
  readonly route: Route;
  readonly request: HttpRequest;
  readonly invocation: InvocationContext;
  /** From Accept-Language; without one, the language of the site the request comes from (OPS-3). */
  language: Language;
  readonly correlationId: string;
  /** Sent with every answer, success or error. */
  readonly headers: Record<string, string>;
  /** Set when the request carried a session cookie that no longer works: the answer clears it. */
  staleCookies: Cookie[];
  services?: Services;
}
interface Ready extends Flow {
  services: Services;
  /** The caller's account, read once: it authenticates the session and feeds the access check. */
  account?: AccountDoc;
  ownDocuments?: KnownDocuments;
  principal?: Principal;
  params?: unknown;
  /** The path already validated (by `ownDocumentIds`), so `parseAddress` does not parse it again. */
  paramsParsed?: boolean;
  query?: unknown;
  body?: unknown;
  access?: Access;
  idempotencyKey?: string;
}
type Step = (flow: Ready) => void | Promise<void>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CORRELATION_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** What a handler gets as `ownDocuments` when its route reads none with the account. */
const NONE_READ: KnownDocuments = new Map();

/** What every request passes before its handler, in this order (Hono's middleware is the model). */
const steps: Step[] = [authenticate, requireSession, checkCsrf, parseAddress, checkAccess, refuseReadOnly, parseBody, readIdempotencyKey];

/**
 * Every HTTP function goes through here: the `steps`, then the handler, whose answer is checked against the route's
 * output (locally) and sent; any error on the way becomes the one error envelope (`answerError`). Anything unexpected
 * is a 500 without internals.
 */
export function defineHttp<
  PS extends z.ZodType | undefined = undefined,
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
  A extends 'public' | 'session' = 'public' | 'session',
  O extends OutputContract = OutputContract,
>(options: HttpOptions<PS, QS, BS, A, O> & AuthOptions<A>): HttpDefinition {
  const route = routeOf(options);
  const { name, errorRedirectTo: _r, handler: _h, readWithAccount: _o, ...contract } = route;

  async function handle(request: HttpRequest, invocation: InvocationContext): Promise<HttpResponseInit> {
    const flow = begin(route, request, invocation);
    const run = withOperationCounter(async (): Promise<HttpResponseInit> => {
      // The same object from here on, so that what the steps learn (stale cookies) reaches the error answer too.
      const ready: Ready = Object.assign(flow, { services: await getServices() });
      useSiteLanguage(ready);
      // Most steps finish synchronously; awaiting only the ones that return a promise spares a tick each (issue 11).
      for (const step of steps) {
        const pending = step(ready);
        if (pending) await pending;
      }
      const result = await callHandler(ready);
      checkOutput(ready, result);
      return respond(ready, result);
    });
    let response: HttpResponseInit;
    try {
      response = await run.result;
    } catch (error) {
      response = answerError(flow, error);
    }
    // Locally, every answer says how many Cosmos operations it took (the route budget tests read it).
    if (flow.services?.config.APP_ENV === 'local') (response.headers as Record<string, string>)['x-cosmos-ops'] = formatCounts(run.counts);
    reportAction(flow, response);
    return response;
  }

  return { kind: 'http', name, route: options.route, methods: options.methods, contract, handler: handle };
}

/**
 * Every answered request is a user action in telemetry (LOG-2): route, method, status, outcome and error code, and
 * the caller only as a pseudonymous id (no URL: the platform's request telemetry has the path, without the query).
 */
function reportAction(flow: Flow & Pick<Ready, 'principal'>, response: HttpResponseInit): void {
  if (!flow.services) return;
  const status = response.status ?? 200;
  const key = flow.services.config.TELEMETRY_PSEUDONYM_KEY;
  const accountId = flow.principal?.accountId;
  const code = (response.jsonBody as { error?: { code?: unknown } } | undefined)?.error?.code;
  flow.services.telemetry.event('user.action', {
    route: flow.route.name,
    method: flow.request.method,
    status,
    outcome: status < 400 ? 'ok' : status < 500 ? 'refused' : 'failed',
    ...(typeof code === 'string' ? { code } : {}),
    ...(key && accountId ? { user: pseudonymousId(key, accountId) } : {}),
  });
}

/** The definition with its defaults filled in, as the contract OpenAPI reads and the steps run. */
function routeOf<
  PS extends z.ZodType | undefined,
  QS extends z.ZodType | undefined,
  BS extends z.ZodType | undefined,
  A extends 'public' | 'session',
  O extends OutputContract,
>(options: HttpOptions<PS, QS, BS, A, O> & AuthOptions<A>): Route {
  return {
    name: options.name,
    summary: options.summary,
    tags: options.tags,
    auth: options.auth,
    usesSession: options.usesSession === true,
    capability: options.capability ?? 'public',
    ...(options.target ? { target: options.target as HttpContract['target'] } : {}),
    params: options.params,
    ...(options.readWithAccount ? { readWithAccount: options.readWithAccount as Route['readWithAccount'] } : {}),
    query: options.query,
    body: options.body,
    bodyTypes: options.bodyTypes ?? ['json'],
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    output: options.output,
    successStatus: options.successStatus ?? 200,
    otherStatuses: options.otherStatuses ?? [],
    errors: options.errors,
    errorRedirect: options.errorRedirect !== undefined,
    ...(options.errorRedirect ? { errorRedirectTo: options.errorRedirect } : {}),
    ...(options.idempotencyKey ? { idempotencyKey: true } : {}),
    // The one place the handler's types are erased: the steps hand it exactly what its schemas produced.
    handler: options.handler as unknown as Route['handler'],
  };
}

/** Correlation id, language and the headers every answer carries, before anything can fail. */
function begin(route: Route, request: HttpRequest, invocation: InvocationContext): Flow {
  const language = negotiateLanguage(request.headers.get('accept-language'));
  const incoming = request.headers.get(CORRELATION_HEADER);
  const correlationId =
    incoming && CORRELATION_ID.test(incoming)
      ? incoming
      : invocation.invocationId && invocation.invocationId !== 'unknown'
        ? invocation.invocationId
        : randomUUID();
  const headers: Record<string, string> = {
    [CORRELATION_HEADER]: correlationId,
    'content-language': language,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // App Service cannot add HSTS and Bicep cannot set it, so the app does (browsers ignore it over plain http).
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  };
  return { route, request, invocation, language, correlationId, headers, staleCookies: [] };
}

/**
 * OPS-3: a request whose Accept-Language names none of our languages (none, "*", "de") from the Finnish site is answered in
 * Finnish; the Estonian site and everything else keep the default.
 */
function useSiteLanguage(flow: Ready): void {
  if (namesOurLanguage(flow.request.headers.get('accept-language'))) return;
  const language = siteLanguageOf(flow.services.config, flow.request.headers.get('origin'));
  if (!language) return;
  flow.language = language;
  flow.headers['content-language'] = language;
}

/** Who is calling, from our own session token in one account read; a session cookie that no longer works is cleared. */
async function authenticate(flow: Ready): Promise<void> {
  const { route } = flow;
  const resolved = await resolvePrincipal(flow.request, flow.services, route.auth === 'session' || route.usesSession, ownDocumentIds(flow));
  flow.account = resolved.account;
  flow.ownDocuments = resolved.ownDocuments;
  flow.principal = route.auth === 'public' && !route.usesSession ? undefined : resolved.principal;
  if (!resolved.problem) return;
  if (resolved.via === 'cookie')
    flow.staleCookies =
      resolved.problem.code === 'session_expired' ? clearedSessionCookies().filter((c) => c.name === ACCESS_TOKEN_COOKIE) : clearedSessionCookies();
  // Public routes (catalogue, sign-in, refresh, sign-out, the payment return) ignore a bad session: a stale cookie
  // must never lock a browser out of signing in again (issue 17).
  if (route.auth === 'session') throw resolved.problem;
}

/** The ids a session route reads with the account, when its path is valid (an invalid one reads none: its 400 follows). */
function ownDocumentIds(flow: Ready): string[] {
  const { route, request } = flow;
  if (!route.readWithAccount || route.auth !== 'session') return [];
  const parsed = route.params ? route.params.safeParse(request.params) : { success: true as const, data: undefined };
  if (!parsed.success) return [];
  flow.params = parsed.data;
  flow.paramsParsed = true;
  return route.readWithAccount(parsed.data);
}

/** A session route without a caller is answered 401 with a Bearer challenge. */
function requireSession(flow: Ready): void {
  if (flow.route.auth === 'session' && !flow.principal) throw new HttpError(401, 'unauthenticated', {}, undefined, { 'www-authenticate': 'Bearer' });
}

/** A cookie travels with requests other sites start, so cookie-authenticated writes must carry the session's CSRF token. */
function checkCsrf(flow: Ready): void {
  const { principal, request } = flow;
  if (principal?.via !== 'cookie' || SAFE_METHODS.has(request.method.toUpperCase()) || csrfHeaderValid(request, principal, flow.services.config))
    return;
  if (flow.route.auth === 'session') throw new HttpError(403, 'csrf_failed');
  // A public write without the session's CSRF token runs as anonymous: the cookie lends it no authority.
  flow.principal = undefined;
}

/** Path and query are validated (400) before anything is read on their behalf. */
function parseAddress(flow: Ready): void {
  if (!flow.paramsParsed) flow.params = parseWith(flow.route.params, flow.request.params, 400, 'invalid_parameter');
  flow.query = parseWith(flow.route.query, queryObject(flow.request), 400, 'invalid_query');
}

/** The capability table decides (ACL), before the body is read: a caller without the right learns nothing about the input. */
async function checkAccess(flow: Ready): Promise<void> {
  const { principal, account, route } = flow;
  if (!principal || !account || route.capability === 'public') return;
  const target = route.target?.({ params: flow.params, query: flow.query, principal }) ?? {};
  flow.access = await grantAccess(flow.services, principal, account, route.capability, target, flow.correlationId);
}

/** OPS-1: a read-only restriction leaves the person their own settings only. */
function refuseReadOnly(flow: Ready): void {
  if (flow.access && !SAFE_METHODS.has(flow.request.method.toUpperCase()) && blockedByRestriction(flow.access.account, flow.route.capability))
    throw new HttpError(403, 'account_read_only');
}

/** The body last: size (413), media type (415), syntax (400) and schema (422). */
async function parseBody(flow: Ready): Promise<void> {
  if (!flow.route.body) return;
  const raw = await readBody(flow.request, flow.route.bodyTypes, flow.route.maxBodyBytes ?? flow.services.config.MAX_BODY_BYTES);
  flow.body = parseWith(flow.route.body, raw, 422, 'validation_failed');
}

/** A client that got a 503 or no answer may repeat a creating request with the same key (issue 9); a malformed key is 400. */
function readIdempotencyKey(flow: Ready): void {
  if (flow.route.idempotencyKey) flow.idempotencyKey = idempotencyKey(flow.request);
}

/** The handler gets only what the steps established. */
function callHandler(flow: Ready): Promise<AnyResult> {
  const { params, query, body, principal, access, services, language, correlationId, idempotencyKey, request, invocation } = flow;
  const account = principal ? flow.account : undefined;
  const ownDocuments = (principal && flow.ownDocuments) || NONE_READ;
  return flow.route.handler({
    params,
    query,
    body,
    principal,
    access,
    account,
    ownDocuments,
    services,
    language,
    correlationId,
    idempotencyKey,
    request,
    invocation,
  });
}

/**
 * On the local stack (development and every e2e suite) an answer that is not what the route's output declares is a
 * 500, so drift between handlers and the documented contract fails the tests. In Azure it is not checked: it would
 * cost every request a validation, and a working answer must not become a 500 over an undocumented field.
 */
function checkOutput(flow: Ready, result: AnyResult): void {
  if (flow.services.config.APP_ENV !== 'local') return;
  const problem = outputProblem(flow.route, result);
  if (!problem) return;
  // Said on the console too: the 500 itself names only the correlation id. Zod's issues name fields, never values.
  console.error(JSON.stringify({ kind: 'output-contract', function: flow.route.name, correlationId: flow.correlationId, problem }));
  throw new Error(`Output of ${flow.route.name} breaks its contract: ${problem}`);
}

/**
 * On the local stack, like `checkOutput`: a route answering an error code it does not declare (nor the wrapper answers
 * for it) gets a 500 instead, so the API docs' list of a route's errors cannot fall behind its code. A route that
 * redirects every error answers no code. Undefined when the code is declared, or not checked.
 */
function checkErrorCode(flow: Flow, error: unknown): Error | undefined {
  if (flow.services?.config.APP_ENV !== 'local' || flow.route.errorRedirectTo) return undefined;
  const code = httpErrorOf(error)?.code;
  const problem = code && errorCodeProblem(flow.route, flow.request.method, code);
  if (!problem) return undefined;
  console.error(JSON.stringify({ kind: 'error-contract', function: flow.route.name, correlationId: flow.correlationId, code, problem }));
  return new Error(`Error of ${flow.route.name} breaks its contract: ${problem}`);
}

/** The success answer: the route's headers over the common ones; cleared stale cookies unless the handler sets fresh ones. */
function respond(flow: Ready, result: AnyResult): HttpResponseInit {
  const status = result.status ?? flow.route.successStatus;
  return {
    status,
    headers: { ...flow.headers, ...result.headers, ...(flow.staleCookies.length ? { 'cache-control': 'no-store' } : {}) },
    cookies: mergeCookies(flow.staleCookies, result.cookies),
    ...responseBody(status, 'body' in result ? result.body : undefined),
  };
}

/** Any error becomes the one envelope; a browser sent here by another site is sent to the front end instead. */
function answerError(flow: Flow, error: unknown): HttpResponseInit {
  let response = errorResponse(checkErrorCode(flow, error) ?? error, flow.language, flow.correlationId, flow.headers, flow.services, flow.route.name);
  if (flow.route.errorRedirectTo && flow.services)
    response = { status: 303, headers: { ...flow.headers, location: flow.route.errorRedirectTo(flow.services.config) } };
  if (flow.staleCookies.length) response.cookies = flow.staleCookies;
  return response;
}

/** JSON unless the handler hands over text, bytes or a stream (files), which go out as they are. */
function responseBody(status: number, body: unknown): Pick<HttpResponseInit, 'body' | 'jsonBody'> {
  if (status === 204 || body === undefined) return {};
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof Readable) return { body };
  return { jsonBody: body };
}

async function grantAccess(
  services: Services,
  principal: Principal,
  account: AccountDoc,
  capability: Capability,
  target: Target,
  correlationId: string,
): Promise<Access> {
  const accounts = services.db.collection('accounts');
  const loaded = new Map<string, AccountDoc | undefined>();
  const load = async (id: string) => {
    if (!loaded.has(id)) loaded.set(id, await accounts.read<AccountDoc>(id, id));
    return loaded.get(id);
  };
  const grants = await authorize(account, capability, target, load, services.clock.now());
  if (grants.length === 0) throw new HttpError(403, 'forbidden');
  // ACL-7: staff looking at someone else's data leave a trace the person can see (queued, durably, before the data goes).
  if (auditedCapabilities.has(capability) && grants.every((g) => g.scope === 'staff') && target.accountId && target.accountId !== principal.accountId)
    await queueStaffAccess(services, { subjectId: target.accountId, staffAccountId: principal.accountId, capability, correlationId });
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
    else
      console.error(
        JSON.stringify({ kind: 'exception', function: functionName, correlationId, errorType: error instanceof Error ? error.name : typeof error }),
      );
  }
  return {
    status: httpError.status,
    headers: { ...baseHeaders, ...httpError.headers, 'content-type': 'application/json; charset=utf-8' },
    jsonBody: {
      error: {
        code: httpError.code,
        message: errorText(httpError.code, language, { correlationId, ...httpError.params }),
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
  ownDocuments?: KnownDocuments;
}

/**
 * The caller from the token, in one point read: the account document carries its status and the list of its active
 * sessions (issue 11). `bearer` false: a bearer token is not looked at (public routes that do not use the session).
 */
async function resolvePrincipal(request: HttpRequest, services: Services, bearer: boolean, ownIds: string[]): Promise<ResolvedPrincipal> {
  const authorization = request.headers.get('authorization');
  let token: string | undefined;
  let via: Principal['via'] = 'bearer';
  if (authorization) {
    const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
    if (!bearer) return {};
    if (!match)
      return { via, problem: new HttpError(401, 'unauthenticated', {}, undefined, { 'www-authenticate': 'Bearer error="invalid_request"' }) };
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
    // One point read: a revoked session (sign-out, suspension, password change) stops working at once. The route's own
    // documents of the caller's partition come in the same request.
    const accounts = services.db.collection('accounts');
    // Theirs first: when one is missing Cosmos runs none of the reads after it, and the account is read again alone.
    const docs = ownIds.length
      ? await accounts.readTogether(claims.accountId, [...ownIds, claims.accountId])
      : [await accounts.read<AccountDoc>(claims.accountId, claims.accountId)];
    const account = docs.at(-1) as AccountDoc | undefined;
    if (!account || account.type !== 'account' || account.status !== 'active') throw new HttpError(401, 'session_revoked');
    const listed = sessionListedOnAccount(account, claims.sessionId, now);
    // An account not signed in since the list was introduced: its session document decides (a second read, once).
    if (listed === undefined) await assertSessionActive(services.db, claims, now);
    else if (!listed) throw new HttpError(401, 'session_revoked');
    return { principal: { ...claims, via }, account, via, ownDocuments: new Map(ownIds.map((id, i) => [id, docs[i]])) };
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

async function readBody(request: HttpRequest, accepted: ('json' | 'form' | 'bytes')[], limit: number): Promise<unknown> {
  const declaredLength = Number(request.headers.get('content-length') ?? '0');
  if (declaredLength > limit) throw new HttpError(413, 'payload_too_large', { limit });
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limit) throw new HttpError(413, 'payload_too_large', { limit });
  // An upload is taken as bytes whatever type the client claims: the handler decides by its content (sniffing).
  if (accepted.includes('bytes')) return bytes;
  if (bytes.byteLength === 0 && !contentType) return undefined;
  const expected = accepted
    .map((t) => (t === 'json' ? 'application/json' : t === 'form' ? 'application/x-www-form-urlencoded' : 'application/octet-stream'))
    .join(', ');
  if (accepted.includes('json') && JSON_TYPE.test(contentType)) return parseJsonStrictly(bytes);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (accepted.includes('form') && FORM_TYPE.test(contentType)) return parseFormStrictly(text);
  throw new HttpError(415, 'unsupported_media_type', { expected });
}
