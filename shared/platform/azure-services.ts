import type { TokenCredential } from '@azure/identity';

import { type BlobStore, createBlobStore, unconfiguredBlobStore } from './blob.js';
import { createServiceBus } from './bus.js';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import { cosmosConnectionPolicy, createDatabase } from './cosmos.js';
import { senderFor } from './countries.js';
import { createSendGridSender, Outbox } from './email.js';
import { withCountingPlugin } from './operations.js';
import type { Composition, PlatformServices, Services } from './services.js';
import { ConsoleTelemetry } from './telemetry.js';
import { createAppInsightsTelemetry } from './telemetry-appinsights.js';
import { deferredTelemetry } from './telemetry-deferred.js';

/** Long enough for a cold instance's first request to be answered (~0.1-0.5 s after the services exist). */
const TELEMETRY_START_AFTER_MS = 1000;

/** The real adapters: managed identity for Cosmos DB, Service Bus and Application Insights; keys only from Key Vault. */
export async function createAzureServices(config: Config, composition: Composition): Promise<Services> {
  // Loaded here, on the first request, not at start: the deployed bundle keeps the SDKs in separate files (cold start).
  const [{ CosmosClient }, { DefaultAzureCredential, ManagedIdentityCredential }] = await Promise.all([
    import('@azure/cosmos'),
    import('@azure/identity'),
  ]);
  const credential: TokenCredential = config.AZURE_CLIENT_ID
    ? new ManagedIdentityCredential({ clientId: config.AZURE_CLIENT_ID })
    : new DefaultAzureCredential();

  // Application Insights after the first answer: loading its SDK first made a cold start's first request ~1.9x slower.
  const connectionString = config.APPLICATIONINSIGHTS_CONNECTION_STRING;
  const telemetry = connectionString
    ? deferredTelemetry(() => createAppInsightsTelemetry(connectionString, config.AZURE_CLIENT_ID ? credential : undefined), {
        startAfterMs: TELEMETRY_START_AFTER_MS,
        maxBuffered: 1000,
        fallback: new ConsoleTelemetry(),
      })
    : new ConsoleTelemetry();

  const cosmos = new CosmosClient(
    withCountingPlugin({
      ...(config.COSMOS_KEY
        ? { endpoint: config.COSMOS_ENDPOINT, key: config.COSMOS_KEY }
        : { endpoint: config.COSMOS_ENDPOINT, aadCredentials: credential }),
      // Retries and timeouts are the adapter's, inside one budget per operation (defect: a paused store held requests 60 s).
      connectionPolicy: cosmosConnectionPolicy(),
    }),
  );

  const namespace = config.ServiceBusConnection__fullyQualifiedNamespace;
  if (!namespace) throw new Error('ServiceBusConnection__fullyQualifiedNamespace is required in Azure');
  const bus = await createServiceBus(namespace, credential);

  let email;
  if (config.SENDGRID_API_KEY) email = await createSendGridSender(config.SENDGRID_API_KEY, senderFor(config));
  else {
    telemetry.trace('SENDGRID_API_KEY is not set: e-mail is kept in memory and not delivered');
    email = new Outbox(senderFor(config));
  }

  // `func start` against a local Azurite takes its connection string (never set in Azure: loadConfig refuses it there).
  const blobs: BlobStore = config.BLOB_CONNECTION_STRING
    ? await createBlobStore({ connectionString: config.BLOB_CONNECTION_STRING }, { createContainer: true })
    : config.BLOB_ACCOUNT_URL
      ? await createBlobStore({ accountUrl: config.BLOB_ACCOUNT_URL, credential })
      : unconfiguredBlobStore;
  const db = createDatabase(cosmos, config.COSMOS_DATABASE, composition.storage, systemClock);
  const platform: PlatformServices = { config, clock: systemClock, db, bus, email, telemetry, blobs };
  return { ...platform, ...composition.areaServices(platform) };
}
