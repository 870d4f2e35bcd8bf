import { createRequire } from 'node:module';

/**
 * Azurite's Blob service, in this process, on a free port, in memory (no files written): the real Storage REST API
 * for @azure/storage-blob, started by the local host and the tests and stopped with them. Its package's main entry is
 * the VS Code extension, so the server is loaded from its internal files, whose constructor takes positional
 * arguments: the version is pinned in package.json (../shared/research/blob-storage-and-exports.md, section 2).
 */
export interface EmbeddedAzurite {
  /** Connection string with the emulator's well-known development key (read from the package, never stored here). */
  connectionString: string;
  blobEndpoint: string;
  close(): Promise<void>;
}

interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}

export async function startEmbeddedAzurite(): Promise<EmbeddedAzurite> {
  const require = createRequire(import.meta.url);
  const BlobServer = (require('azurite/dist/src/blob/BlobServer.js') as { default: new (config: unknown) => AzuriteServer }).default;
  const BlobConfiguration = (require('azurite/dist/src/blob/BlobConfiguration.js') as { default: new (...args: unknown[]) => unknown }).default;
  const constants = require('azurite/dist/src/blob/utils/constants.js') as { EMULATOR_ACCOUNT_NAME: string; EMULATOR_ACCOUNT_KEY_STR: string };
  // host, port (0: a free one), keepAlive, metadata db, extent db, persistence paths, access log, log stream, debug log,
  // debug path, loose, skipApiVersionCheck (the SDK speaks a newer service version than Azurite knows), cert, key,
  // pfx password, oauth, disableProductStyleUrl, inMemoryPersistence.
  const config = new BlobConfiguration(
    '127.0.0.1',
    0,
    undefined,
    undefined,
    undefined,
    undefined,
    false,
    undefined,
    false,
    undefined,
    false,
    true,
    '',
    '',
    '',
    undefined,
    false,
    true,
  );
  const server = new BlobServer(config);
  await server.start();
  const blobEndpoint = `${server.getHttpServerAddress()}/${constants.EMULATOR_ACCOUNT_NAME}`;
  return {
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${constants.EMULATOR_ACCOUNT_NAME};AccountKey=${constants.EMULATOR_ACCOUNT_KEY_STR};BlobEndpoint=${blobEndpoint};`,
    close: () => server.close(),
  };
}
