import { describe, expect, it } from 'vitest';

import { demo } from '../shared/local/seed.js';
import { api, tokenFor } from './helpers.js';

const student = demo.accounts.eeStudent;

describe('the local host over HTTP', () => {
  it('GET /api/health reports Cosmos and the bus', async () => {
    const r = await api('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', cosmos: { ok: true }, bus: { ok: true } });
  });

  it.each([
    ['et', 'Sellist aadressi ei ole.'],
    ['fi', 'Osoitetta ei löydy.'],
    ['en', 'There is no such address.'],
  ])('an unknown route gets 404 with the envelope (%s)', async (language, text) => {
    const r = await api('/api/no/such/thing', { headers: { 'accept-language': language } });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 'not_found', message: text } });
    expect(r.headers.get('x-correlation-id')).toBeTruthy();
  });

  it('every answer, success or error, tells browsers to use HTTPS only (HSTS) and not to sniff types', async () => {
    for (const path of ['/api/health', '/api/catalog', '/api/me', '/api/no/such/thing']) {
      const r = await api(path);
      expect(r.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains');
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('a known address with the wrong method gets 405 with Allow', async () => {
    const r = await api('/api/me', { method: 'DELETE', headers: { 'accept-language': 'en' } });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET');
    expect(r.body.error).toEqual({ code: 'method_not_allowed', message: 'This address does not support the method DELETE.' });
  });

  it.each([
    ['et', 'Palun logi sisse.'],
    ['fi', 'Kirjaudu sisään.'],
    ['en', 'Please sign in.'],
  ])('a missing session gets 401 (%s)', async (language, text) => {
    const r = await api('/api/me', { headers: { 'accept-language': language } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: { code: 'unauthenticated', message: text } });
  });

  it('ACC-2: GET /api/me returns the signed-in account with one point read (the account carries its active sessions, issue 11)', async () => {
    const r = await api('/api/me', { token: await tokenFor(student) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: student, firstName: 'Mihkel', lastName: 'Saar', country: 'EE', language: 'et' });
    expect(r.headers.get('x-cosmos-ops')).toBe('pointRead=1;write=0;query=0;crossPartitionQuery=0;metadata=0');
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('a session whose account no longer exists is refused with 401 session_revoked', async () => {
    const r = await api('/api/me', { token: await tokenFor('acc-nobody'), headers: { 'accept-language': 'en' } });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('session_revoked');
  });

  describe('PATCH /api/me/preferences', () => {
    it.each([
      ['et', 'Päringu sisu ei ole korrektne JSON.'],
      ['fi', 'Pyynnön sisältö ei ole kelvollista JSONia.'],
      ['en', 'The request body is not valid JSON.'],
    ])('a malformed JSON body gets 400 (%s) and changes nothing', async (language, text) => {
      const token = await tokenFor(demo.accounts.eeStudent2);
      const r = await api('/api/me/preferences', {
        method: 'PATCH',
        token,
        headers: { 'content-type': 'application/json', 'accept-language': language },
        body: '{"language": "fi"',
      });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: { code: 'malformed_json', message: text } });
      expect((await api('/api/me', { token })).body.language).toBe('et');
    });

    it.each([
      ['et', 'Päringu andmed on vigased.'],
      ['fi', 'Pyynnön tiedot ovat virheellisiä.'],
      ['en', 'The request data is invalid.'],
    ])('a wrong type gets 422 with details (%s)', async (language, text) => {
      const r = await api('/api/me/preferences', {
        method: 'PATCH',
        token: await tokenFor(student),
        headers: { 'accept-language': language },
        json: { language: 42 },
      });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.message).toBe(text);
      expect(r.body.error.details).toEqual([{ path: 'language', issue: expect.any(String) }]);
    });

    it('a form body where JSON is expected gets 415', async () => {
      const r = await api('/api/me/preferences', {
        method: 'PATCH',
        token: await tokenFor(student),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'language=fi',
      });
      expect(r.status).toBe(415);
      expect(r.body.error.code).toBe('unsupported_media_type');
    });

    it('an oversized body gets 413 without the host buffering it', async () => {
      const r = await api('/api/me/preferences', {
        method: 'PATCH',
        token: await tokenFor(student),
        json: { language: 'fi', padding: 'x'.repeat(2 * 1024 * 1024) },
      });
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('payload_too_large');
    });

    it('OPS-3: the user switches their language and it sticks', async () => {
      const token = await tokenFor(demo.accounts.fiStudent);
      const r = await api('/api/me/preferences', { method: 'PATCH', token, json: { language: 'en' } });
      expect(r.status).toBe(200);
      expect(r.body.language).toBe('en');
      expect((await api('/api/me', { token })).body.language).toBe('en');
      await api('/api/me/preferences', { method: 'PATCH', token, json: { language: 'fi' } });
    });
  });

  it('GET /api/openapi.json describes the routes from their zod schemas', async () => {
    const r = await api('/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/me', '/api/me/preferences', '/api/health']));
    expect(Object.keys(r.body.paths)).not.toContain('/api/{path}');
    const patch = r.body.paths['/api/me/preferences'].patch;
    expect(patch.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { language: { enum: ['et', 'fi', 'en'] } },
      required: ['language'],
      additionalProperties: false,
    });
    expect(patch.security).toEqual([{ bearer: [] }, { sessionCookie: [] }]);
    expect(patch['x-capability']).toBe('self.update');
    expect(r.body.paths['/api/me'].get.responses['200'].content['application/json'].schema.properties).toHaveProperty('firstName');
  });
});

describe('CORS for the web front end (as the platform answers it)', () => {
  it('the front end origin may call with credentials; other origins get no CORS headers', async () => {
    const preflight = await api('/api/me/preferences', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:3000',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'content-type, x-csrf-token',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type, x-csrf-token');
    const foreign = await api('/api/health', { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
