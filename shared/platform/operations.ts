import { AsyncLocalStorage } from 'node:async_hooks';

import type { PluginConfig, RequestContext } from '@azure/cosmos';

/**
 * Requests that reached Cosmos, by kind: request charges are meaningless on the emulator, so budgets are counted in
 * operations. Counted on the wire by an SDK plugin (`countingPlugin`), so SDK retries, query plans and the health
 * ping are counted too. `metadata`: query plans, partition key ranges, database and container reads (the health ping).
 */
export interface OperationCounts {
  pointRead: number;
  write: number;
  query: number;
  crossPartitionQuery: number;
  metadata: number;
}

export const emptyCounts = (): OperationCounts => ({ pointRead: 0, write: 0, query: 0, crossPartitionQuery: 0, metadata: 0 });

const scope = new AsyncLocalStorage<OperationCounts>();
const totals = emptyCounts();

/** Runs `fn` with its own counter; everything it awaits counts into it (one per HTTP request or queue message). */
export function withOperationCounter<T>(fn: () => Promise<T>): { counts: OperationCounts; result: Promise<T> } {
  const counts = emptyCounts();
  return { counts, result: scope.run(counts, fn) };
}

/** Every operation of this process so far, whatever scope it ran in (the events bench: work done by queue functions). */
export const operationTotals = (): OperationCounts => ({ ...totals });

function countOperation(kind: keyof OperationCounts, n = 1): void {
  totals[kind] += n;
  const current = scope.getStore();
  if (current) current[kind] += n;
}

export function formatCounts(c: OperationCounts): string {
  return `pointRead=${c.pointRead};write=${c.write};query=${c.query};crossPartitionQuery=${c.crossPartitionQuery};metadata=${c.metadata}`;
}

export function parseCounts(header: string): OperationCounts {
  const counts = emptyCounts();
  for (const part of header.split(';')) {
    const [key, value] = part.split('=');
    if (key && key in counts) counts[key as keyof OperationCounts] = Number(value);
  }
  return counts;
}

const WRITES = new Set(['create', 'replace', 'upsert', 'delete', 'patch', 'batch']);

/** What one request to Cosmos is, from the SDK's request context. */
function cosmosRequestKind(context: Pick<RequestContext, 'operationType' | 'resourceType' | 'headers' | 'partitionKey'>): keyof OperationCounts {
  const headers = (context.headers ?? {}) as Record<string, unknown>;
  if (headers['x-ms-cosmos-is-query-plan-request'] !== undefined) return 'metadata';
  // ResourceType.item is 'docs'; the enum is a value of the lazily loaded SDK, which the bundle must not import here.
  if (String(context.resourceType) !== 'docs') return 'metadata';
  const operation = String(context.operationType ?? '');
  if (operation === 'read') return 'pointRead';
  if (operation === 'query')
    return context.partitionKey !== undefined || headers['x-ms-documentdb-partitionkey'] !== undefined ? 'query' : 'crossPartitionQuery';
  if (WRITES.has(operation)) return 'write';
  return 'metadata';
}

/** The number of reads in a batch request whose operations are all reads (`readTogether`: n point reads in one request). */
function readsInBatch(body: unknown): number | undefined {
  let operations = body;
  if (typeof body === 'string')
    try {
      operations = JSON.parse(body);
    } catch {
      return undefined;
    }
  if (!Array.isArray(operations) || operations.length === 0) return undefined;
  return operations.every((o) => (o as { operationType?: unknown } | null)?.operationType === 'Read') ? operations.length : undefined;
}

type CosmosRequestListener = (path: string) => void;
const requestListeners = new Set<CosmosRequestListener>();

/**
 * Calls `listener` with the path (`/dbs/<db>/colls/<container>/docs/<id>`) of every request to Cosmos in this process (the local host records them as the
 * dependencies Application Insights would see); returns the unsubscribe.
 */
export function onCosmosRequest(listener: CosmosRequestListener): () => void {
  requestListeners.add(listener);
  return () => requestListeners.delete(listener);
}

/** The SDK plugin that counts every network request to Cosmos into the current scope (give it to every CosmosClient). */
const countingPlugin: PluginConfig = {
  on: 'request',
  plugin: async (context, _diagnosticNode, next) => {
    const kind = cosmosRequestKind(context);
    const reads = kind === 'write' && String(context.operationType) === 'batch' ? readsInBatch(context.body) : undefined;
    for (const listener of requestListeners) listener(context.path ?? '');
    if (!reads) {
      countOperation(kind);
      return next(context);
    }
    // A batch of reads counts the reads Cosmos ran: after a missing document (404) it runs none (424).
    try {
      const response = await next(context);
      const results: unknown = response.result;
      countOperation('pointRead', Array.isArray(results) ? results.filter((r) => (r as { statusCode?: unknown })?.statusCode !== 424).length : reads);
      return response;
    } catch (error) {
      countOperation('pointRead', reads);
      throw error;
    }
  },
};

/**
 * Client options with the counting plugin. `plugins` is a hidden (undocumented, untyped) option of @azure/cosmos
 * 4.x that the SDK itself passes to every request; the build-time type check cannot see it, so a test checks that
 * requests are counted (shared/platform/cosmos.test.ts).
 */
export function withCountingPlugin<T extends object>(options: T): T {
  return { ...options, plugins: [countingPlugin] };
}
