import type { CosmosClient } from '@azure/cosmos';

import type { Clock } from '../platform/clock.js';
import type { DataRegistry } from '../privacy/registry.js';

interface Expirable {
  id: string;
  ttl?: number;
  _ts: number;
  [field: string]: unknown;
}

/**
 * Cosmos DB deletes a document `ttl` seconds after its last write (`_ts`); the embedded server ignores ttl, so the
 * local host runs this sweep instead. Container default TTLs are honoured the same way (-1: only per-item TTLs).
 */
export class TtlSweeper {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly client: CosmosClient,
    private readonly registry: DataRegistry,
    private readonly clock: Clock,
  ) {}

  /** Deletes every expired document; returns how many per container. */
  async sweepOnce(): Promise<Record<string, number>> {
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const removed: Record<string, number> = {};
    const database = this.client.database(this.registry.database);
    for (const spec of this.registry.containers) {
      const container = database.container(spec.name);
      const { resource: definition } = await container.read();
      const defaultTtl = definition?.defaultTtl;
      if (defaultTtl === undefined || defaultTtl === null) continue; // TTL off: item ttls are ignored, as in Cosmos
      const pkField = spec.partitionKeyPath.slice(1);
      const { resources } = await container.items
        .query<Expirable>({ query: 'SELECT * FROM c WHERE IS_DEFINED(c.ttl) OR @default > 0', parameters: [{ name: '@default', value: defaultTtl }] })
        .fetchAll();
      let count = 0;
      for (const doc of resources) {
        const ttl = typeof doc.ttl === 'number' ? doc.ttl : defaultTtl;
        if (ttl <= 0 || doc._ts + ttl > nowSeconds) continue;
        try {
          await container.item(doc.id, doc[pkField] as string).delete();
          count += 1;
        } catch (error) {
          if ((error as { code?: number }).code !== 404) throw error;
        }
      }
      if (count > 0) removed[spec.name] = count;
    }
    return removed;
  }

  start(intervalMs: number, onError: (error: unknown) => void): void {
    const tick = async () => {
      try {
        await this.sweepOnce();
      } catch (error) {
        onError(error);
      }
      this.timer = setTimeout(() => void tick(), intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(() => void tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
