/**
 * The app through its HTTP wrapper on the local stack: requests per second, latency and Cosmos operations per
 * request for the hot authenticated reads, and heap growth over the run. Figures are ratios and counts; the local
 * Cosmos stand-in is slower than Cosmos DB, so absolute times are only for comparing runs on one machine.
 */
import { startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { type Bench, type Json,round } from './lib.js';

const REQUESTS = 1500;
const CONCURRENCY = 16;

async function load(url: string, token: string, count: number) {
  const latencies: number[] = [];
  let next = 0;
  const ops = new Map<string, number>();
  let failures = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const started = performance.now();
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      if (response.status !== 200) failures += 1;
      const counted = response.headers.get('x-cosmos-ops') ?? 'none';
      ops.set(counted, (ops.get(counted) ?? 0) + 1);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { requestsPerSecond: count / seconds, p50: at(0.5), p95: at(0.95), failures, ops: [...ops.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none' };
}

export const bench: Bench = {
  name: 'http',
  description: `authenticated GETs through the wrapper on the local stack (${REQUESTS} requests, ${CONCURRENCY} concurrent)`,
  async run({ log }) {
    const host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false });
    try {
      const session = await fetch(`${host.url}/_local/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId: demo.accounts.eeAdmin }),
      });
      const { accessToken } = (await session.json()) as { accessToken: string };
      const routes = { me: '/api/me', schoolMembers: `/api/schools/${demo.schools.ee}/members`, health: '/api/health' };
      // Warm-up: JIT and caches settle first, so the heap figure shows retention, not start-up.
      for (const path of Object.values(routes)) await load(`${host.url}${path}`, accessToken, 600);
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const record: Record<string, Json> = {};
      const table: Record<string, string | number>[] = [];
      for (const [name, path] of Object.entries(routes)) {
        log(`GET ${path}`);
        const r = await load(`${host.url}${path}`, accessToken, REQUESTS);
        record[name] = { requestsPerSecond: round(r.requestsPerSecond), p50Ms: round(r.p50, 2), p95Ms: round(r.p95, 2), failures: r.failures, cosmosOpsPerRequest: r.ops };
        table.push({ route: `GET ${path}`, 'req/s': round(r.requestsPerSecond), 'p50 ms': round(r.p50, 2), 'p95 ms': round(r.p95, 2), failures: r.failures, 'cosmos ops per request': r.ops });
      }
      global.gc?.();
      const heapGrowthPerRequestBytes = round((process.memoryUsage().heapUsed - heapBefore) / (REQUESTS * Object.keys(routes).length), 0);
      record.heapGrowthPerRequestBytes = heapGrowthPerRequestBytes;
      return {
        record: { http: record },
        table,
        notes: [`heap growth per request: ${heapGrowthPerRequestBytes} bytes (host and client share this process; negative or small = no leak)`],
      };
    } finally {
      await host.close();
    }
  },
};
