import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

import { createProviders, type FetchLike } from '../auth/providers/index.js';
import { RouteTable } from '../http/route-table.js';
import { InvocationContext } from '../platform/azure-functions.js';
import { createBlobStore } from '../platform/blob.js';
import { AdjustableClock } from '../platform/clock.js';
import { type Config, loadConfig } from '../platform/config.js';
import { createDatabase, defaultStorePolicy, type StorePolicy } from '../platform/cosmos.js';
import { corsOrigins, senderFor } from '../platform/countries.js';
import {
  type FunctionDefinition,
  type HttpDefinition,
  PoisonMessageError,
  type QueueDefinition,
  type TimerDefinition,
} from '../platform/definitions.js';
import { createSendGridSender, Outbox } from '../platform/email.js';
import { type Services, useServices } from '../platform/services.js';
import { ConsoleTelemetry, MemoryTelemetry, safeErrorSummary, TeeTelemetry, type Telemetry } from '../platform/telemetry.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { localAdminRouter } from './admin-routes.js';
import { type AssistantStandIn, startAssistantStandIn } from './assistant-stand-in.js';
import { type EmbeddedAzurite, startEmbeddedAzurite } from './azurite.js';
import { LocalBus } from './bus.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from './cosmos-server.js';
import { startLocalHttpServer } from './http-server.js';
import { type IdentityStandIns, startIdentityStandIns } from './identity/index.js';
import { type MaksekeskusStandIn, startMaksekeskusStandIn } from './maksekeskus/index.js';
import { seedDemoData } from './seed.js';
import { startTelemetryRecorder, type TelemetryRecorder } from './telemetry-recorder.js';
import { LocalTimers } from './timers.js';
import { TtlSweeper } from './ttl-sweeper.js';

export interface LocalHostOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Settings that win over the environment and local.settings.json (tests use this). */
  env?: Record<string, string | undefined>;
  /** Defaults to every function in functions/index.ts. */
  definitions?: readonly FunctionDefinition[];
  seed?: boolean;
  sweepIntervalMs?: number;
  redeliveryDelayMs?: number;
  /** Start timers on their schedules (tests fire them on demand instead). */
  scheduleTimers?: boolean;
  /** Telemetry to the console as JSON lines. */
  consoleTelemetry?: boolean;
  /** The fetch the sign-in providers' clients use (abuse tests put a tampering proxy here). */
  identityFetch?: FetchLike;
  /** Start the local stand-ins of HarID, MPASSid, Google, Facebook, eKool and Stuudium (default true). */
  identityStandIns?: boolean;
  /** Start the local Maksekeskus stand-in and point the app at it (default true). */
  maksekeskusStandIn?: boolean;
  /** Start the OpiqGPT providers' stand-in and point the app at it (default true; ASSISTANT_PROVIDER picks the protocol, openai by default). */
  assistantStandIn?: boolean;
  /** Store timeouts and retry budget (fault-injection tests shorten them). */
  storePolicy?: StorePolicy;
}

export interface LocalHost {
  url: string;
  config: Config;
  services: Services;
  bus: LocalBus;
  outbox: Outbox;
  telemetry: MemoryTelemetry;
  /** Where everything sent to telemetry is recorded as JSON lines, when OPIQ_TELEMETRY_RECORD_DIR is set (LOG-2). */
  telemetryRecordFile?: string;
  clock: AdjustableClock;
  sweeper: TtlSweeper;
  timers: LocalTimers;
  cosmos: EmbeddedCosmos;
  /** Azurite's Blob service, in this process and in memory (users' own files). */
  azurite: EmbeddedAzurite;
  /** The sign-in providers' stand-ins, when started. */
  identity?: IdentityStandIns;
  /** The Maksekeskus stand-in, when started (shared/local/maksekeskus). */
  maksekeskus?: MaksekeskusStandIn;
  /** The assistant providers' stand-in, when started (GPT-1): what left the platform is in its `requests`. */
  assistant?: AssistantStandIn;
  seededDocuments: number;
  /** Delivers a message to a queue function through the bus, as Service Bus would. */
  deliver(functionName: string, body: unknown, messageId?: string): Promise<void>;
  close(): Promise<void>;
}

/** Settings the way `func start` reads them: the environment wins over local.settings.json's Values. */
function localSettings(): Record<string, string> {
  const file = 'local.settings.json';
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  // Empty values mean "not set", so the local defaults below still apply.
  return Object.fromEntries(Object.entries(parsed.Values ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

type Cleanups = (() => Promise<void> | void)[];

/** A dead letter's description: the error's type; a poison message's own words too (fields only, no values). */
const describeDeadLetter = (error: unknown) =>
  error instanceof PoisonMessageError ? `${error.name}: ${error.message}` : safeErrorSummary(error).errorType;

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  process.env.OPIQ_LOCAL_HOST = '1';
  const definitions = options.definitions ?? (await import('../../functions/index.js')).definitions;

  const storePolicy = options.storePolicy ?? defaultStorePolicy;
  // The host's clock stamps Cosmos' _ts too, so TTLs count from the moved clock (the retention run jumps years).
  const clock = new AdjustableClock();
  const cosmos = await startEmbeddedCosmos(dataRegistry, 0, storePolicy, clock);
  // Run first to last on close: the last started stops first.
  const cleanups: Cleanups = [() => cosmos.close()];
  try {
    // Listen first: the app's own URL goes into its settings (sign-in callbacks) and into the stand-ins' client registrations.
    const azurite = await startEmbeddedAzurite();
    cleanups.unshift(() => azurite.close());
    const http = await startLocalHttpServer({ port: options.port ?? 7071 });
    const url = http.url;
    cleanups.unshift(() => http.close());

    const fileSettings = localSettings();
    const { standIns, payments } = await startExternalStandIns(options, url, fileSettings, cleanups);
    const assistant = options.assistantStandIn === false ? undefined : await startAssistantStandIn();
    if (assistant) cleanups.unshift(() => assistant.close());
    const config = buildConfig({ url, fileSettings, env: options.env, standIns, payments, assistant, cosmos, azurite });

    const memory = new MemoryTelemetry();
    const recorder = recordTelemetry(cleanups);
    const sinks: Telemetry[] = [memory, ...(options.consoleTelemetry ? [new ConsoleTelemetry()] : []), ...(recorder ? [recorder.telemetry] : [])];
    const telemetry: Telemetry = sinks.length === 1 ? memory : new TeeTelemetry(sinks);
    const bus = new LocalBus({ redeliveryDelayMs: options.redeliveryDelayMs, describeError: describeDeadLetter });
    cleanups.unshift(() => bus.close());
    const outbox = new Outbox(senderFor(config));
    const services = await installServices({
      config,
      clock,
      bus,
      telemetry,
      outbox,
      cosmos,
      azurite,
      storePolicy,
      identityFetch: options.identityFetch,
    });

    const queueFunctions = subscribeQueueFunctions(definitions, bus);
    const timers = startTimers(definitions, options, telemetry, cleanups);
    const sweeper = startTtlSweeper(cosmos, clock, options, telemetry, cleanups);

    const seededDocuments = options.seed === false ? 0 : await seedDemoData(services.db);

    const deliver = async (functionName: string, body: unknown, messageId?: string) => {
      const definition = queueFunctions.find((d) => d.name.toLowerCase() === functionName.toLowerCase());
      if (!definition) throw new Error(`No queue function named ${functionName}`);
      await bus.send(definition.queue, { body, ...(messageId ? { messageId } : {}) });
      await bus.idle();
    };

    http.setApp({
      routes: new RouteTable(definitions.filter((d): d is HttpDefinition => d.kind === 'http')),
      localRoutes: localAdminRouter({ url, services, bus, outbox, telemetry: memory, clock, sweeper, timers, queueFunctions, deliver }),
      maxBodyBytes: config.MAX_BODY_BYTES,
      corsOrigins: corsOrigins(config),
      ...(recorder ? { onRequest: recorder.request } : {}),
    });

    return {
      url,
      config,
      services,
      bus,
      outbox,
      telemetry: memory,
      ...(recorder ? { telemetryRecordFile: recorder.file } : {}),
      clock,
      sweeper,
      timers,
      cosmos,
      azurite,
      ...(standIns ? { identity: standIns.handle } : {}),
      ...(payments ? { maksekeskus: payments.handle } : {}),
      ...(assistant ? { assistant } : {}),
      seededDocuments,
      deliver,
      async close() {
        for (const cleanup of cleanups) await cleanup();
      },
    };
  } catch (error) {
    for (const cleanup of cleanups) await cleanup();
    throw error;
  }
}

/**
 * With OPIQ_TELEMETRY_RECORD_DIR set (the test run sets it), everything sent to telemetry is also written there for
 * the end-of-run scan (LOG-2).
 */
function recordTelemetry(cleanups: Cleanups): TelemetryRecorder | undefined {
  const dir = process.env.OPIQ_TELEMETRY_RECORD_DIR;
  if (!dir) return undefined;
  const recorder = startTelemetryRecorder(dir);
  cleanups.unshift(() => recorder.close());
  return recorder;
}

interface StartedStandIn<Handle> {
  handle: Handle;
  settings: Record<string, string>;
}

/** The sign-in providers' and Maksekeskus' stand-ins, unless switched off, registered with this host's URLs. */
async function startExternalStandIns(
  options: LocalHostOptions,
  url: string,
  fileSettings: Record<string, string>,
  cleanups: Cleanups,
): Promise<{ standIns?: StartedStandIn<IdentityStandIns>; payments?: StartedStandIn<MaksekeskusStandIn> }> {
  // The API's public URL may be set (tests of the two-host production topology): callbacks are registered for it.
  const apiPublicUrl = (options.env?.API_PUBLIC_URL ?? process.env.API_PUBLIC_URL ?? fileSettings.API_PUBLIC_URL ?? url).replace(/\/+$/, '');
  // The six sign-in providers' stand-ins, registered with this host's callback URLs (real settings win over them).
  const standIns = options.identityStandIns === false ? undefined : await startStandIns(apiPublicUrl);
  if (standIns) cleanups.unshift(() => standIns.handle.close());
  // Maksekeskus' stand-in with a fresh shop id and secret key each start (real settings win over them).
  const payments = options.maksekeskusStandIn === false ? undefined : await startPaymentStandIn();
  if (payments) cleanups.unshift(() => payments.handle.close());
  return { ...(standIns ? { standIns } : {}), ...(payments ? { payments } : {}) };
}

/** Local defaults, then local.settings.json, the environment and the caller's settings; the local stores always win. */
function buildConfig(input: {
  url: string;
  fileSettings: Record<string, string>;
  env: LocalHostOptions['env'];
  standIns: StartedStandIn<IdentityStandIns> | undefined;
  payments: StartedStandIn<MaksekeskusStandIn> | undefined;
  assistant: AssistantStandIn | undefined;
  cosmos: EmbeddedCosmos;
  azurite: EmbeddedAzurite;
}): Config {
  const { url, fileSettings, env, standIns, payments, assistant, cosmos, azurite } = input;
  return loadConfig({
    ...standIns?.settings,
    ...payments?.settings,
    // One stand-in speaks both protocols under the same base, so ASSISTANT_PROVIDER alone picks one (real settings win).
    // It answers OpenAI's moderation protocol too: the anthropic provider's moderation endpoint (ASSISTANT_MODERATION_URL).
    ...(assistant
      ? {
          ASSISTANT_PROVIDER: 'openai',
          ASSISTANT_API_URL: assistant.url,
          ASSISTANT_API_KEY: assistant.apiKey,
          ASSISTANT_MODERATION_URL: assistant.url,
          ASSISTANT_MODERATION_API_KEY: assistant.apiKey,
        }
      : {}),
    API_PUBLIC_URL: url,
    // The same host name as the API (127.0.0.1): cookies set by the API after a provider sign-in belong to the
    // host, not the port, so a front end on another port of 127.0.0.1 sends them (localhost would not).
    PUBLIC_WEB_URL: `http://${new URL(url).hostname}:3000`,
    EMAIL_FROM: 'no-reply@opiq.example',
    // A fresh key each start: sessions of an earlier run stop working, which is what a developer expects.
    SESSION_SIGNING_KEYS: `local-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64url')}`,
    // Its own key (unsubscribe links, PRIV-6), as fresh: links mailed by an earlier run stop working.
    UNSUBSCRIBE_SIGNING_KEYS: `unsub-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64url')}`,
    // The erasure evidence's own key (PRIV-3), as fresh: evidence of an earlier run is not found by account id.
    ERASURE_EVIDENCE_KEYS: `erase-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64url')}`,
    // Pseudonymous ids in telemetry (LOG-2) change each start, as they would when the key is rotated.
    TELEMETRY_PSEUDONYM_KEY: randomBytes(32).toString('base64url'),
    ...fileSettings,
    ...process.env,
    ...env,
    APP_ENV: 'local',
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    ServiceBusConnection__fullyQualifiedNamespace: undefined,
    APPLICATIONINSIGHTS_CONNECTION_STRING: undefined,
    BLOB_ACCOUNT_URL: undefined,
    BLOB_CONNECTION_STRING: azurite.connectionString,
  });
}

/** The platform services over the local stores, installed for the functions (useServices). */
async function installServices(input: {
  config: Config;
  clock: AdjustableClock;
  bus: LocalBus;
  telemetry: Telemetry;
  outbox: Outbox;
  cosmos: EmbeddedCosmos;
  azurite: EmbeddedAzurite;
  storePolicy: StorePolicy;
  identityFetch: FetchLike | undefined;
}): Promise<Services> {
  const { config, clock, bus, telemetry, outbox, cosmos, azurite, storePolicy, identityFetch } = input;
  // SendGrid only when a key is configured; otherwise mail stays in the outbox at GET /_local/outbox.
  const email = config.SENDGRID_API_KEY ? await createSendGridSender(config.SENDGRID_API_KEY, senderFor(config)) : outbox;
  const db = createDatabase(cosmos.client, config.COSMOS_DATABASE, storageRules, clock, storePolicy);
  const identityProviders = createProviders(config, identityFetch ?? fetch);
  const blobs = await createBlobStore({ connectionString: azurite.connectionString }, { createContainer: true });
  const services: Services = { config, clock, db, bus, email, telemetry, blobs, identityProviders };
  useServices(services);
  return services;
}

/** Each queue function listens on its queue of the local bus (one function a queue). */
function subscribeQueueFunctions(definitions: readonly FunctionDefinition[], bus: LocalBus): QueueDefinition[] {
  const queueFunctions = definitions.filter((d): d is QueueDefinition => d.kind === 'queue');
  for (const definition of queueFunctions) {
    if (queueFunctions.filter((d) => d.queue === definition.queue).length > 1) throw new Error(`Two functions listen on queue ${definition.queue}`);
    bus.subscribe(definition.queue, (body, delivery) =>
      definition.handler(
        body,
        new InvocationContext({ invocationId: randomUUID(), functionName: definition.name, triggerMetadata: { ...delivery } }),
      ),
    );
  }
  return queueFunctions;
}

/** The timer functions, on their schedules only when asked (tests fire them through POST /admin/functions/{name}). */
function startTimers(definitions: readonly FunctionDefinition[], options: LocalHostOptions, telemetry: Telemetry, cleanups: Cleanups): LocalTimers {
  const timers = new LocalTimers(
    definitions.filter((d): d is TimerDefinition => d.kind === 'timer'),
    (name, error) => telemetry.exception(error, { function: name }),
  );
  if (options.scheduleTimers) timers.start();
  cleanups.unshift(() => timers.stop());
  return timers;
}

/** Cosmos' TTL, which the embedded server lacks: expired documents are swept every sweepIntervalMs (0: only on request). */
function startTtlSweeper(
  cosmos: EmbeddedCosmos,
  clock: AdjustableClock,
  options: LocalHostOptions,
  telemetry: Telemetry,
  cleanups: Cleanups,
): TtlSweeper {
  const sweeper = new TtlSweeper(cosmos.client, dataRegistry, clock);
  if (options.sweepIntervalMs !== 0) sweeper.start(options.sweepIntervalMs ?? 10_000, (e) => telemetry.exception(e, { component: 'ttl-sweeper' }));
  cleanups.unshift(() => sweeper.stop());
  return sweeper;
}

async function startStandIns(url: string): Promise<{ handle: IdentityStandIns; settings: Record<string, string> }> {
  const providers = ['harid', 'mpassid', 'google', 'facebook', 'ekool', 'stuudium'] as const;
  const clients = Object.fromEntries(
    providers.map((p) => [
      p,
      { clientId: `opiq-local-${p}`, clientSecret: randomBytes(24).toString('base64url'), redirectUris: [`${url}/api/auth/${p}/callback`] },
    ]),
  ) as Record<(typeof providers)[number], { clientId: string; clientSecret: string; redirectUris: string[] }>;
  const handle = await startIdentityStandIns({ clients });
  return {
    handle,
    settings: {
      OIDC_ALLOW_HTTP: 'true',
      HARID_ISSUER: handle.harid.issuer,
      HARID_CLIENT_ID: clients.harid.clientId,
      HARID_CLIENT_SECRET: clients.harid.clientSecret,
      MPASSID_ISSUER: handle.mpassid.issuer,
      MPASSID_CLIENT_ID: clients.mpassid.clientId,
      MPASSID_CLIENT_SECRET: clients.mpassid.clientSecret,
      GOOGLE_ISSUER: handle.google.issuer,
      GOOGLE_CLIENT_ID: clients.google.clientId,
      GOOGLE_CLIENT_SECRET: clients.google.clientSecret,
      FACEBOOK_APP_ID: clients.facebook.clientId,
      FACEBOOK_APP_SECRET: clients.facebook.clientSecret,
      FACEBOOK_DIALOG_URL: handle.facebook.dialogUrl,
      FACEBOOK_GRAPH_URL: handle.facebook.graphUrl,
      EKOOL_AUTHORIZE_URL: handle.ekool.authorizeUrl,
      EKOOL_TOKEN_URL: handle.ekool.tokenUrl,
      EKOOL_USERINFO_URL: handle.ekool.userinfoUrl,
      EKOOL_CLIENT_ID: clients.ekool.clientId,
      EKOOL_CLIENT_SECRET: clients.ekool.clientSecret,
      STUUDIUM_API_URL: handle.stuudium.apiUrl,
      STUUDIUM_CLIENT_ID: clients.stuudium.clientId,
      STUUDIUM_CLIENT_SECRET: clients.stuudium.clientSecret,
    },
  };
}

async function startPaymentStandIn(): Promise<{ handle: MaksekeskusStandIn; settings: Record<string, string> }> {
  const handle = await startMaksekeskusStandIn({ shopId: randomUUID(), secretKey: randomBytes(32).toString('base64url') });
  return {
    handle,
    settings: {
      MAKSEKESKUS_SHOP_ID: handle.shopId,
      MAKSEKESKUS_SECRET_KEY: handle.secretKey,
      MAKSEKESKUS_API_URL: handle.apiUrl,
      // A public example IBAN (no real account): prepayment invoices work locally.
      INVOICE_IBAN: 'EE382200221020145685',
    },
  };
}
