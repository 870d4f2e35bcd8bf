import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { definitions } from '../functions/index.js';
import { errorCatalogue, statusOf, statusOfKind } from '../shared/http/error-catalogue.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import type { HttpDefinition } from '../shared/platform/definitions.js';
import type { ErrorCode } from '../shared/platform/errors.js';
import { api } from './helpers.js';

describe('the API docs page', () => {
  it('serves Swagger UI from the app itself, pointed at the OpenAPI document', async () => {
    const page = await api<string>('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // Scripts only from this origin: no CDN, no inline script.
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.body).not.toMatch(/https?:\/\//);
    const scripts = [...page.body.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]);
    expect(scripts).toEqual(['docs/swagger-ui-bundle.js', 'docs/init.js']);

    const bundle = await api<string>('/api/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(bundle.body).toContain('SwaggerUIBundle');
    const css = await api<string>('/api/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const init = await api<string>('/api/docs/init.js');
    expect(init.body).toContain("url: 'openapi.json'");
    // The validator badge would send every visitor to swagger.io.
    expect(init.body).toContain('validatorUrl: null');
  });

  it('answers an unknown asset with the 404 envelope', async () => {
    const response = await api<{ error: { code: string } }>('/api/docs/index.html');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});

describe('the API docs page switched off', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startLocalHost({
      port: 0,
      env: { API_DOCS_ENABLED: 'false' },
      seed: false,
      sweepIntervalMs: 0,
      identityStandIns: false,
      maksekeskusStandIn: false,
    });
  });
  afterAll(async () => host?.close());

  it('API_DOCS_ENABLED=false hides the page and its assets; the OpenAPI document stays', async () => {
    for (const path of ['/api/docs', '/api/docs/swagger-ui-bundle.js', '/api/docs/init.js']) {
      const response = await fetch(`${host.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    expect((await fetch(`${host.url}/api/openapi.json`)).status).toBe(200);
  });
});

type Operation = {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }>;
};
type Documented = { method: string; path: string; operation: Operation; route: HttpDefinition };

/** What is wrong with the success responses: none, one without a schema, a redirect without Location; and the redirects that are not 303. */
function successProblems(operations: Documented[]): { problems: string[]; not303: string[] } {
  const problems: string[] = [];
  const not303: string[] = [];
  for (const { method, path, operation, route } of operations) {
    const success = Object.entries(operation.responses).filter(([status]) => /^[23]\d\d$/.test(status));
    if (success.length === 0) problems.push(`${method} ${path}: no success response`);
    for (const [status, response] of success) {
      if (status.startsWith('3')) {
        if (!response.headers?.Location) problems.push(`${method} ${path}: ${status} without Location`);
        if (status !== '303') not303.push(`${route.name} ${status}`);
      } else if (status !== '204' && !Object.values(response.content ?? {}).some((c) => c.schema))
        problems.push(`${method} ${path}: ${status} without a schema`);
    }
  }
  return { problems, not303: [...new Set(not303)] };
}

/** Errors an operation can answer that it does not document, or documents without the one error envelope. */
function errorProblems(operations: Documented[]): string[] {
  const problems: string[] = [];
  for (const { method, path, operation, route } of operations) {
    const { contract } = route;
    const documented = Object.keys(operation.responses).filter((s) => /^[45]\d\d$/.test(s));
    for (const status of documented) {
      const schema = operation.responses[status]?.content?.['application/json']?.schema;
      if (JSON.stringify(schema) !== JSON.stringify({ $ref: '#/components/schemas/Error' }))
        problems.push(`${method} ${path} ${status}: not the error envelope`);
    }
    // A browser sent here by another site (the payment return) is redirected on every error: no JSON error exists.
    if (contract.errorRedirect) {
      if (documented.length > 0) problems.push(`${method} ${path}: documents JSON errors but redirects them`);
      continue;
    }
    const expected = new Set([500, 503]);
    if (contract.auth === 'session') [401, 403].forEach((s) => expected.add(s));
    if (contract.params || contract.query || contract.idempotencyKey) expected.add(400);
    if (contract.body) [400, 413, 415, 422].forEach((s) => expected.add(s));
    for (const code of contract.errors) expected.add(statusOfKind[errorCatalogue[code].kind]);
    for (const status of expected) if (!documented.includes(String(status))) problems.push(`${method} ${path}: ${status} not documented`);
  }
  return problems;
}

/** Codes a route declares that the catalogue does not know, or that its operation does not list under their status. */
function declaredCodeProblems(operations: Documented[]): string[] {
  const problems: string[] = [];
  for (const { operation, route } of operations) {
    if (route.contract.errorRedirect) continue;
    for (const code of route.contract.errors) {
      if (!(code in errorCatalogue)) problems.push(`${route.name}: ${code} is no catalogued code`);
      else {
        const listed = (operation.responses[String(statusOf(code))] as { 'x-error-codes'?: string[] } | undefined)?.['x-error-codes'] ?? [];
        if (!listed.includes(code)) problems.push(`${route.name}: ${code} not listed under ${statusOf(code)}`);
      }
    }
  }
  return problems;
}

describe('issue 16: the OpenAPI document is the contract of every route', () => {
  const routes = definitions.filter((d): d is HttpDefinition => d.kind === 'http' && !d.route.includes('{*'));
  let operations: Documented[] = [];

  beforeAll(async () => {
    const doc = (await api<{ paths: Record<string, Record<string, Operation>> }>('/api/openapi.json')).body;
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => {
        const route = routes.find((r) => r.name === operation.operationId);
        if (!route) throw new Error(`${operation.operationId} is not a route`);
        return { method: method.toUpperCase(), path, operation, route };
      }),
    );
  });

  it("lists every route and method once, under the route's name as its operationId", () => {
    const expected = routes.flatMap((r) => r.methods.map((m) => `${r.name} ${m}`)).sort();
    expect(operations.map((o) => `${o.operation.operationId} ${o.method}`).sort()).toEqual(expected);
  });

  it('every operation documents its success: a JSON schema, 204, a file, or a redirect with Location (303; 302 only where declared)', () => {
    const { problems, not303 } = successProblems(operations);
    expect(problems).toEqual([]);
    // The sign-in start has always answered 302 Found (its tests and the providers' stand-ins rely on it); it says so.
    expect(not303).toEqual(['auth-login 302']);
  });

  it('every operation documents the errors it can answer, each with the one error envelope', () => {
    expect(errorProblems(operations)).toEqual([]);
  });

  it("every code a route declares is catalogued and listed under its status with the operation's own codes", () => {
    expect(declaredCodeProblems(operations)).toEqual([]);
    expect(operations.filter((o) => o.route.contract.errors.length > 0).length).toBeGreaterThan(60);
  });

  it('the check fails on a declared code the catalogue does not have (the type refuses it; a cast or plain JS would not)', () => {
    const found = operations.find((o) => o.route.name === 'store-orders-get')!;
    const contract = { ...found.route.contract, errors: [...found.route.contract.errors, 'order_lost' as ErrorCode] };
    const unlisted = structuredClone(found.operation);
    unlisted.responses['404'] = { content: { 'application/json': { schema: {} } } };
    expect(declaredCodeProblems([{ ...found, route: { ...found.route, contract } }])).toEqual(['store-orders-get: order_lost is no catalogued code']);
    expect(declaredCodeProblems([{ ...found, operation: unlisted }])).toEqual(['store-orders-get: order_not_found not listed under 404']);
  });

  it('the checks fail on an operation without a success schema, a redirect without Location, or a missing error', () => {
    // A copy of the operation (the route itself holds functions, so it is shared, not cloned).
    const find = (name: string) => {
      const found = operations.find((o) => o.route.name === name)!;
      return { ...found, operation: structuredClone(found.operation) };
    };
    const me = find('accounts-me');
    delete me.operation.responses['200']!.content;
    const back = find('payments-return');
    delete back.operation.responses['303']!.headers;
    expect(successProblems([me, back]).problems).toEqual([
      'GET /api/me: 200 without a schema',
      `${back.method} /api/payments/maksekeskus/return: 303 without Location`,
    ]);
    const logins = find('accounts-logins-list');
    delete logins.operation.responses['401'];
    logins.operation.responses['403']!.content = { 'application/json': { schema: { type: 'object' } } };
    expect(errorProblems([logins])).toEqual(['GET /api/me/logins 403: not the error envelope', 'GET /api/me/logins: 401 not documented']);
  });
});
