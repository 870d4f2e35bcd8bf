import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CosmosClient } from '@azure/cosmos';
import { createHttpServer } from '@vercel/cosmosdb-server';

import { cosmosConnectionPolicy, defaultStorePolicy, type StorePolicy } from '../platform/cosmos.js';
import { withCountingPlugin } from '../platform/operations.js';
import { containerUsesTtl, type DataRegistry, dataRegistry, indexingPolicyOf } from '../privacy/registry.js';

/**
 * What the fault hook (tests) makes of one request to the embedded server, modelled on what Cosmos DB really does:
 * throttling with x-ms-retry-after-ms, 503, a connection dropped before the request is seen, a slow answer, and a
 * request that is applied but whose answer never arrives.
 */
export type CosmosFault =
  | { kind: 'status'; status: 408 | 429 | 449 | 503; retryAfterMs?: number }
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number }
  | { kind: 'lose-answer' };

/** `query`: a query (a POST to a container's docs, told from a create by its header). */
type CosmosFaultHook = (request: { method: string; path: string; query: boolean }) => CosmosFault | undefined;

export interface EmbeddedCosmos {
  endpoint: string;
  key: string;
  client: CosmosClient;
  /** Installs (or with undefined removes) a hook that injects faults into requests (test use only). */
  setFaultHook(hook: CosmosFaultHook | undefined): void;
  close(): Promise<void>;
}

/** Any key works against the embedded server; the SDK only needs one to sign requests. */
const LOCAL_KEY = Buffer.from('local-embedded-cosmos-key-not-a-secret').toString('base64');

function localCosmosClient(endpoint: string, policy: StorePolicy = defaultStorePolicy): CosmosClient {
  // HTTP mode: without enableEndpointDiscovery=false the SDK switches to the https address it is told about.
  return new CosmosClient(
    withCountingPlugin({ endpoint, key: LOCAL_KEY, connectionPolicy: { ...cosmosConnectionPolicy(policy), enableEndpointDiscovery: false } }),
  );
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function withFaults(handler: Handler, hook: () => CosmosFaultHook | undefined): Handler {
  return (req, res) => {
    const query = String(req.headers['x-ms-documentdb-isquery'] ?? '').toLowerCase() === 'true';
    const fault = hook()?.({ method: req.method ?? 'GET', path: req.url ?? '/', query });
    if (!fault) return handler(req, res);
    switch (fault.kind) {
      case 'status': {
        req.resume();
        const body = JSON.stringify({ code: fault.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: `injected ${fault.status}` });
        res.writeHead(fault.status, {
          'content-type': 'application/json',
          connection: 'close',
          ...(fault.retryAfterMs !== undefined ? { 'x-ms-retry-after-ms': String(fault.retryAfterMs) } : {}),
        });
        return void res.end(body);
      }
      case 'reset':
        return void req.socket.destroy();
      case 'delay':
        return void setTimeout(() => (req.socket.destroyed ? undefined : handler(req, res)), fault.ms);
      case 'lose-answer':
        // The store applies the request; the answer is lost on the way back.
        res.end = (() => {
          req.socket.destroy();
          return res;
        }) as ServerResponse['end'];
        return handler(req, res);
    }
  };
}

/**
 * Starts the Cosmos-protocol server in this process and creates the database and every registry container with its
 * partition key, as Bicep does in Azure.
 */
export async function startEmbeddedCosmos(
  registry: DataRegistry = dataRegistry,
  port = 0,
  policy: StorePolicy = defaultStorePolicy,
): Promise<EmbeddedCosmos> {
  const server = createHttpServer();
  let faultHook: CosmosFaultHook | undefined;
  const handlers = server.listeners('request') as Handler[];
  server.removeAllListeners('request');
  for (const handler of handlers)
    server.on(
      'request',
      withFaults(handler, () => faultHook),
    );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const client = localCosmosClient(endpoint, policy);
  const { database } = await client.databases.createIfNotExists({ id: registry.database });
  for (const container of registry.containers) {
    await database.containers.createIfNotExists({
      id: container.name,
      partitionKey: { paths: [container.partitionKeyPath] },
      ...(containerUsesTtl(registry, container.name) ? { defaultTtl: -1 } : {}),
      ...(container.excludedPaths ? { indexingPolicy: indexingPolicyOf(container.excludedPaths) } : {}),
    });
  }
  return {
    endpoint,
    key: LOCAL_KEY,
    client,
    setFaultHook(hook) {
      faultHook = hook;
    },
    async close() {
      client.dispose();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
