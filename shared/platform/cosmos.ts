import type { Container, CosmosClient, ItemDefinition, PatchOperation, QueryIterator, SqlParameter, SqlQuerySpec } from '@azure/cosmos';

import type { Clock } from './clock.js';

/**
 * The containers there are. The data registry (shared/privacy) declares them, by declaration merging:
 *
 *   declare module '../platform/cosmos.js' { interface ContainerNames extends Record<'accounts' | …, true> {} }
 *
 * so `db.collection('accounts')` is checked by the compiler and platform imports no area.
 * @public exported for the registry's `declare module` merge, which knip does not count as a use
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging from the data registry
export interface ContainerNames {}
export type ContainerName = Extract<keyof ContainerNames, string>;

/**
 * What the adapter needs of the data registry: partition keys, which document types are declared, the TTL a write
 * gets. The registry provides it (`storageRules` in shared/privacy) and the composition passes it to createDatabase.
 */
export interface StorageRules {
  partitionKeyPath(container: ContainerName): string;
  /** Undefined when the registry does not declare `type` for the container: the write is refused. */
  documentType(container: ContainerName, type: unknown): { ttlOnWrite(now: Date, explicitTtl: number | undefined): number | undefined } | undefined;
}

/** Every stored document carries its registry type; the partition key field is named by the container. */
export interface Doc {
  id: string;
  type: string;
  ttl?: number;
  [field: string]: unknown;
}

/**
 * Set (true) on a document being written with an explicit `ttl` that must stand as given, not as its retention rule
 * would set it: for writes that are not the change a "from the last change" retention counts from (PRIV-3: anonymising
 * for an erasure). Never stored.
 */
export const KEEP_TTL = '_keepTtl';

/** System properties Cosmos adds; `_etag` is what optimistic concurrency compares. */
export interface Stored {
  _etag: string;
  _ts: number;
  /** Seconds after `_ts` at which Cosmos deletes the document (set from the registry's retention rule). */
  ttl?: number;
}

export class DocumentExistsError extends Error {
  constructor(container: string, id: string) {
    super(`A document with this id already exists in ${container} (id ${id})`);
    this.name = 'DocumentExistsError';
  }
}

/** Someone else changed the document since it was read (ETag if-match failed). */
export class ConcurrentUpdateError extends Error {
  constructor(container: string) {
    super(`The document in ${container} was changed by someone else`);
    this.name = 'ConcurrentUpdateError';
  }
}

/**
 * The store did not answer within the operation's budget (throttled, unavailable, connection lost, timed out): the
 * caller should try again after `retryAfterSeconds`. The HTTP wrapper answers 503 with Retry-After; queue handlers
 * rethrow it so the message is redelivered.
 */
export class StoreUnavailableError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('The data store is temporarily unavailable');
    this.name = 'StoreUnavailableError';
  }
}

/**
 * How long one Cosmos operation may take. Transient failures (429, 503, 408, resets, timeouts) are retried with
 * backoff until `budgetMs` is spent, each attempt cut off after `attemptTimeoutMs` (the SDK's own default is 60 s, far
 * longer than a caller of an HTTP function waits); then StoreUnavailableError.
 */
export interface StorePolicy {
  attemptTimeoutMs: number;
  budgetMs: number;
}

export const defaultStorePolicy: StorePolicy = { attemptTimeoutMs: 3_000, budgetMs: 8_000 };

/**
 * Client settings that leave retrying to the adapter, so one budget covers an operation: the SDK's own throttling
 * retries (up to 30 s) are off and its request timeout matches an attempt.
 */
export function cosmosConnectionPolicy(policy: StorePolicy = defaultStorePolicy) {
  return {
    requestTimeout: policy.attemptTimeoutMs,
    retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 0 },
  };
}

export class UndeclaredDocumentError extends Error {
  constructor(container: string, type: unknown) {
    super(`Document type ${String(type)} is not declared for container ${container} in the data registry`);
    this.name = 'UndeclaredDocumentError';
  }
}

interface QueryOptions {
  /** The fields to return (`c.a, c.b`), when not the whole document. */
  select?: string;
  /** Extra condition, ANDed after the partition-key filter; refer to the document as `c`. */
  where?: string;
  parameters?: SqlParameter[];
  orderBy?: string;
  pageSize?: number;
  continuation?: string;
}

export interface Page<T> {
  items: T[];
  continuation?: string;
}

/** A handle to one registry container. All queries are filtered on the partition key unless named cross-partition. */
class Collection {
  readonly pkField: string;

  constructor(
    readonly name: ContainerName,
    private readonly container: Container,
    private readonly rules: StorageRules,
    private readonly clock: Clock,
    private readonly policy: StorePolicy = defaultStorePolicy,
  ) {
    this.pkField = rules.partitionKeyPath(name).slice(1);
  }

  async read<T extends Doc>(id: string, partitionKey: string): Promise<(T & Stored) | undefined> {
    // An id Cosmos could never hold (from a URL, say) is simply not there; asking would be a 400 from the service.
    if (!isStorableId(id)) return undefined;
    return this.readUncounted<T>(id, partitionKey);
  }

  private readUncounted<T extends Doc>(id: string, partitionKey: string): Promise<(T & Stored) | undefined> {
    return withStoreRetry(this.policy, async (abortSignal) => {
      try {
        const response = await this.container.item(id, partitionKey).read<T & Stored>({ abortSignal });
        return response.resource ?? undefined;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  /**
   * Creates a document once. When an earlier attempt's answer was lost (reset, timeout) and the retry finds the id
   * taken by exactly what we wrote, that is our own earlier success, not someone else's document.
   */
  async create<T extends Doc>(doc: T): Promise<T & Stored> {
    const prepared = this.prepare(doc);
    return withStoreRetry(this.policy, async (abortSignal, uncertain) => {
      try {
        const response = await this.container.items.create(prepared, { abortSignal });
        return response.resource as unknown as T & Stored;
      } catch (error) {
        if (statusOf(error) === 409) {
          const own = uncertain ? await this.ownEarlierWrite<T>(prepared) : undefined;
          if (own) return own;
          throw new DocumentExistsError(this.name, doc.id);
        }
        throw error;
      }
    });
  }

  async upsert<T extends Doc>(doc: T): Promise<T & Stored> {
    const prepared = this.prepare(doc);
    return withStoreRetry(this.policy, async (abortSignal) => {
      const response = await this.container.items.upsert(prepared, { abortSignal });
      return response.resource as unknown as T & Stored;
    });
  }

  /**
   * Replaces a document only if it is unchanged since it was read (its `_etag`). A retry after a lost answer that
   * meets a changed ETag checks whether the change is our own write before calling it a concurrent update.
   */
  async replace<T extends Doc>(doc: T & { _etag: string }): Promise<T & Stored> {
    const prepared = this.prepare(doc);
    return withStoreRetry(this.policy, async (abortSignal, uncertain) => {
      try {
        const response = await this.container
          .item(doc.id, this.partitionKeyOf(doc))
          .replace(prepared, { accessCondition: { type: 'IfMatch', condition: doc._etag }, abortSignal });
        return response.resource as unknown as T & Stored;
      } catch (error) {
        if (statusOf(error) === 412) {
          const own = uncertain ? await this.ownEarlierWrite<T>(prepared) : undefined;
          if (own) return own;
          throw new ConcurrentUpdateError(this.name);
        }
        throw error;
      }
    });
  }

  /** Retried like every write, so after a lost answer it may apply twice: only idempotent operations (set, remove), never incr. */
  async patch(id: string, partitionKey: string, operations: PatchOperation[]): Promise<void> {
    await withStoreRetry(this.policy, (abortSignal) => this.container.item(id, partitionKey).patch(operations, { abortSignal }));
  }

  /**
   * A conditional patch (issue 11): the operations apply only when the stored document matches `condition` (a
   * `FROM c WHERE …` clause about this document), checked and applied by Cosmos in one write. Answers the document as
   * patched, 'unmet' when the condition does not hold (412), or undefined when there is no such document (404).
   * The condition is text, not parameters: callers put only numbers and lower-case names in it (the local server
   * lower-cases the clause before parsing it; Cosmos does not). After a lost answer the retry may meet its own change
   * as 'unmet', or apply an `incr` twice: callers choose conditions and operations for which either errs on the safe side.
   */
  async patchIf<T extends Doc>(
    id: string,
    partitionKey: string,
    operations: PatchOperation[],
    condition: string,
  ): Promise<(T & Stored) | 'unmet' | undefined> {
    if (!isStorableId(id)) return undefined;
    return withStoreRetry(this.policy, async (abortSignal) => {
      try {
        const response = await this.container.item(id, partitionKey).patch<T & Stored>({ operations, condition }, { abortSignal });
        return response.resource ?? undefined;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        if (statusOf(error) === 412) return 'unmet';
        throw error;
      }
    });
  }

  /**
   * Deletes; a document already gone counts as deleted (idempotent). With `ifMatch` only the version read (its
   * `_etag`): a document changed since answers false and stays.
   */
  async delete(id: string, partitionKey: string, options: { ifMatch?: string } = {}): Promise<boolean> {
    if (!isStorableId(id)) return false;
    const accessCondition = options.ifMatch ? { type: 'IfMatch', condition: options.ifMatch } : undefined;
    return withStoreRetry(this.policy, async (abortSignal, uncertain) => {
      try {
        await this.container.item(id, partitionKey).delete({ abortSignal, ...(accessCondition ? { accessCondition } : {}) });
        return true;
      } catch (error) {
        // Gone after a lost answer: our own earlier delete.
        if (statusOf(error) === 404) return uncertain;
        if (statusOf(error) === 412) return false;
        throw error;
      }
    });
  }

  /**
   * Deletes documents of one partition, up to 100 in one request (a transactional batch): for erasure (PRIV-3), where a
   * person's partition holds dozens. Answers the ids that went. A batch that meets a document already gone (a repeat,
   * or another writer) fails as a whole in Cosmos; its ids are then deleted one by one, so every id is tried once more
   * at most and one gone counts as not deleted here.
   */
  async deleteMany(ids: string[], partitionKey: string): Promise<string[]> {
    const gone: string[] = [];
    const storable = ids.filter(isStorableId);
    for (let i = 0; i < storable.length; i += BATCH_LIMIT) {
      const chunk = storable.slice(i, i + BATCH_LIMIT);
      const whole = await withStoreRetry(this.policy, async () => {
        const response = await this.container.items.batch(
          // Each operation names the partition too: the local server reads it there, Cosmos checks it matches.
          chunk.map((id) => ({ operationType: 'Delete' as const, id, partitionKey })),
          partitionKey,
        );
        return response.result?.every((r) => r.statusCode < 300) ?? false;
      });
      if (whole) gone.push(...chunk);
      else for (const id of chunk) if (await this.delete(id, partitionKey)) gone.push(id);
    }
    return gone;
  }

  /**
   * Point reads of documents of one partition in one request (a transactional batch of reads), answered in the order
   * asked, undefined for one that is not there: what one request needs of one person's partition at once, such as the
   * account that authenticates it and the entitlement it checks (issue 11: one round trip instead of two, counted and
   * charged as the point reads Cosmos runs). Cosmos fails the whole batch when one document is missing (that read
   * 404, the others 424 and no bodies, the ones after it not run); the rest are then read again without it, so put
   * the ids likely to be missing first.
   */
  async readTogether<T extends Doc>(partitionKey: string, ids: readonly string[]): Promise<((T & Stored) | undefined)[]> {
    const found = new Map<string, (T & Stored) | undefined>();
    let pending = [...new Set(ids.filter(isStorableId))];
    while (pending.length > 1) {
      const asked = pending;
      const results = await withStoreRetry(this.policy, async () => {
        try {
          const operations = asked.map((id) => ({ operationType: 'Read' as const, id, partitionKey }));
          return (await this.container.items.batch(operations, partitionKey)).result ?? [];
        } catch (error) {
          throw connectionFailureOfBatch(error) ?? error;
        }
      });
      const missing = results.findIndex((r) => r.statusCode === 404);
      if (missing >= 0) {
        found.set(asked[missing]!, undefined);
        pending = asked.filter((_, i) => i !== missing);
        continue;
      }
      if (results.length !== asked.length || results.some((r) => r.statusCode >= 300))
        throw new Error('A batch of reads answered without its documents');
      asked.forEach((id, i) => found.set(id, results[i]!.resourceBody as unknown as T & Stored));
      pending = [];
    }
    for (const id of pending) found.set(id, await this.readUncounted<T>(id, partitionKey));
    return ids.map((id) => found.get(id));
  }

  /**
   * Writes documents of one partition all or none (a Cosmos transactional batch): creates, replaces and deletes under
   * the ETag read, and conditional patches (`patchIf`'s operations and condition, issue 11: a counter checked and
   * counted in the batch that writes what it counts). Answers the stored documents (none for a delete), or which
   * operation failed and how (409: the id exists; 412: changed since read, or a patch's condition unmet; 404: gone);
   * nothing of a failed batch is written. After a lost answer a retry may meet its own creates as 409: callers make a
   * create the proof that the batch was applied (a marker document), so that reads as done.
   */
  async writeTogether(partitionKey: string, writes: readonly TogetherWrite[]): Promise<TogetherResult> {
    if (writes.length === 0 || writes.length > BATCH_LIMIT) throw new Error(`A transactional batch holds 1 to ${BATCH_LIMIT} operations`);
    const operations = writes.map((write) => {
      if ('create' in write) return { operationType: 'Create' as const, partitionKey, resourceBody: this.prepare(write.create) };
      if ('patch' in write) {
        const { id, operations: ops, condition } = write.patch;
        return { operationType: 'Patch' as const, partitionKey, id, resourceBody: { operations: ops, ...(condition ? { condition } : {}) } };
      }
      if ('delete' in write) return { operationType: 'Delete' as const, partitionKey, id: write.delete.id, ifMatch: write.delete._etag };
      const { _etag, ...doc } = write.replace;
      return { operationType: 'Replace' as const, partitionKey, id: doc.id, ifMatch: _etag, resourceBody: this.prepare(doc) };
    });
    const results = await withStoreRetry(this.policy, async () => {
      try {
        // Fresh operations for every attempt: the SDK rewrites each operation's partitionKey in place (to its JSON
        // form), so a retry with the same objects sent it encoded twice and a patch or replace missed its document.
        return (
          (
            await this.container.items.batch(
              operations.map((operation) => ({ ...operation })),
              partitionKey,
            )
          ).result ?? []
        );
      } catch (error) {
        throw connectionFailureOfBatch(error) ?? error;
      }
    });
    // Cosmos answers 424 for every operation but the one that failed.
    const failed = results.findIndex((r) => r.statusCode >= 400 && r.statusCode !== 424);
    if (failed >= 0) return { ok: false, failedIndex: failed, status: results[failed]!.statusCode };
    if (results.length !== writes.length || results.some((r) => r.statusCode >= 400))
      throw new Error('A transactional batch answered without its failure');
    return { ok: true, docs: results.map((r) => r.resourceBody as unknown as Doc & Stored) };
  }

  /** The stored document when it holds exactly what we tried to write (system properties aside). */
  private async ownEarlierWrite<T extends Doc>(prepared: ItemDefinition): Promise<(T & Stored) | undefined> {
    const stored = await this.readUncounted<T>(String(prepared.id), this.partitionKeyOf(prepared as Doc));
    return stored && sameContent(stored, prepared) ? stored : undefined;
  }

  /** One page of a single-partition query. */
  async query<T>(partitionKey: string, options: QueryOptions = {}): Promise<Page<T>> {
    const response = await withStoreRetry(this.policy, (abortSignal) =>
      this.container.items
        .query<T>(this.querySpec(partitionKey, options), {
          partitionKey,
          maxItemCount: options.pageSize ?? 100,
          continuationToken: options.continuation,
          abortSignal,
        })
        .fetchNext(),
    );
    return { items: response.resources, continuation: response.continuationToken || undefined };
  }

  private querySpec(partitionKey: string, options: QueryOptions): SqlQuerySpec {
    const where = `c.${this.pkField} = @pk${options.where ? ` AND (${options.where})` : ''}`;
    const text = `SELECT ${options.select ?? '*'} FROM c WHERE ${where}${options.orderBy ? ` ORDER BY ${options.orderBy}` : ''}`;
    return { query: text, parameters: [{ name: '@pk', value: partitionKey }, ...(options.parameters ?? [])] };
  }

  /** How many documents of one partition match (one single-partition query): for per-user limits. */
  async count(partitionKey: string, where: string, parameters: SqlParameter[] = []): Promise<number> {
    const text = `SELECT VALUE COUNT(1) FROM c WHERE c.${this.pkField} = @pk AND (${where})`;
    const response = await withStoreRetry(this.policy, (abortSignal) =>
      this.container.items
        .query<number>({ query: text, parameters: [{ name: '@pk', value: partitionKey }, ...parameters] }, { partitionKey, abortSignal })
        .fetchAll(),
    );
    return response.resources[0] ?? 0;
  }

  /**
   * The `type` of each document in one partition, one page of at most `pageSize` (one single-partition query): what a
   * person's partition holds without reading the documents themselves (PRIV-1). `complete` is false past the page.
   */
  async typesIn(partitionKey: string, pageSize = 1000): Promise<{ types: string[]; complete: boolean }> {
    const text = `SELECT VALUE c.type FROM c WHERE c.${this.pkField} = @pk`;
    const response = await withStoreRetry(this.policy, (abortSignal) =>
      this.container.items
        .query<string>({ query: text, parameters: [{ name: '@pk', value: partitionKey }] }, { partitionKey, maxItemCount: pageSize, abortSignal })
        .fetchNext(),
    );
    return { types: response.resources, complete: !response.continuationToken };
  }

  /**
   * Every row of a single-partition query, page by page (for bounded partitions only). One iterator for all pages:
   * the SDK asks Cosmos for a query plan once per iterator, so a new one per page paid a plan request per page
   * (issue 11). It gets no abort signal (a page is bounded by the client's request timeout, the attempt time); after a
   * failed attempt a fresh iterator resumes from the last continuation.
   */
  async queryAll<T>(partitionKey: string, options: Omit<QueryOptions, 'continuation'> = {}): Promise<T[]> {
    const spec = this.querySpec(partitionKey, options);
    const all: T[] = [];
    let continuation: string | undefined;
    let iterator: QueryIterator<T> | undefined;
    do {
      const page = await withStoreRetry(this.policy, (_signal, uncertain) => {
        if (!iterator || uncertain)
          iterator = this.container.items.query<T>(spec, { partitionKey, maxItemCount: options.pageSize ?? 100, continuationToken: continuation });
        return iterator.fetchNext();
      });
      all.push(...page.resources);
      continuation = page.continuationToken || undefined;
    } while (continuation);
    return all;
  }

  /** A query across partitions: for timers and operator jobs only, never on a user-facing path. */
  async crossPartitionQuery<T>(text: string, parameters: SqlParameter[] = [], continuation?: string, pageSize = 100): Promise<Page<T>> {
    const response = await withStoreRetry(this.policy, (abortSignal) =>
      this.container.items
        .query<T>({ query: text, parameters }, { maxItemCount: pageSize, continuationToken: continuation, abortSignal })
        .fetchNext(),
    );
    return { items: response.resources, continuation: response.continuationToken || undefined };
  }

  partitionKeyOf(doc: Doc): string {
    const value = doc[this.pkField];
    if (typeof value !== 'string' || value === '') throw new Error(`Document ${doc.type} lacks its partition key ${this.pkField}`);
    return value;
  }

  /** Checks the registry declares the type, the partition key is present, and applies the retention TTL. */
  private prepare<T extends Doc>(doc: T): ItemDefinition {
    const declared = this.rules.documentType(this.name, doc.type);
    if (!declared) throw new UndeclaredDocumentError(this.name, doc.type);
    this.partitionKeyOf(doc);
    // KEEP_TTL: a write that is not a change (an erasure's anonymising) keeps the day the document was due to leave.
    const kept = doc[KEEP_TTL] === true && typeof doc.ttl === 'number' ? doc.ttl : undefined;
    const ttl = kept ?? declared.ttlOnWrite(this.clock.now(), doc.ttl);
    const { _etag, _ts, _rid, _self, _attachments, [KEEP_TTL]: _keep, ...body } = doc as Doc & Record<string, unknown>;
    if (ttl === undefined) delete body.ttl;
    else body.ttl = ttl;
    return body;
  }
}

/**
 * @azure/cosmos 4.x wraps a failed batch request in a plain Error with only its cause's message ("Batch request error:
 * socket hang up"), dropping the status or code that tells a transient failure (retry) from a bug. The transient ones
 * are told by their message and given back a code or status: lost connections, the client's attempt timeout, and
 * throttling or unavailability (the SDK's own retries are off, see `cosmosConnectionPolicy`; on the local stack the
 * fault hook's "injected 429"). A transactional batch may be retried: callers recognise their own applied batch.
 */
function connectionFailureOfBatch(error: unknown): Error | undefined {
  if (!(error instanceof Error) || !error.message.startsWith('Batch request error:')) return undefined;
  const wrap = (fields: object) => Object.assign(new Error(error.message), fields);
  if (/socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|other side closed|aborted/i.test(error.message)) return wrap({ code: 'ECONNRESET' });
  if (/Timeout Error|timed out/i.test(error.message)) return wrap({ name: 'TimeoutError' });
  const status = /\b(408|429|449|503)\b|Request rate is large|TooManyRequests|ServiceUnavailable|Service is currently unavailable/i.exec(
    error.message,
  );
  if (status) return wrap({ code: Number(status[1] ?? (/rate|TooMany/i.test(status[0]) ? 429 : 503)) });
  return undefined;
}

/** Documents read ahead by id (`readTogether`), undefined for one that is not there; an id it lacks was not read. */
export type KnownDocuments = ReadonlyMap<string, (Doc & Stored) | undefined>;

/**
 * One write of `writeTogether`: a create, a replace or a delete of the version read (its `_etag`: a document changed
 * since, or gone, fails the batch with 412 or 404), or a patch applied only when the stored document matches
 * `condition` (a `FROM c WHERE …` clause, as for `patchIf`: numbers and lower-case names only).
 */
export type TogetherWrite =
  | { create: Doc }
  | { replace: Doc & { _etag: string } }
  | { delete: { id: string; _etag: string } }
  | { patch: { id: string; operations: PatchOperation[]; condition?: string } };
type TogetherResult = { ok: true; docs: (Doc & Stored)[] } | { ok: false; failedIndex: number; status: number };

/** The most operations Cosmos takes in one transactional batch. */
export const BATCH_LIMIT = 100;

/** ETag conflicts an update tolerates by default before giving up: each one means another writer got through. */
const DEFAULT_UPDATE_ATTEMPTS = 5;

export interface UpdateOptions<T extends Doc> {
  /**
   * Attempts (each conflict re-reads and re-applies) before ConcurrentUpdateError. Hot documents many requests
   * write at once (an order under 50 copies of one notification, a session being revoked) get more.
   */
  attempts?: number;
  /** Only a document of this type counts; another type under the id is treated as missing. */
  type?: T['type'];
  /** The document as the caller just read it: the first attempt starts from it instead of reading again. */
  current?: T & Stored;
  /**
   * What to create when the document is missing (undefined: nothing). Someone else creating it first is a conflict
   * like any other: it is read and `change` applied to it.
   */
  create?: () => T | undefined;
}

export interface Updated<T extends Doc> {
  doc: T & Stored;
  /** False when `change` found nothing to do (the stored document is returned as it was). */
  changed: boolean;
}

/**
 * The one read-change-write of a document under its ETag. `change` sees the latest document and returns the new one,
 * or undefined when there is nothing to do (no write), or throws to refuse. When another writer got in between (412)
 * it reads and applies again, up to `attempts`, then throws ConcurrentUpdateError (the HTTP wrapper answers 409).
 * Resolves undefined when the document is missing (and nothing was created). Transient failures and lost answers are
 * handled inside each read and write (`withStoreRetry`, `replace`'s own-write check), so a conflict here is real.
 */
export async function updateWithEtag<T extends Doc>(
  collection: Collection,
  id: string,
  partitionKey: string,
  change: (current: T & Stored) => T | undefined | Promise<T | undefined>,
  options: UpdateOptions<T> = {},
): Promise<Updated<T> | undefined> {
  const attempts = options.attempts ?? DEFAULT_UPDATE_ATTEMPTS;
  let known = options.current;
  for (let attempt = 1; ; attempt++) {
    const stored = known ?? (await collection.read<T>(id, partitionKey));
    known = undefined;
    const current = stored && (options.type === undefined || stored.type === options.type) ? stored : undefined;
    let write: () => Promise<T & Stored>;
    if (current) {
      const next = await change(current);
      if (next === undefined) return { doc: current, changed: false };
      write = () => collection.replace<T>({ ...next, _etag: current._etag });
    } else {
      const fresh = stored ? undefined : options.create?.();
      if (!fresh) return undefined;
      write = () => collection.create<T>(fresh);
    }
    // Only our own write's conflict is retried: whatever `change` throws is the caller's answer.
    try {
      return { doc: await write(), changed: true };
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) && !(error instanceof DocumentExistsError)) throw error;
      if (attempt >= attempts) throw new ConcurrentUpdateError(collection.name);
      // A little jitter so a crowd of writers on one document does not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 5 * attempt)));
    }
  }
}

export interface Database {
  collection(name: ContainerName): Collection;
  /** Reads the database metadata: a cheap liveness check (counted as a metadata request). */
  ping(): Promise<void>;
}

export function createDatabase(
  client: CosmosClient,
  databaseId: string,
  rules: StorageRules,
  clock: Clock,
  policy: StorePolicy = defaultStorePolicy,
): Database {
  const db = client.database(databaseId);
  const cache = new Map<ContainerName, Collection>();
  return {
    collection(name) {
      let handle = cache.get(name);
      if (!handle) {
        handle = new Collection(name, db.container(name), rules, clock, policy);
        cache.set(name, handle);
      }
      return handle;
    },
    async ping() {
      await withStoreRetry(policy, (abortSignal) => db.read({ abortSignal }));
    },
  };
}

// 500 is left out: from the service it is a bug to see, not to retry.
const TRANSIENT_STATUS = new Set([408, 429, 449, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR',
  'TimeoutError',
  'UND_ERR_SOCKET',
]);

/** Whether a failure may go away by itself (and so is worth another attempt); anything else is a bug or a real answer. */
function isTransientStoreError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status = statusOf(error);
  if (status !== undefined) return TRANSIENT_STATUS.has(status);
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return name === 'AbortError' || name === 'TimeoutError';
}

function retryAfterMsOf(error: unknown): number | undefined {
  const value = (error as { retryAfterInMs?: unknown } | undefined)?.retryAfterInMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Runs one store operation with retries inside the policy's budget. `uncertain` tells the attempt that an earlier
 * one may have been applied although its answer was lost, so a 409/412 may be our own write.
 */
async function withStoreRetry<T>(policy: StorePolicy, attempt: (signal: AbortSignal, uncertain: boolean) => Promise<T>): Promise<T> {
  const deadline = Date.now() + policy.budgetMs;
  let uncertain = false;
  for (let n = 0; ; n++) {
    const remaining = deadline - Date.now();
    try {
      return await attempt(AbortSignal.timeout(Math.max(1, Math.min(policy.attemptTimeoutMs, remaining))), uncertain);
    } catch (error) {
      if (!isTransientStoreError(error)) throw error;
      uncertain = true;
      // Throttling says how long to wait; otherwise exponential backoff with jitter.
      const wait = retryAfterMsOf(error) ?? Math.min(1_000, 25 * 2 ** n) * (0.5 + Math.random() / 2);
      if (Date.now() + wait >= deadline) throw new StoreUnavailableError(Math.min(30, Math.max(1, Math.ceil(wait / 1000))));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

const SYSTEM_PROPERTIES = new Set(['_etag', '_ts', '_rid', '_self', '_attachments', '_lsn']);

/** Equal JSON values, ignoring key order and Cosmos' system properties at the top level. */
function sameContent(stored: object, written: object): boolean {
  const strip = (o: object) => Object.fromEntries(Object.entries(o).filter(([k, v]) => !SYSTEM_PROPERTIES.has(k) && v !== undefined));
  return deepEqual(strip(stored), strip(written));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => deepEqual(v, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Cosmos DB item ids are at most 255 characters and may not contain / \\ ? # (nor end with a space). */
function isStorableId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && !/[/\\?#]/.test(id) && !id.endsWith(' ');
}

function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown; statusCode?: unknown }).code ?? (error as { statusCode?: unknown }).statusCode;
    if (typeof code === 'number') return code;
  }
  return undefined;
}
