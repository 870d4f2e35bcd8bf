import { createSession } from '../auth/sessions.js';
import type { AdjustableClock } from '../platform/clock.js';
import type { QueueDefinition } from '../platform/definitions.js';
import type { Outbox } from '../platform/email.js';
import { type QueueName, queueSpecs } from '../platform/queues.js';
import type { Services } from '../platform/services.js';
import { type MemoryTelemetry, safeErrorSummary } from '../platform/telemetry.js';
import { type ContainerName, dataRegistry } from '../privacy/registry.js';
import type { LocalBus } from './bus.js';
import type { LocalRoute } from './http-server.js';
import type { LocalTimers } from './timers.js';
import type { TtlSweeper } from './ttl-sweeper.js';

/** What the local host's own endpoints (`/`, `/_local/...`, `/admin/functions/...`) reach into. */
export interface LocalAdminDeps {
  url: string;
  services: Services;
  bus: LocalBus;
  outbox: Outbox;
  telemetry: MemoryTelemetry;
  clock: AdjustableClock;
  sweeper: TtlSweeper;
  timers: LocalTimers;
  queueFunctions: readonly QueueDefinition[];
  deliver(functionName: string, body: unknown, messageId?: string): Promise<void>;
}

type Reply = Awaited<ReturnType<LocalRoute>>;
type Params = Record<string, string>;

interface AdminRoute {
  method: string;
  /** Literal segments and `:name` parameters, e.g. `/_local/dead-letters/:queue/replay`. */
  path: string;
  /** What each parameter's segment must look like; a segment that does not fit is no match. */
  params?: Record<string, RegExp>;
  handle(deps: LocalAdminDeps, params: Params, body: unknown): Promise<Reply> | Reply;
}

const notFound = (message: string): Reply => ({ status: 404, body: { error: { code: 'not_found', message } } });
const invalid = (message: string): Reply => ({ status: 400, body: { error: { code: 'validation_failed', message } } });

/** POST /admin/functions/{name}: fires a timer or delivers a message to a queue function, as the Functions host's admin API does. */
async function runFunction({ timers, queueFunctions, deliver }: LocalAdminDeps, { name }: Params, body: unknown): Promise<Reply> {
  const { input, messageId } = (body ?? {}) as { input?: unknown; messageId?: unknown };
  if (timers.names().some((n) => n.toLowerCase() === name!.toLowerCase())) {
    try {
      await timers.fire(name!);
    } catch (error) {
      // Already reported to telemetry by defineTimer; the caller learns it failed.
      return { status: 500, body: { error: { code: 'function_failed', message: `${name} failed: ${safeErrorSummary(error).errorType}` } } };
    }
    return { status: 202, body: { fired: name } };
  }
  if (queueFunctions.some((d) => d.name.toLowerCase() === name!.toLowerCase())) {
    await deliver(name!, input, typeof messageId === 'string' ? messageId : undefined);
    return { status: 202, body: { delivered: name } };
  }
  return notFound(`No timer or queue function named ${name}`);
}

async function replayDeadLetters({ bus }: LocalAdminDeps, { queue }: Params): Promise<Reply> {
  if (!(queue! in queueSpecs)) return notFound('No such queue');
  return { status: 202, body: { replayed: await bus.replayDeadLetters(queue as QueueName) } };
}

async function readDocument({ services }: LocalAdminDeps, { container, partitionKey, id }: Params): Promise<Reply> {
  if (!dataRegistry.containers.some((c) => c.name === container)) return notFound('No such container');
  const found = await services.db.collection(container as ContainerName).read(decodeURIComponent(id!), decodeURIComponent(partitionKey!));
  return found ? { status: 200, body: found } : notFound('No such document');
}

function listDeadLetters({ bus }: LocalAdminDeps): Reply {
  return { status: 200, body: Object.fromEntries((Object.keys(queueSpecs) as QueueName[]).map((q) => [q, bus.deadLetters(q)])) };
}

function clearOutbox({ outbox }: LocalAdminDeps): Reply {
  outbox.messages.length = 0;
  return { status: 204 };
}

function advanceClock({ clock }: LocalAdminDeps, _params: Params, body: unknown): Reply {
  const seconds = Number((body as { advanceSeconds?: unknown } | undefined)?.advanceSeconds);
  if (!Number.isFinite(seconds) || seconds < 0) return invalid('advanceSeconds must be a non-negative number');
  clock.advance(seconds * 1000);
  return { status: 200, body: { now: clock.now().toISOString() } };
}

async function issueTokens({ services }: LocalAdminDeps, _params: Params, body: unknown): Promise<Reply> {
  const accountId = (body as { accountId?: unknown } | undefined)?.accountId;
  if (typeof accountId !== 'string' || !accountId) return invalid('accountId is required');
  // A real session, as signing in creates one, so revocation and suspension apply to it too.
  const session = await createSession(services, { accountId, method: 'local-token' });
  return {
    status: 200,
    body: { accessToken: session.accessToken, refreshToken: session.refreshToken, sessionId: session.sessionId, tokenType: 'Bearer' },
  };
}

const adminRoutes: readonly AdminRoute[] = [
  { method: 'GET', path: '/', handle: ({ url }) => ({ status: 200, body: localIndex(url) }) },
  { method: 'POST', path: '/admin/functions/:name', params: { name: /^[A-Za-z0-9_-]+$/ }, handle: runFunction },
  { method: 'GET', path: '/_local/telemetry', handle: ({ telemetry }) => ({ status: 200, body: telemetry.records }) },
  { method: 'GET', path: '/_local/outbox', handle: ({ outbox }) => ({ status: 200, body: outbox.messages }) },
  { method: 'DELETE', path: '/_local/outbox', handle: clearOutbox },
  { method: 'GET', path: '/_local/dead-letters', handle: listDeadLetters },
  { method: 'POST', path: '/_local/dead-letters/:queue/replay', params: { queue: /^[a-z-]+$/ }, handle: replayDeadLetters },
  {
    method: 'GET',
    path: '/_local/documents/:container/:partitionKey/:id',
    params: { container: /^[a-z]+$/ },
    handle: readDocument,
  },
  { method: 'POST', path: '/_local/ttl-sweep', handle: async ({ sweeper }) => ({ status: 200, body: { removed: await sweeper.sweepOnce() } }) },
  { method: 'POST', path: '/_local/clock', handle: advanceClock },
  { method: 'POST', path: '/_local/tokens', handle: issueTokens },
];

/** The route's parameters when `path` fits its template, otherwise undefined. */
function matchPath(route: AdminRoute, path: string): Params | undefined {
  const template = route.path.split('/');
  const segments = path.split('/');
  if (template.length !== segments.length) return undefined;
  const params: Params = {};
  for (const [i, part] of template.entries()) {
    const segment = segments[i]!;
    if (!part.startsWith(':')) {
      if (part !== segment) return undefined;
      continue;
    }
    const name = part.slice(1);
    if (segment === '' || !(route.params?.[name]?.test(segment) ?? true)) return undefined;
    params[name] = segment;
  }
  return params;
}

/** The local host's own endpoints; undefined for anything else (the API's routes then answer). */
export function localAdminRouter(deps: LocalAdminDeps): LocalRoute {
  return async ({ method, path, body }) => {
    for (const route of adminRoutes) {
      if (route.method !== method) continue;
      const params = matchPath(route, path);
      if (params) return route.handle(deps, params, body);
    }
    return undefined;
  };
}

function localIndex(url: string) {
  return {
    api: `${url}/api`,
    health: `${url}/api/health`,
    openapi: `${url}/api/openapi.json`,
    local: {
      outbox: `GET ${url}/_local/outbox`,
      deadLetters: `GET ${url}/_local/dead-letters`,
      replayDeadLetters: `POST ${url}/_local/dead-letters/{queue}/replay`,
      fireTimerOrQueue: `POST ${url}/admin/functions/{name} {"input": ..., "messageId"?: "..."}`,
      ttlSweep: `POST ${url}/_local/ttl-sweep`,
      telemetry: `GET ${url}/_local/telemetry`,
      document: `GET ${url}/_local/documents/{container}/{partitionKey}/{id}`,
      advanceClock: `POST ${url}/_local/clock {"advanceSeconds": n}`,
      demoToken: `POST ${url}/_local/tokens {"accountId": "acc-ee-student-mihkel"}`,
    },
  };
}
