import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { onBlobRequest } from '../platform/blob.js';
import { onCosmosRequest } from '../platform/operations.js';
import { ConsoleTelemetry, type Telemetry } from '../platform/telemetry.js';
import { dependencyTelemetryUrl, requestTelemetryUrl } from '../platform/telemetry-urls.js';

/**
 * Records everything the local host sends to telemetry into `<dir>/<pid>-<uuid>.jsonl`, one JSON record a line (what
 * ConsoleTelemetry writes), plus what the platform and the SDK would add in Azure: each request with its URL as
 * telemetry keeps it, and each distinct Cosmos and Blob Storage dependency target. The test run scans these files (LOG-2,
 * scripts/telemetry-scan.ts). Written synchronously so a worker that ends abruptly loses nothing.
 */
export interface TelemetryRecorder {
  /** The file this host writes. */
  file: string;
  telemetry: Telemetry;
  request(functionName: string, url: string, status: number): void;
  close(): void;
}

const pathAndQuery = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

export function startTelemetryRecorder(dir: string): TelemetryRecorder {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}-${randomUUID()}.jsonl`);
  const write = (line: string) => appendFileSync(file, `${line}\n`);
  const record = (fields: Record<string, unknown>) => write(JSON.stringify({ time: new Date().toISOString(), ...fields }));
  const seenTargets = new Set<string>();
  const dependency = (type: string, pathOrUrl: string) => {
    const data = dependencyTelemetryUrl(pathOrUrl);
    if (seenTargets.has(`${type}\n${data}`)) return;
    seenTargets.add(`${type}\n${data}`);
    record({ kind: 'dependency', type, data });
  };
  const stopCosmos = onCosmosRequest((path) => dependency('Azure DocumentDB', path));
  // Path only, as for requests: the local origin is 127.0.0.1 (in Azure, the storage account's name).
  const stopBlob = onBlobRequest((url) => dependency('Azure blob', new URL(url).pathname));
  return {
    file,
    telemetry: new ConsoleTelemetry(write),
    // Path and query only: the local origin is 127.0.0.1, an address the scan would rightly flag; in Azure it is the app's name.
    request: (functionName, url, status) => record({ kind: 'request', name: functionName, url: requestTelemetryUrl(pathAndQuery(url)), status }),
    close: () => {
      stopCosmos();
      stopBlob();
    },
  };
}
