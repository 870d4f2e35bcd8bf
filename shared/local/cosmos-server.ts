import type { AddressInfo } from 'node:net';
import { CosmosClient } from '@azure/cosmos';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { withCountingPlugin } from '../platform/operations.js';
import { containerUsesTtl, dataRegistry, type DataRegistry } from '../privacy/registry.js';

export interface EmbeddedCosmos {
  endpoint: string;
  key: string;
  client: CosmosClient;
  close(): Promise<void>;
}

/** Any key works against the embedded server; the SDK only needs one to sign requests. */
const LOCAL_KEY = Buffer.from('local-embedded-cosmos-key-not-a-secret').toString('base64');

export function localCosmosClient(endpoint: string): CosmosClient {
  // HTTP mode: without enableEndpointDiscovery=false the SDK switches to the https address it is told about.
  return new CosmosClient(withCountingPlugin({ endpoint, key: LOCAL_KEY, connectionPolicy: { enableEndpointDiscovery: false } }));
}

/**
 * Starts the Cosmos-protocol server in this process and creates the database and every registry container with its
 * partition key, as Bicep does in Azure.
 */
export async function startEmbeddedCosmos(registry: DataRegistry = dataRegistry, port = 0): Promise<EmbeddedCosmos> {
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const client = localCosmosClient(endpoint);
  const { database } = await client.databases.createIfNotExists({ id: registry.database });
  for (const container of registry.containers) {
    await database.containers.createIfNotExists({
      id: container.name,
      partitionKey: { paths: [container.partitionKeyPath] },
      ...(containerUsesTtl(registry, container.name) ? { defaultTtl: -1 } : {}),
    });
  }
  return {
    endpoint,
    key: LOCAL_KEY,
    client,
    async close() {
      client.dispose();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
