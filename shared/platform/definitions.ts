import type { Cookie, HttpMethod, HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import type { z } from 'zod';

import type { DeliveryInfo } from './bus.js';
import { AppError, type ErrorCode } from './errors.js';
import { withOperationCounter } from './operations.js';
import type { QueueName } from './queues.js';
import { getServices, type Services } from './services.js';

/** A route that sends the browser on (302 Found or 303 See Other with Location), never a JSON body. */
export interface RedirectOutput {
  kind: 'redirect';
  status: 302 | 303;
  /** Where Location points, in words for the API docs. */
  to: string;
}

/** A route that answers 204 No Content. */
export interface NoContentOutput {
  kind: 'noContent';
}

/** A page or file sent as it is (the API docs page and its assets). */
export interface FileOutput {
  kind: 'file';
  mediaTypes: [string, ...string[]];
}

/** What a successful answer is: a JSON body described by its zod schema, or one of the answers without one. */
export type OutputContract = z.ZodType | RedirectOutput | NoContentOutput | FileOutput;

/**
 * What OpenAPI generation, the route x role tests and the local output check read about an HTTP function. The
 * access-control part (`capability`, `target`) is declared by shared/acl, by declaration merging, so platform imports
 * no area.
 */
export interface HttpContract {
  summary: string;
  tags: string[];
  auth: 'public' | 'session';
  /** Public routes that act on the caller's session when there is one (only these resolve a bearer token). */
  usesSession: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** 'bytes': the raw body as a Uint8Array whatever its declared type (uploads, which the handler sniffs). */
  bodyTypes: ('json' | 'form' | 'bytes')[];
  /** A larger body limit than MAX_BODY_BYTES for this route (uploads); the local host reads up to it too. */
  maxBodyBytes?: number;
  output: OutputContract;
  /** The status of a JSON success (redirects and 204 carry their own). */
  successStatus: number;
  /** Other statuses answered with the same body (a replayed create: 200; health with a dependency down: 503). */
  otherStatuses: number[];
  /** Catalogued error codes the route's own code may throw, besides what the wrapper answers (OpenAPI lists both). */
  errors: readonly ErrorCode[];
  /** Every error becomes a 303 to the front end (a browser sent here by another site): no JSON error is answered. */
  errorRedirect: boolean;
  /** Takes an Idempotency-Key header: repeating the request with the same key returns what the first one made. */
  idempotencyKey?: boolean;
}

/** What every handler answer may carry besides its body. */
export interface ResultExtras {
  headers?: Record<string, string>;
  cookies?: Cookie[];
}

/** A browser sent on: 303 (302 where a sign-in flow needs it) with Location. Here, not in http: sign-in builds them. */
export interface RedirectResult extends ResultExtras {
  status: 302 | 303;
  headers: Record<string, string> & { location: string };
}

export interface HttpDefinition {
  kind: 'http';
  name: string;
  /** Functions route template without the `api` prefix, e.g. `accounts/{id}`. */
  route: string;
  methods: HttpMethod[];
  contract: HttpContract;
  handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
}

export interface QueueDefinition {
  kind: 'queue';
  name: string;
  queue: QueueName;
  handler: (message: unknown, context: InvocationContext) => Promise<void>;
}

export interface TimerDefinition {
  kind: 'timer';
  name: string;
  /** Six-field NCRONTAB: second minute hour day month day-of-week (UTC). */
  schedule: string;
  runOnStartup: boolean;
  handler: (timer: Timer, context: InvocationContext) => Promise<void>;
}

export type FunctionDefinition = HttpDefinition | QueueDefinition | TimerDefinition;

/** The app setting prefix the Service Bus trigger reads (`ServiceBusConnection__fullyQualifiedNamespace`). */
export const SERVICE_BUS_CONNECTION = 'ServiceBusConnection';

export interface QueueHandlerContext {
  services: Services;
  delivery: DeliveryInfo;
}

/**
 * A Service Bus queue function. The body is validated; a handler that throws makes the message redeliver (and
 * dead-letter after the queue's max delivery count), so handlers must be idempotent.
 */
export function defineQueue<S extends z.ZodType>(options: {
  name: string;
  queue: QueueName;
  input: S;
  handler: (body: z.output<S>, context: QueueHandlerContext) => Promise<void>;
}): QueueDefinition {
  return {
    kind: 'queue',
    name: options.name,
    queue: options.queue,
    async handler(message, context) {
      const services = await getServices();
      const metadata = (context.triggerMetadata ?? {}) as Record<string, string | number | Date | undefined>;
      const delivery: DeliveryInfo = {
        messageId: String(metadata.messageId ?? context.invocationId),
        deliveryCount: Number(metadata.deliveryCount ?? 1),
        enqueuedTimeUtc: String(metadata.enqueuedTimeUtc ?? ''),
      };
      const parsed = options.input.safeParse(message);
      const properties = { function: options.name, messageId: delivery.messageId, deliveryCount: delivery.deliveryCount };
      if (!parsed.success) {
        // Our own code produced it, so redelivery will not help: it ends in the dead-letter queue for an operator.
        const issues = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(',');
        services.telemetry.event('queue.poison', { ...properties, issues });
        throw new PoisonMessageError(options.queue, issues);
      }
      const run = withOperationCounter(() => options.handler(parsed.data, { services, delivery }));
      try {
        await run.result;
      } catch (error) {
        // Every error is rethrown, so Service Bus redelivers and finally dead-letters; an AppError's code says why.
        services.telemetry.exception(error, { ...properties, ...codeOf(error) });
        throw error;
      }
    },
  };
}

/**
 * A message its queue's schema refuses: redelivery cannot help, and its dead letter says why in words an operator
 * reads (the fields at fault, never their values).
 */
export class PoisonMessageError extends Error {
  constructor(queue: QueueName, issues: string) {
    super(`Message on ${queue} does not match its schema (fields: ${issues.slice(0, 300)})`);
    this.name = 'PoisonMessageError';
  }
}

/** The code of an AppError, for the exception a queue or timer run records (no status: there is no HTTP here). */
function codeOf(error: unknown): { errorCode?: string } {
  return error instanceof AppError ? { errorCode: error.code } : {};
}

export interface TimerHandlerContext {
  services: Services;
  now: Date;
  isPastDue: boolean;
}

export interface TimerOutcome {
  /** Counts worth keeping about the run (documents swept, e-mails queued). */
  counts?: Record<string, number>;
}

/** A timer function. Each run is recorded as a `timer-run` document so operators can see retention actually ran. */
export function defineTimer(options: {
  name: string;
  schedule: string;
  runOnStartup?: boolean;
  handler: (context: TimerHandlerContext) => Promise<TimerOutcome | void>;
}): TimerDefinition {
  return {
    kind: 'timer',
    name: options.name,
    schedule: options.schedule,
    runOnStartup: options.runOnStartup ?? false,
    async handler(timer) {
      const services = await getServices();
      const startedAt = services.clock.now();
      let outcome: TimerOutcome | void = undefined;
      let failure: unknown;
      try {
        outcome = await withOperationCounter(() => options.handler({ services, now: startedAt, isPastDue: timer.isPastDue })).result;
      } catch (error) {
        failure = error;
        services.telemetry.exception(error, { function: options.name, ...codeOf(error) });
      }
      const finishedAt = services.clock.now();
      await services.db.collection('jobs').upsert({
        id: `timer-run:${options.name}`,
        type: 'timer-run',
        accountId: 'system',
        name: options.name,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        outcome: failure ? 'failed' : 'succeeded',
        counts: outcome?.counts ?? {},
      });
      services.telemetry.event(
        'timer.completed',
        { function: options.name, outcome: failure ? 'failed' : 'succeeded' },
        { durationMs: finishedAt.getTime() - startedAt.getTime(), ...(outcome?.counts ?? {}) },
      );
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what the handler threw, after recording it
      if (failure) throw failure;
    },
  };
}
