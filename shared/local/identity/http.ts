import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Small HTTP plumbing shared by the stand-ins (plain node:http, no framework). */

export interface Listening {
  server: Server;
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port. The listener can be set later (`server.on('request', ...)`). */
export async function listen(listener?: RequestListener): Promise<Listening> {
  const server = createServer(listener);
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time string comparison (lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

export function requestUrl(req: IncomingMessage, origin: string): URL {
  return new URL(req.url ?? '/', origin);
}

export async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parameters of a GET query or an application/x-www-form-urlencoded POST body. */
export async function readParams(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  if (req.method === 'POST') {
    const type = req.headers['content-type'] ?? '';
    const body = await readBody(req);
    if (type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(body);
    if (type.startsWith('application/json') && body) {
      const json = JSON.parse(body) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(json).map(([k, v]): [string, string] => [k, String(v)]));
    }
    return new URLSearchParams();
  }
  return url.searchParams;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function redirect(res: ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function sendHtml(res: ServerResponse, status: number, title: string, bodyHtml: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}li{margin:.5rem 0}small{color:#666}</style>
</head><body><h1>${escapeHtml(title)}</h1>${bodyHtml}</body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}

/**
 * The page shown when an authorize request has no `login_hint` (a developer in a real browser):
 * one link per demo user, each the same URL with `login_hint` set, plus a "cancel" link.
 */
export function sendUserChooser(
  res: ServerResponse,
  provider: string,
  url: URL,
  users: { loginHint: string; description: string }[],
  cancelUrl?: string,
): void {
  const link = (hint: string) => {
    const target = new URL(url);
    target.searchParams.set('login_hint', hint);
    return target.pathname + target.search;
  };
  const items = users
    .map(
      (u) =>
        `<li><a href="${escapeHtml(link(u.loginHint))}">${escapeHtml(u.description)}</a><br><small>login_hint=${escapeHtml(u.loginHint)}</small></li>`,
    )
    .join('');
  const cancel = cancelUrl ? `<p><a href="${escapeHtml(cancelUrl)}">Cancel (access_denied)</a></p>` : '';
  sendHtml(res, 200, `${provider} (local stand-in): choose a demo user`, `<ul>${items}</ul>${cancel}`);
}

/** Wraps an async handler: unexpected errors become a 500 JSON answer instead of a hung request. */
export function handle(fn: (req: IncomingMessage, res: ServerResponse) => Promise<void>): RequestListener {
  return (req, res) => {
    fn(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', message: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  };
}

/** A map whose entries expire; expired entries are dropped on access and on a periodic sweep while writing. */
export class ExpiringMap<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  #writes = 0;

  set(key: string, value: V, ttlMs: number): void {
    if (++this.#writes % 256 === 0) this.sweep();
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Returns and removes the entry (single use). */
  take(key: string): V | undefined {
    const value = this.get(key);
    this.#entries.delete(key);
    return value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  values(): V[] {
    this.sweep();
    return [...this.#entries.values()].map((e) => e.value);
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
