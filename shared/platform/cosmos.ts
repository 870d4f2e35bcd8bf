import type { Container, CosmosClient, ItemDefinition, PatchOperation, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { Clock } from './clock.js';
import { containerSpec, documentTypeSpec, ttlOnWrite, type ContainerName } from '../privacy/registry.js';

/** Every stored document carries its registry type; the partition key field is named by the container. */
export interface Doc {
  id: string;
  type: string;
  ttl?: number;
  [field: string]: unknown;
}

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

export class UndeclaredDocumentError extends Error {
  constructor(container: string, type: unknown) {
    super(`Document type ${String(type)} is not declared for container ${container} in the data registry`);
    this.name = 'UndeclaredDocumentError';
  }
}

export interface QueryOptions {
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
export class Collection {
  readonly pkField: string;

  constructor(
    readonly name: ContainerName,
    private readonly container: Container,
    private readonly clock: Clock,
  ) {
    this.pkField = containerSpec(name).partitionKeyPath.slice(1);
  }

  async read<T extends Doc>(id: string, partitionKey: string): Promise<(T & Stored) | undefined> {
    // An id Cosmos could never hold (from a URL, say) is simply not there; asking would be a 400 from the service.
    if (!isStorableId(id)) return undefined;
    try {
      const response = await this.container.item(id, partitionKey).read<T & Stored>();
      return response.resource ?? undefined;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async create<T extends Doc>(doc: T): Promise<T & Stored> {
    const prepared = this.prepare(doc);
    try {
      const response = await this.container.items.create(prepared);
      return response.resource as unknown as T & Stored;
    } catch (error) {
      if (statusOf(error) === 409) throw new DocumentExistsError(this.name, doc.id);
      throw error;
    }
  }

  async upsert<T extends Doc>(doc: T): Promise<T & Stored> {
    const prepared = this.prepare(doc);
    const response = await this.container.items.upsert(prepared);
    return response.resource as unknown as T & Stored;
  }

  /** Replaces a document only if it is unchanged since it was read (its `_etag`). */
  async replace<T extends Doc>(doc: T & { _etag: string }): Promise<T & Stored> {
    const prepared = this.prepare(doc);
    try {
      const response = await this.container
        .item(doc.id, this.partitionKeyOf(doc))
        .replace(prepared, { accessCondition: { type: 'IfMatch', condition: doc._etag } });
      return response.resource as unknown as T & Stored;
    } catch (error) {
      if (statusOf(error) === 412) throw new ConcurrentUpdateError(this.name);
      throw error;
    }
  }

  async patch(id: string, partitionKey: string, operations: PatchOperation[]): Promise<void> {
    await this.container.item(id, partitionKey).patch(operations);
  }

  /** Deletes; a document already gone counts as deleted (idempotent). */
  async delete(id: string, partitionKey: string): Promise<boolean> {
    if (!isStorableId(id)) return false;
    try {
      await this.container.item(id, partitionKey).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  /** One page of a single-partition query. */
  async query<T>(partitionKey: string, options: QueryOptions = {}): Promise<Page<T>> {
    const response = await this.container.items
      .query<T>(this.querySpec(partitionKey, options), { partitionKey, maxItemCount: options.pageSize ?? 100, continuationToken: options.continuation })
      .fetchNext();
    return { items: response.resources, continuation: response.continuationToken || undefined };
  }

  /**
   * Every row of a single-partition query (for bounded partitions only). One iterator for all pages: the SDK asks
   * Cosmos for a query plan once per iterator, so a new iterator per page would pay a plan request per page.
   */
  async queryAll<T>(partitionKey: string, options: Omit<QueryOptions, 'continuation'> = {}): Promise<T[]> {
    const iterator = this.container.items.query<T>(this.querySpec(partitionKey, options), { partitionKey, maxItemCount: options.pageSize ?? 100 });
    const all: T[] = [];
    while (iterator.hasMoreResults()) {
      const page = await iterator.fetchNext();
      all.push(...page.resources);
    }
    return all;
  }

  private querySpec(partitionKey: string, options: QueryOptions): SqlQuerySpec {
    const where = `c.${this.pkField} = @pk${options.where ? ` AND (${options.where})` : ''}`;
    const text = `SELECT * FROM c WHERE ${where}${options.orderBy ? ` ORDER BY ${options.orderBy}` : ''}`;
    return { query: text, parameters: [{ name: '@pk', value: partitionKey }, ...(options.parameters ?? [])] };
  }

  /** A query across partitions: for timers and operator jobs only, never on a user-facing path. */
  async crossPartitionQuery<T>(text: string, parameters: SqlParameter[] = [], continuation?: string, pageSize = 100): Promise<Page<T>> {
    const response = await this.container.items
      .query<T>({ query: text, parameters }, { maxItemCount: pageSize, continuationToken: continuation })
      .fetchNext();
    return { items: response.resources, continuation: response.continuationToken || undefined };
  }

  partitionKeyOf(doc: Doc): string {
    const value = doc[this.pkField];
    if (typeof value !== 'string' || value === '') throw new Error(`Document ${doc.type} lacks its partition key ${this.pkField}`);
    return value;
  }

  /** Checks the registry declares the type, the partition key is present, and applies the retention TTL. */
  private prepare<T extends Doc>(doc: T): ItemDefinition {
    const spec = documentTypeSpec(this.name, doc.type);
    if (!spec) throw new UndeclaredDocumentError(this.name, doc.type);
    this.partitionKeyOf(doc);
    const ttl = ttlOnWrite(spec, this.clock.now(), doc.ttl);
    const { _etag, _ts, _rid, _self, _attachments, ...body } = doc as Doc & Record<string, unknown>;
    void _etag, void _ts, void _rid, void _self, void _attachments;
    if (ttl === undefined) delete body.ttl;
    else body.ttl = ttl;
    return body as ItemDefinition;
  }
}

export interface Database {
  collection(name: ContainerName): Collection;
  /** Reads the database metadata: a cheap liveness check (counted as a metadata request). */
  ping(): Promise<void>;
}

export function createDatabase(client: CosmosClient, databaseId: string, clock: Clock): Database {
  const db = client.database(databaseId);
  const cache = new Map<ContainerName, Collection>();
  return {
    collection(name) {
      let handle = cache.get(name);
      if (!handle) {
        handle = new Collection(name, db.container(name), clock);
        cache.set(name, handle);
      }
      return handle;
    },
    async ping() {
      await db.read();
    },
  };
}

/** Cosmos DB item ids are at most 255 characters and may not contain / \\ ? # (nor end with a space). */
export function isStorableId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && !/[/\\?#]/.test(id) && !id.endsWith(' ');
}

export function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown; statusCode?: unknown }).code ?? (error as { statusCode?: unknown }).statusCode;
    if (typeof code === 'number') return code;
  }
  return undefined;
}
