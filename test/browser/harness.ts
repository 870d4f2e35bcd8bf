import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * The real-browser suite's parts (issue 17): Debian's Chromium driven by playwright-core (never a browser download),
 * a tiny front end that plays the web app, and a TLS front door for the two-host production topology.
 * Facts behind the flags and hosts: ../../../shared/research/real-browser-tests.md.
 */
/** Debian's package; OPIQ_CHROMIUM only exists to try the skip path (point it at a missing file). */
export const CHROMIUM = process.env.OPIQ_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM);
/** CI sets REQUIRE_BROWSER=1 (.ci/run): there a missing Chromium fails the run instead of skipping the suite. */
export const browserRequired = process.env.REQUIRE_BROWSER === '1';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', // CI runs as root
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // Without these Chromium keeps calling Google's hosts, which are refused here.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** A fresh browser profile (cookies) per test; a failing test leaves a screenshot in test-artifacts/. */
export async function withPage<T>(
  browser: Browser,
  name: string,
  run: (page: Page, context: BrowserContext) => Promise<T>,
  options: { ignoreHTTPSErrors?: boolean } = {},
): Promise<T> {
  const context = await browser.newContext({ ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false, locale: 'et-EE' });
  // Well inside the test's own timeout, so a stuck page still fails here, with its screenshot and address.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  try {
    return await run(page, context);
  } catch (error) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${name.replace(/[^A-Za-z0-9-]+/g, '_').slice(0, 120)}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    if (error instanceof Error) error.message += `\n(screenshot: ${file}; page: ${page.url()})`;
    throw error;
  } finally {
    await context.close();
  }
}

/**
 * The web front end's part, as a page: it asks GET /api/auth/session for the CSRF token (the documented way, also
 * when the API is on another host), calls the API with credentials, and sends x-csrf-token on writes.
 */
function frontEndPage(apiOrigin: string): string {
  return `<!doctype html><html lang="et"><head><meta charset="utf-8"><title>Opiq (test front end)</title></head>
<body><h1>Opiq test front end</h1><pre id="status">…</pre>
<script>
const API = ${JSON.stringify(apiOrigin)};
let csrf;
async function call(path, init = {}) {
  const headers = new Headers(init.headers || {});
  let body = init.body;
  if (init.json !== undefined) { headers.set('content-type', 'application/json'); body = JSON.stringify(init.json); }
  if (init.method && init.method !== 'GET' && csrf && !init.withoutCsrf) headers.set('x-csrf-token', csrf);
  const response = await fetch(API + path, { method: init.method || 'GET', headers, body, credentials: 'include' });
  const text = await response.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch {}
  return { status: response.status, body: parsed };
}
async function session() {
  const answer = await call('/api/auth/session');
  csrf = answer.body && answer.body.csrfToken;
  return answer;
}
window.opiq = { call, session, useCsrf: (token) => { csrf = token; } };
window.ready = (async () => {
  const s = await session();
  const me = s.body.signedIn ? await call('/api/me') : undefined;
  document.getElementById('status').textContent = s.body.signedIn ? 'Sisse logitud (' + me.status + ')' : 'Ei ole sisse logitud';
  return { session: s.body, me, cookies: document.cookie };
})();
</script></body></html>`;
}

const listen = (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

/** The front end on its own port of 127.0.0.1 (the local topology): every path answers the page. */
export async function startFrontEnd(): Promise<{ origin: string; setApi(origin: string): void; close(): Promise<void> }> {
  let api = '';
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(frontEndPage(api));
  });
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, setApi: (origin) => (api = origin), close: () => close(server) };
}

/**
 * Production's shape on one machine: https://api.opiq.test:<port> (proxied to the local host) and
 * https://www.opiq.test:<port> (the front end), one TLS listener telling them apart by Host. TLS because Chromium
 * takes `__Host-` cookies only from https (or 127.0.0.1/localhost), not from http names it is told to treat as secure.
 */
export async function startTwoHostFrontDoor(): Promise<{
  apiOrigin: string;
  webOrigin: string;
  setBackend(url: string): void;
  close(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'opiq-tls-'));
  try {
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '2',
          '-subj',
          '/CN=opiq.test',
          '-addext',
          'subjectAltName=DNS:api.opiq.test,DNS:www.opiq.test',
        ],
        { stdio: 'ignore' },
      );
    } catch {
      throw new Error('The two-host browser test needs openssl for a throwaway TLS certificate: apt-get install -y openssl');
    }
    const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    let backend: URL | undefined;
    let apiOrigin = '';
    const server = createHttpsServer(tls, (req: IncomingMessage, res: ServerResponse) => {
      if ((req.headers.host ?? '').startsWith('www.')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(frontEndPage(apiOrigin));
        return;
      }
      if (!backend) return void res.writeHead(503).end();
      // The platform's front door: the Host header stays the public one.
      const upstream = httpRequest(
        { host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => (res.headersSent ? res.end() : res.writeHead(502).end()));
      req.pipe(upstream);
    });
    const port = await listen(server);
    apiOrigin = `https://api.opiq.test:${port}`;
    return { apiOrigin, webOrigin: `https://www.opiq.test:${port}`, setBackend: (url) => (backend = new URL(url)), close: () => close(server) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits for the front-end page the browser landed on to finish asking the API who is signed in. */
export interface Landing {
  session: { signedIn: boolean; csrfToken?: string; accountId?: string };
  me?: { status: number; body: Record<string, any> };
  cookies: string;
}
export const landing = (page: Page) => page.evaluate(() => (globalThis as any).ready as Promise<Landing>);

/** Calls the API from the page, as the front end's code does (credentials, x-csrf-token on writes). */
export const callFromPage = (page: Page, path: string, init: { method?: string; json?: unknown; withoutCsrf?: boolean } = {}) =>
  page.evaluate(([p, i]) => (globalThis as any).opiq.call(p, i) as Promise<{ status: number; body: any }>, [path, init] as const);
