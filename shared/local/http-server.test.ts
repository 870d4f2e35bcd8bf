import { connect } from 'node:net';
import { Readable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RouteTable } from '../http/route-table.js';
import type { HttpDefinition } from '../platform/definitions.js';
import { type LocalHttpServer, startLocalHttpServer } from './http-server.js';

/**
 * The local host's HTTP limits (issue 9, defect 9): request timeouts like the Functions front end's, Node's parser
 * errors with the error envelope, and an oversized chunked upload answered 413 cleanly (read and discarded, no reset).
 */
const MAX_BODY = 64 * 1024;

const echo: HttpDefinition = {
  kind: 'http',
  name: 'echo',
  route: 'echo',
  methods: ['POST'],
  contract: {
    summary: 'echo',
    tags: [],
    auth: 'public',
    usesSession: false,
    capability: 'public',
    bodyTypes: ['json'],
    output: { kind: 'noContent' },
    successStatus: 200,
    otherStatuses: [],
    errors: [],
    errorRedirect: false,
  },
  handler: async (request) => {
    const bytes = (await request.arrayBuffer()).byteLength;
    return bytes > MAX_BODY
      ? { status: 413, jsonBody: { error: { code: 'payload_too_large', message: 'too large' } } }
      : { status: 200, jsonBody: { bytes } };
  },
};

/** A file answered as a stream (the data export download): `whole` ends normally, `broken` fails after its first chunk. */
const streamed: HttpDefinition = {
  ...echo,
  name: 'streamed',
  route: 'streamed/{mode}',
  methods: ['GET', 'HEAD'],
  contract: { ...echo.contract, bodyTypes: [], output: { kind: 'file', mediaTypes: ['application/zip'] } },
  handler: async (request) => {
    const chunks = async function* () {
      yield Buffer.from('first-');
      if (request.params.mode === 'broken') throw new Error('blob read failed');
      yield Buffer.from('second');
    };
    return { status: 200, headers: { 'content-type': 'application/zip' }, body: Readable.from(chunks(), { objectMode: false }) };
  },
};

let http: LocalHttpServer;

beforeAll(async () => {
  http = await startLocalHttpServer({ port: 0, limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 1_500 } });
  http.setApp({ routes: new RouteTable([echo, streamed]), localRoutes: async () => undefined, maxBodyBytes: MAX_BODY, corsOrigins: [] });
});
afterAll(async () => http?.close());

/** Sends raw bytes and collects what the server answers until it closes the connection. */
function raw(request: string, options: { keepOpen?: boolean } = {}): Promise<string> {
  const url = new URL(http.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(request);
      if (!options.keepOpen) socket.end();
    });
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('local HTTP server limits', () => {
  it('a 10 MB chunked upload gets its 413 with the envelope, not a reset', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(120);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 10 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${http.url}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'payload_too_large', message: 'too large' } });
    expect(response.headers.get('connection')).toBe('close');
  });

  it('the whole chunked upload is taken in (and thrown away) before the 413, so the client sees no reset while sending', async () => {
    const url = new URL(http.url);
    const result = await new Promise<{ answer: string; error?: string }>((resolve) => {
      const socket = connect(Number(url.port), url.hostname);
      let answer = '';
      let error: string | undefined;
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
      socket.on('close', () => resolve({ answer, ...(error ? { error } : {}) }));
      socket.on(
        'connect',
        () =>
          void (async () => {
            socket.write('POST /api/echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
            const piece = `10000\r\n${'x'.repeat(0x10000)}\r\n`;
            for (let i = 0; i < 160 && !socket.destroyed; i++) {
              if (!socket.write(piece)) await new Promise((r) => socket.once('drain', r));
            }
            socket.end('0\r\n\r\n');
          })(),
      );
    });
    expect(result.error).toBeUndefined();
    expect(result.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.answer).toContain('"code":"payload_too_large"');
  });

  it('a body that never arrives is answered 408 with the envelope once the request timeout passes, and the connection closes', async () => {
    const answer = await raw('POST /api/echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":', {
      keepOpen: true,
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"request_timeout"');
  });

  it('a request head over the size limit gets 431 with the envelope; a malformed one 400', async () => {
    const big = await raw(`GET /api/echo HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).toContain('"code":"headers_too_large"');
    const broken = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(broken).toMatch(/^HTTP\/1\.1 400 /);
    expect(broken).toContain('"code":"bad_request"');
  });

  it('a normal body still goes through', async () => {
    const response = await fetch(`${http.url}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(await response.json()).toEqual({ bytes: 7 });
  });
});

describe('local HTTP server: streamed files', () => {
  it('PRIV-2: a stream body is sent chunked as it is read and arrives whole', async () => {
    const response = await fetch(`${http.url}/api/streamed/whole`);
    expect(response.status).toBe(200);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(await response.text()).toBe('first-second');
  });

  it('PRIV-2: a stream that fails half-way cuts the connection, so the client never takes a truncated file for a whole one', async () => {
    const response = await fetch(`${http.url}/api/streamed/broken`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('PRIV-2: HEAD on a streamed file answers its headers without a body', async () => {
    const response = await fetch(`${http.url}/api/streamed/whole`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(await response.text()).toBe('');
  });
});
