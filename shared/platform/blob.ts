import type { Readable } from 'node:stream';

import type { TokenCredential } from '@azure/identity';
import type { BlobServiceClient, ContainerClient, RequestPolicyFactory, UserDelegationKey } from '@azure/storage-blob';

/**
 * Blob Storage for users' own files (LRN-4): one container, every blob under a per-account prefix
 * (`accounts/<accountId>/…`) so export and erasure find a person's blobs by listing one prefix (PRIV-2, PRIV-3).
 * In Azure the app reaches it with its managed identity (Storage Blob Data Contributor on this container, no keys);
 * locally and in tests the same SDK talks to Azurite.
 */
export const USER_FILES_CONTAINER = 'user-files';

interface StoredBlob {
  bytes: Uint8Array;
  contentType: string;
}

export interface BlobStore {
  /** Writes (or overwrites) one blob with its content type; the bytes are already checked by the caller. */
  put(name: string, bytes: Uint8Array, contentType: string, metadata?: Record<string, string>): Promise<void>;
  /** The blob, or undefined when it is not there. */
  get(name: string): Promise<StoredBlob | undefined>;
  /** Deletes one blob; one already gone counts as deleted (idempotent). */
  delete(name: string): Promise<void>;
  /** Names and sizes of every blob under a prefix (paged by the SDK). */
  list(prefix: string): Promise<{ name: string; size: number }[]>;
  /** Streams a blob in (4 MiB blocks, 2 at a time: memory stays flat whatever the size); returns the bytes written. */
  upload(name: string, source: Readable, contentType: string): Promise<number>;
  /** The blob's bytes as a stream (undefined when it is not there). */
  openRead(name: string): Promise<NodeJS.ReadableStream | undefined>;
  /**
   * A short-lived read link straight to Blob Storage (a user-delegation SAS), when the store can sign one: in Azure,
   * with the managed identity. Elsewhere undefined, and the app serves its own signed link.
   */
  readLink?(name: string, options: { expiresOn: Date; downloadName: string }): Promise<string>;
}

/** A block blob holds at most 50,000 blocks: 4 MiB blocks allow about 195 GiB (research section 3). */
const UPLOAD_BLOCK_BYTES = 4 * 1024 * 1024;

const statusOf = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : undefined;

class ContainerBlobStore implements BlobStore {
  constructor(protected readonly container: ContainerClient) {}

  async put(name: string, bytes: Uint8Array, contentType: string, metadata: Record<string, string> = {}): Promise<void> {
    await this.container.getBlockBlobClient(name).uploadData(bytes, {
      // Stored with the sniffed type and as an attachment: even a direct link to the blob never renders in a page.
      blobHTTPHeaders: { blobContentType: contentType, blobContentDisposition: 'attachment' },
      metadata,
    });
  }

  async get(name: string): Promise<StoredBlob | undefined> {
    try {
      // One request: the body and its stored content type together.
      const response = await this.container.getBlockBlobClient(name).download();
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      const buffer = Buffer.concat(chunks);
      return {
        bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
        contentType: response.contentType ?? 'application/octet-stream',
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    await this.container.getBlockBlobClient(name).deleteIfExists({ deleteSnapshots: 'include' });
  }

  async list(prefix: string): Promise<{ name: string; size: number }[]> {
    const out: { name: string; size: number }[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix })) out.push({ name: blob.name, size: blob.properties.contentLength ?? 0 });
    return out;
  }

  /**
   * Blocks of 4 MiB staged in order, one in flight while the next fills, then committed: memory holds two blocks. (The SDK's uploadStream, fed
   * from a zip whose entries are read from this same store, committed block lists Azurite called invalid once the
   * zip passed one block; staging ourselves with our own block ids does not.)
   */
  async upload(name: string, source: Readable, contentType: string): Promise<number> {
    const blob = this.container.getBlockBlobClient(name);
    const blockIds: string[] = [];
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let bytes = 0;
    // One block in flight while the next fills: two blocks of memory at most.
    let inFlight: Promise<unknown> = Promise.resolve();
    const stage = async () => {
      const id = Buffer.from(`block-${String(blockIds.length).padStart(8, '0')}`).toString('base64');
      const block = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      blockIds.push(id);
      await inFlight;
      inFlight = blob.stageBlock(id, block, block.length);
      // Marked handled now (a failure while the next block fills must not be an unhandled rejection); awaited below.
      inFlight.catch(() => undefined);
    };
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      pending.push(buffer);
      pendingBytes += buffer.length;
      bytes += buffer.length;
      if (pendingBytes >= UPLOAD_BLOCK_BYTES) await stage();
    }
    if (pendingBytes > 0 || blockIds.length === 0) await stage();
    await inFlight;
    await blob.commitBlockList(blockIds, { blobHTTPHeaders: { blobContentType: contentType, blobContentDisposition: 'attachment' } });
    return bytes;
  }

  async openRead(name: string): Promise<NodeJS.ReadableStream | undefined> {
    try {
      return (await this.container.getBlockBlobClient(name).download()).readableStreamBody;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }
}

const DELEGATION_KEY_HOURS = 24;
const RENEW_KEY_BEFORE_MS = 2 * 3600_000;
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * In Azure: read links as user-delegation SAS signed with a key the managed identity asks for (no account key exists:
 * shared-key access is off). One key signs many links; it is renewed when under 2 hours remain (research section 4).
 */
class DelegatedBlobStore extends ContainerBlobStore {
  private key?: UserDelegationKey;

  constructor(
    container: ContainerClient,
    private readonly service: BlobServiceClient,
    private readonly accountName: string,
  ) {
    super(container);
  }

  async readLink(name: string, options: { expiresOn: Date; downloadName: string }): Promise<string> {
    const { BlobSASPermissions, SASProtocol, generateBlobSASQueryParameters } = await import('@azure/storage-blob');
    const now = Date.now();
    if (!this.key || this.key.signedExpiresOn.getTime() - now < RENEW_KEY_BEFORE_MS)
      this.key = await this.service.getUserDelegationKey(new Date(now - CLOCK_SKEW_MS), new Date(now + DELEGATION_KEY_HOURS * 3600_000));
    // A link never outlives the key that signs it.
    const expiresOn = options.expiresOn > this.key.signedExpiresOn ? this.key.signedExpiresOn : options.expiresOn;
    const sas = generateBlobSASQueryParameters(
      {
        containerName: this.container.containerName,
        blobName: name,
        permissions: BlobSASPermissions.parse('r'),
        startsOn: new Date(now - CLOCK_SKEW_MS),
        expiresOn,
        protocol: SASProtocol.Https,
        contentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(options.downloadName)}`,
      },
      this.key,
      this.accountName,
    );
    return `${this.container.getBlobClient(name).url}?${sas.toString()}`;
  }
}

/**
 * The store over a connection string (Azurite locally: its well-known development key, read from the package at run
 * time) or over an account URL with a token credential (Azure: the managed identity).
 */
export async function createBlobStore(
  source: { connectionString: string } | { accountUrl: string; credential: TokenCredential },
  options: { createContainer?: boolean } = {},
): Promise<BlobStore> {
  const { BlobServiceClient, newPipeline, StorageSharedKeyCredential } = await import('@azure/storage-blob');
  const { url, credential } =
    'connectionString' in source
      ? sharedKeyOf(source.connectionString, StorageSharedKeyCredential)
      : { url: source.accountUrl, credential: source.credential };
  const pipeline = newPipeline(credential);
  // A policy of our own, past the SDK's known ones: it sees each request (retries too), as Application Insights does.
  pipeline.factories.push(blobRequestObserver);
  const service = new BlobServiceClient(url, pipeline);
  const container = service.getContainerClient(USER_FILES_CONTAINER);
  // In Azure, Bicep creates the container and the app's role is scoped to it (it may not create containers).
  if (options.createContainer) await container.createIfNotExists();
  return 'connectionString' in source ? new ContainerBlobStore(container) : new DelegatedBlobStore(container, service, service.accountName);
}

type BlobRequestListener = (url: string) => void;
const blobRequestListeners = new Set<BlobRequestListener>();

/**
 * Calls `listener` with the URL of every request to Blob Storage in this process (the local host records them as the
 * dependencies Application Insights would see, LOG-2); returns the unsubscribe.
 */
export function onBlobRequest(listener: BlobRequestListener): () => void {
  blobRequestListeners.add(listener);
  return () => blobRequestListeners.delete(listener);
}

const blobRequestObserver: RequestPolicyFactory = {
  create: (next) => ({
    sendRequest: (request) => {
      for (const listener of blobRequestListeners) listener(request.url);
      return next.sendRequest(request);
    },
  }),
};

/** The account URL and shared key of a connection string (Azurite's: `AccountName=…;AccountKey=…;BlobEndpoint=…`). */
function sharedKeyOf<C>(connectionString: string, SharedKey: new (name: string, key: string) => C): { url: string; credential: C } {
  const fields = new Map(
    connectionString
      .split(';')
      .filter(Boolean)
      .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as const),
  );
  const [name, key] = [fields.get('AccountName'), fields.get('AccountKey')];
  if (!name || !key) throw new Error('The Blob connection string lacks AccountName or AccountKey');
  const url =
    fields.get('BlobEndpoint') ??
    `${fields.get('DefaultEndpointsProtocol') ?? 'https'}://${name}.blob.${fields.get('EndpointSuffix') ?? 'core.windows.net'}`;
  return { url, credential: new SharedKey(name, key) };
}

/** Without BLOB_ACCOUNT_URL every file operation fails (500 with a correlation id); the rest of the app runs. */
export const unconfiguredBlobStore: BlobStore = {
  put: () => Promise.reject(new Error('BLOB_ACCOUNT_URL is not set')),
  get: () => Promise.reject(new Error('BLOB_ACCOUNT_URL is not set')),
  delete: () => Promise.reject(new Error('BLOB_ACCOUNT_URL is not set')),
  list: () => Promise.reject(new Error('BLOB_ACCOUNT_URL is not set')),
  upload: () => Promise.reject(new Error('BLOB_ACCOUNT_URL is not set')),
  openRead: () => Promise.reject(new Error('BLOB_ACCOUNT_URL is not set')),
};
