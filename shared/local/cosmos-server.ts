import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

import { CosmosClient } from '@azure/cosmos';
import { createHttpServer } from '@vercel/cosmosdb-server';

import type { Clock } from '../platform/clock.js';
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

/** How long the embedded server keeps an idle connection open. */
const IDLE_CONNECTION_MS = 60_000;

/** Any key works against the embedded server; the SDK only needs one to sign requests. */
const LOCAL_KEY = Buffer.from('local-embedded-cosmos-key-not-a-secret').toString('base64');

function localCosmosClient(endpoint: string, policy: StorePolicy = defaultStorePolicy): CosmosClient {
  // HTTP mode: without enableEndpointDiscovery=false the SDK switches to the https address it is told about.
  return new CosmosClient(
    withCountingPlugin({ endpoint, key: LOCAL_KEY, connectionPolicy: { ...cosmosConnectionPolicy(policy), enableEndpointDiscovery: false } }),
  );
}

/**
 * Cosmos stamps `_ts` (the time TTL counts from) on every write. The embedded server stamps it with the machine's time,
 * so under a host clock moved years ahead a document written "in 2030" would expire from 2026. Its one write step
 * (`Items._set`) is wrapped to stamp the host's clock instead: the clock of the last server started with one in this
 * process (each test file runs in its own process; one host per process is the rule).
 */
let stampClock: Clock | undefined;
let stampInstalled = false;
function stampWithClock(clock: Clock): void {
  stampClock = clock;
  if (stampInstalled) return;
  stampInstalled = true;
  const items = createRequire(import.meta.url)('@vercel/cosmosdb-server/lib/account/items.js') as {
    default: { prototype: { _set(data: Record<string, unknown>): unknown } };
  };
  const write = items.default.prototype._set;
  items.default.prototype._set = function (this: unknown, data: Record<string, unknown>) {
    const stamped = stampClock && typeof data._ts === 'number' ? { ...data, _ts: Math.floor(stampClock.now().getTime() / 1000) } : data;
    return write.call(this, stamped);
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The partition a single-partition query was sent to, while the embedded server answers it. */
const queryPartition = new AsyncLocalStorage<string>();

function partitionOfQuery(req: IncomingMessage): string | undefined {
  if (req.headers['x-ms-documentdb-isquery'] !== 'true') return undefined;
  return partitionNamed(req.headers['x-ms-documentdb-partitionkey']);
}

/** The partition a partition key header (or a batch operation's `partitionKey`) names: `["value"]`. */
function partitionNamed(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(header);
    const value: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  } catch {
    return undefined;
  }
}

interface ServerItems {
  _data: Map<string, { read(): unknown }>;
  _getPartition(data: unknown): unknown;
  _item(keyPath: string, value: unknown, partition: unknown): { read(): { _rid: string } | undefined };
  _set(data: { _rid: string }): unknown;
  delete(idOrRid: string, partition: unknown): void;
  query(params: unknown, options: unknown): unknown;
  /** Ours: the ids (_rid) of each partition's documents. */
  partitions?: Map<string, Set<string>>;
}

/**
 * The embedded server evaluates a query over every document of the container; Cosmos only over the partition the
 * query is sent to. Every single-partition query here filters on its partition key anyway, so scoping the server's
 * evaluation to that partition (an index of each partition's documents, kept as they are written and deleted) gives
 * the same answers at the cost real Cosmos has: growing with the partition, not the container (a query per person
 * no longer costs more the more people there are: the erasure bench, issue 13).
 */
function scopeQueriesToTheirPartition(): void {
  const require = createRequire(import.meta.url);
  const items = (require('@vercel/cosmosdb-server/lib/account/items.js') as { default: { prototype: ServerItems & { scoped?: true } } }).default
    .prototype;
  if (items.scoped) return;
  items.scoped = true;
  const { query, _set: set, delete: remove } = items;
  const indexOf = (self: ServerItems): Map<string, Set<string>> => (self.partitions ??= new Map<string, Set<string>>());
  items._set = function (this: ServerItems, data) {
    const stored = set.call(this, data);
    const partition = String(this._getPartition(data));
    const index = indexOf(this);
    (index.get(partition) ?? index.set(partition, new Set()).get(partition)!).add(data._rid);
    return stored;
  };
  items.delete = function (this: ServerItems, idOrRid, partition) {
    const data = this._item('/id', idOrRid, partition).read();
    remove.call(this, idOrRid, partition);
    if (data)
      indexOf(this)
        .get(String(this._getPartition(data)))
        ?.delete(data._rid);
  };
  items.query = function (this: ServerItems, params, options) {
    const partition = queryPartition.getStore();
    if (partition === undefined) return query.call(this, params, options);
    const all = this._data;
    // In the order the server keeps them (writing order), so pages and continuations run as they did.
    const rids = [...(indexOf(this).get(partition) ?? [])];
    this._data = new Map(rids.flatMap((rid) => (all.has(rid) ? [[rid, all.get(rid)!] as const] : [])));
    // The server's query runs synchronously: the container's documents are back before anything else runs.
    try {
      return query.call(this, params, options);
    } finally {
      this._data = all;
    }
  };
}

interface BatchCollection {
  documents: ServerItems;
}
type BatchOperation = (collection: BatchCollection, input: BatchInput) => { statusCode: number };
interface BatchInput {
  id?: string;
  partitionKey?: string;
  resourceBody?: Record<string, unknown>;
  /** A Patch operation of the batch, carried as a Replace (see `readBatchPatches`). */
  patch?: { operations: { op: string; path: string }[]; condition?: string };
}
/** What an atomic batch changed so far: each document as it was before (undefined: it did not exist). */
type BatchJournal = { collection: BatchCollection; id: string; partition: unknown; before: { _rid: string } | undefined }[];
const batchJournal = new AsyncLocalStorage<BatchJournal>();

/**
 * Cosmos applies a transactional batch all or none. The embedded server runs its operations one by one and stops at
 * the first failure, but keeps what the earlier ones wrote: here each operation of an atomic batch is journalled, and
 * the first failure puts every document it touched back as it was (writeTogether's markers rely on that).
 */
function makeBatchesAtomic(): void {
  const require = createRequire(import.meta.url);
  const operations = require('@vercel/cosmosdb-server/lib/handler/_document-operations.js') as Record<string, BatchOperation> & { atomic?: true };
  if (operations.atomic) return;
  operations.atomic = true;
  const { parsePartitionKey } = require('@vercel/cosmosdb-server/lib/utils/get-partition-from-header.js') as {
    parsePartitionKey(header: string | undefined, id: string | undefined): unknown;
  };
  const patching = require('@vercel/cosmosdb-server/lib/handler/_patch-operations.js') as { patchOperation: PatchOperationFn };
  for (const name of ['createOperation', 'replaceOperation', 'upsertOperation', 'deleteOperation'] as const) {
    const original = operations[name]!;
    // A batch's Patch arrives as a Replace carrying `patch`: applied as the patch endpoint applies one (its condition too).
    const operation: BatchOperation =
      name === 'replaceOperation'
        ? (collection, input) =>
            input.patch
              ? patching.patchOperation(collection as unknown as Parameters<PatchOperationFn>[0], {
                  id: String(input.id),
                  partitionKey: input.partitionKey,
                  operations: input.patch.operations,
                  ...(input.patch.condition ? { condition: input.patch.condition } : {}),
                })
              : original(collection, input)
        : original;
    operations[name] = (collection, input) => {
      const journal = batchJournal.getStore();
      if (!journal) return operation(collection, input);
      const id = String((input.resourceBody?.id as string | undefined) ?? input.id);
      const partition = input.resourceBody ? collection.documents._getPartition(input.resourceBody) : parsePartitionKey(input.partitionKey, input.id);
      const before = collection.documents._item('/id', id, partition).read();
      const result = operation(collection, input);
      if (result.statusCode < 400) journal.push({ collection, id, partition, before });
      else undoBatch(journal);
      return result;
    };
  }
}

interface PatchInput {
  id: string;
  partitionKey: string | undefined;
  operations: { op: string; path: string }[];
  condition?: string;
}

/**
 * Cosmos runs Patch operations in a transactional batch (a conditional patch beside the create of what it counts);
 * the embedded server's batch handler knows Create, Upsert, Read, Delete and Replace only. The batch body is read
 * through one JSON helper: there each Patch becomes a Replace carrying the patch, which `makeBatchesAtomic` applies
 * (journalled like every write of an atomic batch).
 */
function readBatchPatches(): void {
  const require = createRequire(import.meta.url);
  const json = require('@vercel/cosmosdb-server/lib/json.js') as { default: (req: IncomingMessage) => Promise<unknown>; patches?: true };
  if (json.patches) return;
  json.patches = true;
  const read = json.default;
  json.default = async (req) => {
    const body = await read(req);
    if (!Array.isArray(body)) return body;
    return body.map((input: unknown) => {
      const op = input as { operationType?: unknown; id?: unknown; partitionKey?: unknown; resourceBody?: unknown } | null;
      if (op?.operationType !== 'Patch') return input;
      const resource = op.resourceBody as { operations?: unknown; condition?: unknown } | unknown[];
      const patch = Array.isArray(resource) ? { operations: resource } : { operations: resource?.operations, condition: resource?.condition };
      return { operationType: 'Replace', id: op.id, partitionKey: op.partitionKey, patch };
    });
  };
}
type PatchOperationFn = (
  collection: { document(id: string, partition: unknown): { read(): Record<string, unknown> | undefined } },
  input: PatchInput,
) => { statusCode: number; body: unknown };

/** The node a JSON pointer's parent names in the document, or undefined when it is missing. */
function parentNode(doc: Record<string, unknown>, path: string): unknown {
  const segments = path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .slice(0, -1);
  let node: unknown = doc;
  for (const segment of segments) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
  return typeof node === 'object' && node !== null ? node : undefined;
}

/**
 * Cosmos refuses a patch `add` or `set` whose parent node is missing (400: "can only create a child object of an
 * existing node"); the embedded server writes the last segment onto the nearest node instead (`add /list/-` on a
 * document without `list` makes a property "-"). Refused here as Cosmos does, so code relying on that refusal (a
 * fallback to read and write) is tested. Only the document as stored is looked at: a request creating the parent in
 * an earlier operation of its own is passed through.
 */
function refusePatchesUnderMissingNodes(): void {
  const require = createRequire(import.meta.url);
  const patching = require('@vercel/cosmosdb-server/lib/handler/_patch-operations.js') as { patchOperation: PatchOperationFn; strict?: true };
  if (patching.strict) return;
  patching.strict = true;
  const { parsePartitionKey } = require('@vercel/cosmosdb-server/lib/utils/get-partition-from-header.js') as {
    parsePartitionKey(header: string | undefined, id: string | undefined): unknown;
  };
  const patch = patching.patchOperation;
  patching.patchOperation = (collection, input) => {
    const doc = collection.document(input.id, parsePartitionKey(input.partitionKey, input.id)).read();
    const created = new Set<string>();
    for (const { op, path } of input.operations) {
      if (!doc || (op !== 'add' && op !== 'set')) continue;
      const parent = path.slice(0, path.lastIndexOf('/'));
      if (parent && !created.has(parent) && parentNode(doc, path) === undefined)
        return {
          statusCode: 400,
          body: {
            code: 'BadRequest',
            message: "Add Operation can only create a child object of an existing node (array or object) and can't create path recursively.",
          },
        };
      created.add(path);
    }
    // The condition is a query about this document (`c.id = @id AND …`): evaluated in its partition, as Cosmos does.
    // Over the whole container it would meet a document of the same id in another partition (one counter per buyer).
    const partition = partitionNamed(input.partitionKey);
    return partition === undefined ? patch(collection, input) : queryPartition.run(partition, () => patch(collection, input));
  };
}

function undoBatch(journal: BatchJournal): void {
  const clock = stampClock;
  // Put back exactly what was there, `_ts` too.
  stampClock = undefined;
  try {
    for (const { collection, id, partition, before } of journal.reverse()) {
      if (collection.documents._item('/id', id, partition).read()) collection.documents.delete(id, partition);
      if (before) collection.documents._set(before);
    }
  } finally {
    stampClock = clock;
    journal.length = 0;
  }
}

/** Runs an atomic batch request with its journal (makeBatchesAtomic). */
function withAtomicBatches(handler: Handler): Handler {
  return (req, res) =>
    String(req.headers['x-ms-cosmos-batch-atomic']).toLowerCase() === 'true' ? batchJournal.run([], () => handler(req, res)) : handler(req, res);
}

/** Runs each request with the partition of its query known (scopeQueriesToTheirPartition). */
function withQueryPartition(handler: Handler): Handler {
  return (req, res) => {
    const partition = partitionOfQuery(req);
    return partition === undefined ? handler(req, res) : queryPartition.run(partition, () => handler(req, res));
  };
}

/**
 * The SDK asks for a query plan beside every query (`x-ms-cosmos-is-query-plan-request`). Cosmos answers it in the
 * gateway from the query text alone; the embedded server does not know the header and ran the query itself, over the
 * whole container since the plan request names no partition: every query cost a container scan, so an erasure per
 * person cost more the more people there were (issue 13). It is answered here as the gateway does, without reading a
 * document: a plan of a plain query over every partition key range. The SDK uses a plan only when the service refuses
 * a query for lacking one, which the embedded server never does.
 */
function withQueryPlans(handler: Handler): Handler {
  return (req, res) => {
    if (String(req.headers['x-ms-cosmos-is-query-plan-request'] ?? '').toLowerCase() !== 'true') return handler(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const query = parseQueryText(Buffer.concat(chunks).toString('utf8'));
      if (query === undefined) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ code: 'BadRequest', message: 'missing query' }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(plainQueryPlan(query)));
    });
  };
}

function parseQueryText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { query?: unknown };
    return typeof parsed.query === 'string' && parsed.query.trim() !== '' ? parsed.query : undefined;
  } catch {
    return undefined;
  }
}

/** Cosmos' plan (PartitionedQueryExecutionInfo) of a query with no ORDER BY, TOP, DISTINCT or aggregate to merge. */
function plainQueryPlan(query: string) {
  return {
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: {
      distinctType: 'None',
      top: null,
      offset: null,
      limit: null,
      orderBy: [],
      orderByExpressions: [],
      groupByExpressions: [],
      groupByAliases: [],
      aggregates: [],
      groupByAliasToAggregateType: {},
      rewrittenQuery: '',
      hasSelectValue: /^\s*SELECT\s+VALUE\b/i.test(query),
      dCountInfo: null,
    },
    queryRanges: [{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }],
  };
}

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
  /** The clock `_ts` is stamped from (the local host's adjustable clock); the machine's time without one. */
  clock?: Clock,
): Promise<EmbeddedCosmos> {
  if (clock) stampWithClock(clock);
  scopeQueriesToTheirPartition();
  makeBatchesAtomic();
  readBatchPatches();
  refusePatchesUnderMissingNodes();
  // Connections kept open between requests, as Cosmos does (the SDK's agent keeps them): a new TCP connection per
  // request cost the local stack more than the request itself (the erasure bench, issue 13). The SDK's agent never
  // closes an idle connection itself, so the server keeps one long: a request crossing the server's close is reset,
  // and retried like any reset (platform/cosmos).
  const server = createHttpServer({ keepAlive: true });
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  let faultHook: CosmosFaultHook | undefined;
  const handlers = server.listeners('request') as Handler[];
  server.removeAllListeners('request');
  for (const handler of handlers)
    server.on(
      'request',
      withFaults(withQueryPlans(withAtomicBatches(withQueryPartition(handler))), () => faultHook),
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
      if (clock && stampClock === clock) stampClock = undefined;
      client.dispose();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
