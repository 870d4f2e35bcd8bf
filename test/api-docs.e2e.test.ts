import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHost, type LocalHost } from '../shared/local/host.js';
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
    host = await startLocalHost({ port: 0, env: { API_DOCS_ENABLED: 'false' }, seed: false, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
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
