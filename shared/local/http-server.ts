import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { Cookie, HttpResponseInit } from '@azure/functions';
import { serialize } from 'cookie';

import type { RouteTable } from '../http/route-table.js';
import { HttpRequest, InvocationContext } from '../platform/azure-functions.js';

/** A route the local host serves itself (outbox, dead letters, admin): never part of the app in Azure. */
export type LocalRoute = (request: { method: string; path: string; body: unknown }) => Promise<{ status: number; body?: unknown } | undefined>;

interface LocalApp {
  routes: RouteTable;
  localRoutes: LocalRoute;
  /** Bytes read from a request before giving up on it; the wrapper answers 413 past its own limit. */
  maxBodyBytes: number;
  /** Origins allowed cross-origin calls with credentials, as the platform's CORS setting does in Azure. */
  corsOrigins: string[];
  /** Told of every answered API request, as the Functions host records it for Application Insights. */
  onRequest?: (functionName: string, url: string, status: number) => void;
}

export interface LocalHttpServer {
  server: Server;
  url: string;
  /** Installs the app; until then every request gets 503 (the server listens first so its URL can go into the settings). */
  setApp(app: LocalApp): void;
  close(): Promise<void>;
}

/**
 * A thin node:http adapter over the same definitions the Functions host runs: `/api` prefix, host route precedence,
 * the library's own HttpRequest and InvocationContext, structured cookies serialised on the way out.
 */
/**
 * Limits like the Functions host's front end (Kestrel): the request head within 30 s, the whole request within 60 s
 * (Node's defaults are 60 s and 300 s: a slow body held a connection for 5 minutes), checked every second.
 */
export const LOCAL_HTTP_LIMITS = { headersTimeoutMs: 30_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000 };

/** How much of an oversized upload is read and discarded after its 413, so the client reads the answer (not a reset). */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

export async function startLocalHttpServer(options: {
  port: number;
  host?: string;
  limits?: Partial<typeof LOCAL_HTTP_LIMITS>;
}): Promise<LocalHttpServer> {
  let app: LocalApp | undefined;
  const limits = { ...LOCAL_HTTP_LIMITS, ...options.limits };
  const server = createServer(
    { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: 1_000 },
    (req, res) => {
      if (!app) return writeJson(res, 503, { error: { code: 'service_unavailable', message: 'Starting' } });
      void handle(req, res, app).catch((error: unknown) => {
        // The client went away (or the request timed out, already answered by clientError): nobody to answer.
        if (req.socket.destroyed || (error as NodeJS.ErrnoException).code === 'ECONNRESET') return void res.destroy();
        // The wrapper already turns handler errors into envelopes; this is the adapter itself failing.
        console.error(JSON.stringify({ kind: 'local-host-error', errorType: error instanceof Error ? error.name : typeof error }));
        if (!res.headersSent) writeJson(res, 500, { error: { code: 'internal_error', message: 'Local host error' } });
        else res.end();
      });
    },
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node's own parser errors (431 header too large, 400 malformed, 408 timed out) answered with the error envelope, as
  // far as the socket still takes an answer (in Azure the Functions front end answers these itself).
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, code, text] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'Request Header Fields Too Large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request_timeout', 'Request Timeout']
          : [400, 'bad_request', 'Bad Request'];
    const payload = JSON.stringify({ error: { code, message: text } });
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n\r\n${payload}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address === '::' ? 'localhost' : address.address}:${address.port}`;
  return {
    server,
    url,
    setApp: (installed) => {
      app = installed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeIdleConnections?.();
        server.close(() => resolve());
        setTimeout(() => server.closeAllConnections?.(), 2_000).unref();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: LocalApp): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const method = (req.method ?? 'GET').toUpperCase();
  // CORS as the Functions platform answers it in front of the app: the web front end's origin, with credentials.
  const origin = req.headers.origin;
  if (origin && options.corsOrigins.includes(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('vary', 'Origin');
    if (method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'content-type');
      res.setHeader('access-control-max-age', '600');
      res.statusCode = 204;
      res.end();
      return;
    }
  }
  const apiPath = /^\/api(?=\/|$)/i.test(url.pathname) ? url.pathname.slice(4) : undefined;
  const match = apiPath === undefined ? undefined : options.routes.find(method, apiPath);
  // Upload routes declare a larger limit of their own; the wrapper enforces each route's limit with the envelope.
  const maxBodyBytes = Math.max(options.maxBodyBytes, match?.definition.contract.maxBodyBytes ?? 0);
  const body = await readLimited(req, maxBodyBytes + 1);
  if (body.byteLength > maxBodyBytes) {
    // The rest of the upload is read and thrown away (up to a cap), so the client gets its 413 rather than a reset
    // mid-upload; the connection then closes, as it cannot be reused mid-body.
    res.shouldKeepAlive = false;
    res.setHeader('connection', 'close');
    if (!(await discardRest(req))) return;
  }

  if (apiPath === undefined) {
    let parsed: unknown;
    try {
      parsed = body.byteLength ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      return writeJson(res, 400, { error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
    }
    const local = await options.localRoutes({ method, path: url.pathname, body: parsed });
    if (!local) return writeJson(res, 404, { error: { code: 'not_found', message: 'Local routes: see GET /' } });
    return writeJson(res, local.status, local.body);
  }

  if (!match) return writeJson(res, 404, { error: { code: 'not_found', message: 'No route' } });

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // As the platform's front end does: append the address the connection came from.
  const peer = req.socket.remoteAddress?.replace(/^::ffff:/, '');
  if (peer) headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${peer}` : peer;
  const request = new HttpRequest({
    method,
    url: url.toString(),
    headers,
    params: match.params,
    ...(method === 'GET' || method === 'HEAD' || body.byteLength === 0 ? {} : { body: { bytes: body } }),
  });
  const context = new InvocationContext({ invocationId: randomUUID(), functionName: match.definition.name });
  const response = await match.definition.handler(request, context);
  options.onRequest?.(match.definition.name, url.toString(), response.status ?? 200);
  await writeResponse(res, response, method === 'HEAD');
}

async function writeResponse(res: ServerResponse, response: HttpResponseInit, headOnly: boolean): Promise<void> {
  const headers = new Headers(response.headers);
  // Text goes out as a string: node:http then sends it in one write with the head (a Buffer is a second chunk, and
  // the two went out as a writev that cost more than the rest of the local host's work per request, issue 11).
  let payload: string | Buffer | undefined;
  if (response.jsonBody !== undefined) {
    payload = JSON.stringify(response.jsonBody);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
  } else if (typeof response.body === 'string') {
    payload = response.body;
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
  } else if (response.body instanceof Uint8Array) {
    payload = Buffer.from(response.body);
  }
  const setCookies = [...headers.getSetCookie(), ...(response.cookies ?? []).map(serializeCookie)];
  headers.delete('set-cookie');
  res.statusCode = response.status ?? 200;
  for (const [name, value] of headers) res.setHeader(name, value);
  if (setCookies.length > 0) res.setHeader('set-cookie', setCookies);
  if (payload !== undefined) res.setHeader('content-length', typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
  if (response.body instanceof Readable) {
    // Sent chunked as it is read; a source that fails half-way cuts the connection, so no truncated file looks whole.
    if (headOnly) {
      response.body.destroy();
      res.end();
    } else await pipeline(response.body, res).catch(() => res.destroy());
    return;
  }
  res.end(headOnly ? undefined : payload);
}

function serializeCookie(cookie: Cookie): string {
  return serialize(cookie.name, cookie.value, {
    ...(cookie.domain ? { domain: cookie.domain } : {}),
    ...(cookie.path ? { path: cookie.path } : {}),
    ...(cookie.expires ? { expires: new Date(cookie.expires) } : {}),
    ...(cookie.maxAge !== undefined ? { maxAge: cookie.maxAge } : {}),
    ...(cookie.secure ? { secure: true } : {}),
    ...(cookie.httpOnly ? { httpOnly: true } : {}),
    ...(cookie.sameSite ? { sameSite: cookie.sameSite.toLowerCase() as 'strict' | 'lax' | 'none' } : {}),
  });
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** Reads the rest of the body and throws it away; false (and the connection dropped) past the cap. */
function discardRest(req: IncomingMessage): Promise<boolean> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve(true);
    let discarded = 0;
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.byteLength;
      if (discarded > DISCARD_LIMIT_BYTES) {
        req.destroy();
        resolve(false);
      }
    });
    req.on('end', () => resolve(true));
    req.on('close', () => resolve(!req.destroyed || req.readableEnded));
    req.resume();
  });
}

/** Reads at most `limit` bytes and then stops reading: an oversized upload is never buffered whole. */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, Math.min(size, limit)));
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= limit) {
        finish();
        req.pause();
      }
    });
    req.on('end', finish);
    req.on('error', (error) => (done ? undefined : reject(error)));
  });
}
