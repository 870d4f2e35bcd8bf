/**
 * Issue 11, cold start as a user meets it: the time from a fresh node process to the first 200 of GET /api/me (import
 * of the app, services built from the app settings, the HTTP wrapper, and the one Cosmos point read that
 * authenticates), for the deployed bundle and for the plain tsc build, and for the bundle with Application Insights
 * on and off. The Cosmos DB is the embedded Cosmos-protocol server over HTTPS (self-signed, so the child trusts it
 * by NODE_TLS_REJECT_UNAUTHORIZED=0), reached the way Azure reaches Cosmos (endpoint discovery included), with a key
 * instead of the managed identity. Every connection the child opens to anything but this machine is refused and
 * counted: no benchmark contacts the network.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { CosmosClient } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';

import {
  buildBundle,
  buildTsc,
  isolatedEnv,
  placeholderAzureEnv,
  placeholderAzureEnvAllAdapters,
  repoRoot,
  stageDeployment,
} from '../scripts/bundle.js';
import { signAccessToken } from '../shared/auth/session-token.js';
import { signingKeysSchema } from '../shared/platform/config.js';
import { dataRegistry } from '../shared/privacy/registry.js';
import { type Bench, type BenchContext, type BenchOutput, median, round, runNodeScript } from './lib.js';

/**
 * argv: entry URL (exports `definitions`, and for the bundle also getServices, HttpRequest, InvocationContext), the
 * access token. Prints the milliseconds to the first answer of accounts-me and the connections refused.
 */
const childScript = `
import net from 'node:net';
const started = performance.now();
const refused = [];
const loopback = new Set(['127.0.0.1', 'localhost', '::1']);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  const host = options.host ?? 'localhost';
  if (!options.path && !loopback.has(host)) {
    refused.push(host + ':' + options.port);
    setImmediate(() => this.destroy(new Error('bench: no network')));
    return this;
  }
  return connect.apply(this, args);
};
const [entryUrl, token] = process.argv.slice(1);
const app = await import(entryUrl);
const library = app.HttpRequest ? app : await import('@azure/functions');
const functions = library.HttpRequest ? library : library.default;
const me = app.definitions.find((d) => d.name === 'accounts-me');
const request = new functions.HttpRequest({ method: 'GET', url: 'https://api.opiq.example/api/me', headers: { authorization: 'Bearer ' + token } });
const response = await me.handler(request, new functions.InvocationContext({ invocationId: 'bench', functionName: 'accounts-me' }));
const firstMs = performance.now() - started;
if (response.status !== undefined && response.status !== 200) throw new Error('GET /api/me answered ' + response.status + ' ' + JSON.stringify(response.jsonBody ?? response.body));
// Whatever the SDKs start in the background right after (metadata lookups, statsbeat) is caught by the count too.
await new Promise((resolve) => setTimeout(resolve, 2500));
console.log('BENCH ' + JSON.stringify({ firstMs, refused }));
process.exit(0);
`;

interface Sample {
  firstMs: number;
  refused: string[];
}

/** Targets: the bundle's first answer at most this fraction of the tsc build's; Application Insights adds at most this factor. */
export const MAX_FIRST_REQUEST_RATIO = 0.8;
export const MAX_TELEMETRY_FACTOR = 1.25;
const MIN_RUNS = 9;

interface EmbeddedHttpsCosmos {
  endpoint: string;
  key: string;
  client: CosmosClient;
  close(): Promise<void>;
}

/** The embedded server over HTTPS, with the registry's containers, as Bicep creates them. */
async function startHttpsCosmos(): Promise<EmbeddedHttpsCosmos> {
  const server = createHttpsServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const key = Buffer.from('bench-embedded-cosmos-key-not-a-secret').toString('base64');
  const client = new CosmosClient({ endpoint, key, agent: new (await import('node:https')).Agent({ rejectUnauthorized: false }) });
  const { database } = await client.databases.createIfNotExists({ id: dataRegistry.database });
  for (const container of dataRegistry.containers)
    await database.containers.createIfNotExists({ id: container.name, partitionKey: { paths: [container.partitionKeyPath] } });
  return {
    endpoint,
    key,
    client,
    async close() {
      client.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One active account with one listed session, and an access token for it signed with the placeholder key. */
async function seedCaller(cosmos: EmbeddedHttpsCosmos, signingKeys: string): Promise<string> {
  const accountId = 'acc-bench-first-request';
  const sessionId = '7d1f8a52-5f0e-4a8a-9a43-0d1f5b2c3e4f';
  const now = new Date();
  await cosmos.client
    .database(dataRegistry.database)
    .container('accounts')
    .items.upsert({
      id: accountId,
      type: 'account',
      accountId,
      firstName: 'Bench',
      lastName: 'Caller',
      language: 'et',
      country: 'EE',
      status: 'active',
      activeSessions: [{ sessionId, absoluteExpiresAt: new Date(now.getTime() + 86_400_000).toISOString() }],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
  return signAccessToken({ accountId, sessionId }, signingKeysSchema.parse(signingKeys), now);
}

interface Variant {
  name: string;
  cwd: string;
  entry: string;
  env: Record<string, string>;
}

async function run(input: BenchContext): Promise<BenchOutput> {
  const runs = Math.max(input.runs, MIN_RUNS);
  input.log('building dist/tsc (tsc) and the bundle (esbuild) ...');
  const tsc = await buildTsc();
  const stagedDir = path.join(input.tmpDir, 'first-request-bench');
  const bundle = await buildBundle({
    outDir: path.join(stagedDir, 'dist', 'app'),
    extraEntries: { ready: path.join(repoRoot, 'bench', 'ready-entry.ts') },
  });
  await stageDeployment(bundle, stagedDir);
  const cosmos = await startHttpsCosmos();
  try {
    const base = placeholderAzureEnv();
    const token = await seedCaller(cosmos, base['SESSION_SIGNING_KEYS']!);
    const settings = {
      ...base,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
      // What the Functions platform sets: Application Insights then knows it runs in Azure Functions and does not probe
      // the VM metadata service (169.254.169.254), which it does anywhere else.
      FUNCTIONS_EXTENSION_VERSION: '~4',
      WEBSITE_SITE_NAME: 'opiq-bench',
      // Not an answer to wait for: a first request must not depend on it either way.
      NODE_NO_WARNINGS: '1',
    };
    const telemetry = { APPLICATIONINSIGHTS_CONNECTION_STRING: placeholderAzureEnvAllAdapters()['APPLICATIONINSIGHTS_CONNECTION_STRING']! };
    const ready = bundle.extraFiles['ready']!;
    const variants: Variant[] = [
      { name: 'bundled', cwd: stagedDir, entry: ready, env: settings },
      { name: 'unbundled', cwd: repoRoot, entry: tsc.entryFile, env: settings },
      { name: 'bundled + Application Insights', cwd: stagedDir, entry: ready, env: { ...settings, ...telemetry } },
    ];
    const measure = (v: Variant) => runNodeScript<Sample>(childScript, [pathToFileURL(v.entry).href, token], { cwd: v.cwd, env: isolatedEnv(v.env) });
    for (const v of variants) await measure(v); // warm-up (file cache), discarded
    const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    const refused = new Set<string>();
    input.log(`${runs} rounds of ${variants.length} fresh processes (order rotating) ...`);
    for (let round = 0; round < runs; round++) {
      const order = [...variants.slice(round % variants.length), ...variants.slice(0, round % variants.length)];
      for (const v of order) {
        const sample = await measure(v);
        samples.get(v.name)!.push(sample.firstMs);
        for (const target of sample.refused) refused.add(`${v.name}: ${target}`);
      }
    }
    return report(samples, [...refused], runs);
  } finally {
    await cosmos.close();
  }
}

function report(samples: Map<string, number[]>, refused: string[], runs: number): BenchOutput {
  const of = (name: string) => samples.get(name)!;
  const pairRatio = (a: string, b: string) => round(median(of(a).map((x, i) => x / of(b)[i]!)), 3);
  const bundledRatio = pairRatio('bundled', 'unbundled');
  const telemetryFactor = pairRatio('bundled + Application Insights', 'bundled');
  const failures: string[] = [];
  if (bundledRatio > MAX_FIRST_REQUEST_RATIO)
    failures.push(`first 200 of /api/me, bundled/unbundled ${bundledRatio} is above ${MAX_FIRST_REQUEST_RATIO}`);
  if (telemetryFactor > MAX_TELEMETRY_FACTOR)
    failures.push(`first 200 of /api/me with Application Insights ${telemetryFactor}x without, above ${MAX_TELEMETRY_FACTOR}x`);
  if (refused.length > 0) failures.push(`connections off this machine attempted (refused): ${refused.join(', ')}`);
  const ms = (name: string) => ({ medianMs: round(median(of(name))), minMs: round(Math.min(...of(name))), maxMs: round(Math.max(...of(name))) });
  return {
    record: {
      firstRequest: {
        date: new Date().toISOString(),
        node: process.version,
        runs,
        statistic: 'fresh node processes to the first 200 of GET /api/me (import, services, wrapper, one Cosmos point read over HTTPS)',
        bundled: ms('bundled'),
        unbundled: ms('unbundled'),
        bundledWithAppInsights: ms('bundled + Application Insights'),
        bundledOverUnbundled: bundledRatio,
        bundledOverUnbundledTarget: MAX_FIRST_REQUEST_RATIO,
        appInsightsOnOverOff: telemetryFactor,
        appInsightsOnOverOffTarget: MAX_TELEMETRY_FACTOR,
        ratioDefinition: 'median of per-round ratios (the variants of a round run back to back)',
        connectionsOffMachine: refused.length,
        connectionsOffMachineTarget: 0,
      },
    },
    failures,
    table: [...samples.keys()].map((name) => ({
      variant: name,
      'first 200 ms (median)': ms(name).medianMs,
      'min-max': `${ms(name).minMs}-${ms(name).maxMs}`,
    })),
    notes: [
      `bundled / unbundled: ${bundledRatio} (target <= ${MAX_FIRST_REQUEST_RATIO}); Application Insights on / off: ${telemetryFactor} (target <= ${MAX_TELEMETRY_FACTOR})`,
      `connections off this machine attempted and refused: ${refused.length} (target 0)${refused.length ? `: ${refused.join(', ')}` : ''}`,
    ],
  };
}

export const bench: Bench = {
  name: 'first-request',
  description: 'cold start to the first 200 of GET /api/me: bundled vs tsc build, Application Insights on vs off',
  run,
};
