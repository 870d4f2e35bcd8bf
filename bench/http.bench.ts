/**
 * Overhead of the app's HTTP path (issue 11), as ratios against baselines measured in the same run:
 * - host: the entitlement check `GET /api/licences/works/{workId}/access` of a reader opening a work they hold a licence
 *   for, through the full local host (the wrapper, token verification, the account that authenticates and the
 *   entitlement read together in one request: `readWithAccount`);
 * - hostUnlicensed: the same for a work they hold none for (reported, no target): the batch meets the missing
 *   entitlement, and the account is read again alone (two requests, as before the batch);
 * - bareSame: a bare node:http server doing the same two point reads with the same Cosmos client;
 * - bareOwn: a bare node:http server doing only the route's own read;
 * - bareOwnCounted: bareOwn inside the per-request operation counter (AsyncLocalStorage): the counter's cost.
 * The load generator is autocannon in its own process, never in this event loop. All servers share this process and
 * its embedded Cosmos server, one at a time, in interleaved rounds; the figure per variant is the median of the
 * rounds. Then the host alone for 30 s: p50/p99 and the process RSS after it.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { repoRoot } from '../scripts/bundle.js';
import { startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { withOperationCounter } from '../shared/platform/operations.js';
import { mayOpenWork } from '../shared/store/licences.js';
import { type Bench, type Json, median, round } from './lib.js';

const ROUND_SECONDS = 5;
/** Rounds of every variant; each ratio is the median of the rounds' own ratios (variants of one round ran minutes apart at most). */
const ROUNDS = 5;
const SOAK_SECONDS = 30;
const CONNECTIONS = 16;
export const TARGETS = { hostVsBareSame: 0.8, hostVsBareOwn: 0.5, counterCost: 0.9 } as const;

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** autocannon as a child process (its own event loop and CPU time), JSON on stdout. */
function cannon(url: string, headers: Record<string, string>, seconds: number): Promise<CannonResult> {
  const args = [path.join(repoRoot, 'node_modules', 'autocannon', 'autocannon.js'), '--json', '-c', String(CONNECTIONS), '-d', String(seconds)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}`));
      resolve(JSON.parse(out) as CannonResult);
    });
  });
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export const bench: Bench = {
  name: 'http',
  description: `entitlement check: full local host vs bare node:http servers on the same Cosmos client (autocannon, ${CONNECTIONS} connections, ${ROUNDS} x ${ROUND_SECONDS} s interleaved, then ${SOAK_SECONDS} s soak)`,
  async run({ log }) {
    const host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
    const servers: Server[] = [];
    try {
      const buyer = demo.accounts.eeStudent;
      // The reader holds the demo school's licence for this work, and none for the other.
      const workId = demo.schoolLicence.workId;
      const unlicensedWorkId = 'work-ee-math-5';
      const session = (await (
        await fetch(`${host.url}/_local/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ accountId: buyer }),
        })
      ).json()) as { accessToken: string };
      const db = host.services.db;
      const reply = (res: import('node:http').ServerResponse, body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const bareSame = await listen((_req, res) => {
        void (async () => {
          await db.collection('accounts').read(buyer, buyer);
          reply(res, await mayOpenWork(host.services, buyer, workId, new Date()));
        })();
      });
      const bareOwn = await listen((_req, res) => {
        void (async () => reply(res, await mayOpenWork(host.services, buyer, workId, new Date())))();
      });
      const bareOwnCounted = await listen((_req, res) => {
        void withOperationCounter(async () => reply(res, await mayOpenWork(host.services, buyer, workId, new Date()))).result;
      });
      servers.push(bareSame.server, bareOwn.server, bareOwnCounted.server);

      const variants = {
        host: { url: `${host.url}/api/licences/works/${workId}/access`, headers: { authorization: `Bearer ${session.accessToken}` } },
        hostUnlicensed: {
          url: `${host.url}/api/licences/works/${unlicensedWorkId}/access`,
          headers: { authorization: `Bearer ${session.accessToken}` },
        },
        bareSame: { url: `${bareSame.url}/`, headers: {} },
        bareOwn: { url: `${bareOwn.url}/`, headers: {} },
        bareOwnCounted: { url: `${bareOwnCounted.url}/`, headers: {} },
      } as const;
      type Name = keyof typeof variants;
      const check = await fetch(variants.host.url, { headers: variants.host.headers });
      const ops = check.headers.get('x-cosmos-ops');
      if (check.status !== 200 || !((await check.json()) as { allowed: boolean }).allowed)
        throw new Error('the reader is not licensed: the bench would measure another path');
      const checkUnlicensed = await fetch(variants.hostUnlicensed.url, { headers: variants.hostUnlicensed.headers });
      const opsUnlicensed = checkUnlicensed.headers.get('x-cosmos-ops');
      if (checkUnlicensed.status !== 200 || ((await checkUnlicensed.json()) as { allowed: boolean }).allowed)
        throw new Error('the unlicensed work is licensed');

      log('warm-up ...');
      for (const name of Object.keys(variants) as Name[]) await cannon(variants[name].url, variants[name].headers, 2);
      const samples = new Map<Name, number[]>(Object.keys(variants).map((n) => [n as Name, []]));
      const failures: string[] = [];
      for (let pass = 0; pass < ROUNDS; pass++) {
        const order = (Object.keys(variants) as Name[]).slice();
        if (pass % 2 === 1) order.reverse();
        for (const name of order) {
          const r = await cannon(variants[name].url, variants[name].headers, ROUND_SECONDS);
          if (r.non2xx > 0 || r.errors > 0) failures.push(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
          samples.get(name)!.push(r.requests.average);
          log(`round ${pass + 1} ${name}: ${round(r.requests.average)} req/s`);
        }
      }
      const rps = Object.fromEntries([...samples].map(([n, v]) => [n, median(v)])) as Record<Name, number>;
      // Per round, then the median: load from elsewhere moves whole rounds (one round measured the host at half another's
      // rate), and a ratio of two variants measured seconds apart is less exposed to it than a ratio of two medians.
      const perRound = (a: Name, b: Name) => median(samples.get(a)!.map((x, i) => x / samples.get(b)![i]!));
      const ratios = {
        hostVsBareSame: perRound('host', 'bareSame'),
        hostVsBareOwn: perRound('host', 'bareOwn'),
        counterCost: perRound('bareOwnCounted', 'bareOwn'),
      };

      log(`soak: the host alone for ${SOAK_SECONDS} s ...`);
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      const soak = await cannon(variants.host.url, variants.host.headers, SOAK_SECONDS);
      global.gc?.();
      const rssAfter = process.memoryUsage().rss;

      for (const [key, target] of Object.entries(TARGETS) as [keyof typeof TARGETS, number][])
        if (ratios[key] < target) failures.push(`${key} ${round(ratios[key], 3)} is below ${target}`);

      const record: Record<string, Json> = {
        routeCosmosOps: ops,
        routeCosmosOpsUnlicensed: opsUnlicensed,
        hostUnlicensedVsBareOwn: round(perRound('hostUnlicensed', 'bareOwn'), 3),
        requestsPerSecondMedian: Object.fromEntries(Object.entries(rps).map(([k, v]) => [k, round(v)])),
        ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v, 3)])),
        targets: { ...TARGETS },
        soak: {
          seconds: SOAK_SECONDS,
          requestsPerSecond: round(soak.requests.average),
          p50Ms: soak.latency.p50,
          p99Ms: soak.latency.p99,
          non2xx: soak.non2xx,
        },
        rssMiB: { beforeSoak: round(rssBefore / 2 ** 20), afterSoak: round(rssAfter / 2 ** 20) },
        method: `autocannon ${CONNECTIONS} connections in its own process; ${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s per variant; req/s the median per variant, ratios the median of the rounds' ratios`,
      };
      return {
        record: { http: record },
        table: [
          ...(Object.keys(variants) as Name[]).map((n) => ({ variant: n, 'req/s (median)': round(rps[n]), ratio: '', target: '' })),
          { variant: 'host / bareSame', 'req/s (median)': '', ratio: round(ratios.hostVsBareSame, 3), target: `>= ${TARGETS.hostVsBareSame}` },
          { variant: 'host / bareOwn', 'req/s (median)': '', ratio: round(ratios.hostVsBareOwn, 3), target: `>= ${TARGETS.hostVsBareOwn}` },
          { variant: 'counter (ALS) on / off', 'req/s (median)': '', ratio: round(ratios.counterCost, 3), target: `>= ${TARGETS.counterCost}` },
        ],
        notes: [
          `route's Cosmos operations: ${ops} (one request); unlicensed: ${opsUnlicensed} (two requests), ${round(perRound('hostUnlicensed', 'bareOwn'), 3)} of bareOwn`,
          `soak ${SOAK_SECONDS} s: ${round(soak.requests.average)} req/s, p50 ${soak.latency.p50} ms, p99 ${soak.latency.p99} ms; RSS ${round(rssBefore / 2 ** 20)} -> ${round(rssAfter / 2 ** 20)} MiB`,
          'the machine is shared: a noisy run may miss a ratio; re-run before believing a miss',
        ],
        failures,
      };
    } finally {
      for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
      await host.close();
    }
  },
};
