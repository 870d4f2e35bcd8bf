import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../functions/index.js';
import { compileRoute } from '../shared/http/routes.js';
import { startLocalHost, type LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { HttpDefinition } from '../shared/platform/definitions.js';

/**
 * Bad input gets a clear error, never a 500: every HTTP route gets random path parameters, query strings, bodies and
 * content types, as an anonymous caller and as operator staff (the widest rights), on a host of its own. Every
 * answer must be below 500 and, when it is an error, the envelope with a code and a message.
 */
let host: LocalHost;

/** A fresh staff session per request: a random request may well be a valid sign-out. */
async function staffToken(): Promise<string> {
  const response = await fetch(`${host.url}/_local/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: demo.accounts.staff }) });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false });
});
afterAll(async () => host?.close());

const routes = definitions.filter((d): d is HttpDefinition => d.kind === 'http');

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('..', '%2e%2e', 'acc-ee-student-mihkel', demo.schools.ee, 'order-none', '0', '-1', 'ä', '%00', '%', 'a'.repeat(500)),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ type: 'application/json', text: JSON.stringify(v) })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: 'application/json', text })),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 5 }).map((d) => ({ type: 'application/x-www-form-urlencoded', text: new URLSearchParams(d).toString() })),
  fc.string({ maxLength: 100 }).map((text) => ({ type: 'text/plain', text })),
  fc.constant({ type: 'application/json', text: '' }),
);
const query = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), fc.constant('')), { maxKeys: 4 });

function pathFor(route: string, values: string[]): string {
  let i = 0;
  return `/api/${compileRoute(route)
    .segments.map((s) => (s.kind === 'literal' ? s.text : encodeURIComponent(values[i++] ?? 'x')))
    .join('/')}`;
}

describe('no 5xx on bad input', () => {
  it('every route answers random input with a 4xx envelope or a success, never a 5xx', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { minLength: 3, maxLength: 3 }), query, body, fc.boolean(), fc.constantFrom(...route.methods), async (values, q, b, asStaff, method) => {
          const url = new URL(`${host.url}${pathFor(route.route, values)}`);
          for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
          const hasBody = method !== 'GET' && method !== 'HEAD';
          const response = await fetch(url, {
            method,
            redirect: 'manual',
            headers: { ...(asStaff ? { authorization: `Bearer ${await staffToken()}` } : {}), ...(hasBody ? { 'content-type': b.type } : {}) },
            ...(hasBody ? { body: b.text } : {}),
          });
          const text = method === 'HEAD' ? '' : await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status >= 500) failures.push(`${method} ${url.pathname}${url.search} (${b.type}): ${response.status} ${text.slice(0, 200)}`);
          else if (response.status >= 400 && method !== 'HEAD') {
            const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string') failures.push(`${method} ${url.pathname}: ${response.status} without the envelope`);
          }
          return true;
        }),
        { numRuns: 20, seed: 20261122 },
      );
    }
    expect(failures).toEqual([]);
    // The inputs reached handlers, not only the router: some passed validation and access control.
    expect([...statuses.keys()].some((status) => status < 400)).toBe(true);
  }, 240_000);
});
