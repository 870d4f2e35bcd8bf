import { describe, expect, it } from 'vitest';

import { looksPersonal } from './telemetry.js';
import { scrubLogRecord, scrubSpan } from './telemetry-processors.js';
import { findLeaks } from './telemetry-scan.js';
import { dependencyTelemetryUrl, requestTelemetryUrl } from './telemetry-urls.js';

const R = '[redacted]';

describe('looksPersonal: encoded forms and tokens (LOG-2)', () => {
  it.each([
    ['e-mail, percent-encoded', 'mari.mets%40kuusiku.example'],
    ['e-mail, encoded twice', 'loginHint=mari.mets%2540kuusiku.example'],
    ['e-mail, encoded three times', 'mari%252540kool.ee'],
    ['e-mail with a +, encoded', 'mari%2Bnews%40kool.ee'],
    ['Estonian personal code in a document id', 'pcode:EE:49001010006'],
    ['Estonian personal code, encoded separator', 'pcode%3AEE%3A38207146522'],
    ['Finnish HETU with "+" century, encoded', '010190%2B123A'],
    ['Finnish HETU, encoded twice', 'hetu%253D131052-308T'],
    ['session JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY2MtMSJ9.c2lnbmF0dXJl'],
    ['refresh token (32 random bytes, base64url)', 'q8Zp3Ld0-Vt7_Xw2Ys9aBc4De6Fg1Hj5Kk8Lm0Nn2Op'],
    ['Stuudium one-time token (24 bytes)', 'token=Zq3xL0vP9sT2uV7wY1aB4cD6'],
    ['token, encoded', 'Zq3xL0vP9sT2uV7wY1aB4cD6%3D%3D'],
  ])('redacts %s', (_label, value) => {
    expect(looksPersonal(value)).toBe(true);
  });

  it.each([
    ['uuid', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    ['account id', 'acc-3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    ['pseudonymous id (hex)', '9f86d081884c7d659a2feaa0c55ad015'],
    ['SHA-512 MAC (upper-case hex)', 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90'],
    ['route name', 'learning-journals-create'],
    ['header name', 'X-Content-Type-Options-Long-Header'],
    ['class name', 'ConcurrentUpdateErrorWithAVeryLongName'],
    ['percent-encoded path', '%2Fshop%2Forders'],
  ])('keeps %s', (_label, value) => {
    expect(looksPersonal(value)).toBe(false);
  });
});

describe('request and dependency URLs (LOG-2)', () => {
  it('drops every query value but the harmless ones, keeping the names', () => {
    expect(requestTelemetryUrl('https://api.opiq.ee/api/auth/harid/login?loginHint=mari%40kool.ee&returnTo=%2Fhome')).toBe(
      `https://api.opiq.ee/api/auth/harid/login?loginHint=${R}&returnTo=${R}`,
    );
    expect(requestTelemetryUrl('/api/auth/stuudium/callback?token=Zq3xL0vP9sT2uV7wY1aB4cD6&state=abc')).toBe(
      `/api/auth/stuudium/callback?token=${R}&state=${R}`,
    );
    expect(requestTelemetryUrl('/api/payments/maksekeskus/return?json=%7B%22customer_name%22%3A%22Mari%20Mets%22%7D&mac=AB')).toBe(
      `/api/payments/maksekeskus/return?json=${R}&mac=${R}`,
    );
    expect(requestTelemetryUrl('/api/schools/s-1/cases?status=open&limit=20')).toBe('/api/schools/s-1/cases?status=open&limit=20');
    // A harmless name does not make any value harmless.
    expect(requestTelemetryUrl('/api/x?status=mari%40kool.ee')).toBe(`/api/x?status=${R}`);
    expect(requestTelemetryUrl('/api/x#frag')).toBe('/api/x');
  });

  it('redacts path segments that look personal', () => {
    expect(requestTelemetryUrl('/api/lookup/mari%2540kool.ee/x')).toBe(`/api/lookup/${R}/x`);
  });

  it('reduces Cosmos and Blob Storage targets to the container', () => {
    expect(dependencyTelemetryUrl('https://opiq.documents.azure.com/dbs/opiq/colls/accounts/docs/email:mari@kool.ee')).toBe(
      'https://opiq.documents.azure.com/dbs/opiq/colls/accounts',
    );
    expect(dependencyTelemetryUrl('https://opiq.documents.azure.com:443/dbs/opiq/colls/accounts/docs/pcode%3AEE%3A49001010006?x=1')).toBe(
      'https://opiq.documents.azure.com/dbs/opiq/colls/accounts',
    );
    expect(dependencyTelemetryUrl('dbs/opiq/colls/learning/docs')).toBe('/dbs/opiq/colls/learning');
    expect(dependencyTelemetryUrl('https://files.blob.core.windows.net/user-files/accounts/acc-1/exports/e.zip?sv=2024&sig=abc')).toBe(
      'https://files.blob.core.windows.net/user-files',
    );
    expect(dependencyTelemetryUrl('http://127.0.0.1:10000/devstoreaccount1/user-files/accounts/acc-1/a.pdf')).toBe(
      'http://127.0.0.1:10000/devstoreaccount1/user-files',
    );
  });

  it('drops the query of any other call out (provider APIs take one-time tokens there)', () => {
    expect(dependencyTelemetryUrl('https://api.stuudium.example/authenticate/verify?token=Zq3xL0vP9sT2uV7wY1aB4cD6')).toBe(
      'https://api.stuudium.example/authenticate/verify',
    );
  });
});

describe('span and log processors (LOG-2, AUTH-4)', () => {
  it('scrubs server spans with the request rules and client spans with the dependency rules', () => {
    const server = {
      name: 'GET /api/auth/harid/login?loginHint=mari%40kool.ee',
      kind: 1,
      attributes: {
        'http.method': 'GET',
        'url.full': 'https://api.opiq.ee/api/auth/harid/login?loginHint=mari%40kool.ee',
        'url.query': 'loginHint=mari%40kool.ee',
        'client.address': '203.0.113.7',
        'user_agent.original': 'Mozilla/5.0',
      } as Record<string, unknown>,
    };
    scrubSpan(server);
    expect(server.name).toBe(`GET /api/auth/harid/login?loginHint=${R}`);
    expect(server.attributes).toEqual({
      'http.method': 'GET',
      'url.full': `https://api.opiq.ee/api/auth/harid/login?loginHint=${R}`,
      'user_agent.original': 'Mozilla/5.0',
    });
    const client = {
      name: 'GET',
      kind: 2,
      attributes: {
        'http.url': 'https://opiq.documents.azure.com/dbs/opiq/colls/accounts/docs/email:mari@kool.ee',
        'db.statement': 'SELECT * FROM c',
      },
      events: [{ attributes: { 'exception.message': 'no account email:mari@kool.ee' } }],
      status: { message: 'conflict on email:mari@kool.ee' },
    };
    scrubSpan(client);
    expect(client.attributes['http.url']).toBe('https://opiq.documents.azure.com/dbs/opiq/colls/accounts');
    expect(client.attributes['db.statement']).toBe('SELECT * FROM c');
    expect(client.events[0]?.attributes['exception.message']).toBe(R);
    expect(client.status.message).toBe(R);
  });

  const logRecord = (body: unknown, attributes: Record<string, unknown>) => ({
    body,
    attributes,
    setAttribute(key: string, value: unknown) {
      this.attributes[key] = value;
    },
    setBody(value: unknown) {
      this.body = value;
    },
  });

  it('scrubs log records, keeping ip, country and browser on security events only', () => {
    const security = logRecord({ name: 'security.sign-in' }, { ip: '203.0.113.7', country: 'EE', browser: 'Firefox', note: 'mari@kool.ee' });
    scrubLogRecord(security);
    expect(security.attributes).toEqual({ ip: '203.0.113.7', country: 'EE', browser: 'Firefox', note: R });
    const other = logRecord(
      { message: 'failed for 49001010006', severityLevel: 'Error' },
      { ip: '203.0.113.7', 'exception.stacktrace': 'Error: x@y.ee\n at f' },
    );
    scrubLogRecord(other);
    expect(other.attributes).toEqual({ ip: R, 'exception.stacktrace': R });
    expect(other.body).toEqual({ message: R, severityLevel: 'Error' });
  });
});

describe('findLeaks: the scan of recorded telemetry (LOG-2)', () => {
  const people = [{ firstName: 'Mari', lastName: 'Mets' }];
  const line = (record: unknown) => JSON.stringify(record);

  it('finds nothing in clean records, and allows AUTH-4 fields on security events', () => {
    const lines = [
      line({ kind: 'event', name: 'security.sign-in', properties: { ip: '203.0.113.7', country: 'EE', browser: 'Firefox 132' } }),
      line({ kind: 'request', name: 'auth-login', url: `/api/auth/harid/login?loginHint=${R}` }),
      line({ kind: 'dependency', target: 'cosmos', data: '/dbs/opiq/colls/accounts' }),
    ];
    expect(findLeaks(lines, { people })).toEqual([]);
  });

  it.each([
    ['an e-mail, double-encoded', { kind: 'request', url: '/api/auth/harid/login?loginHint=mari.mets%2540kool.ee' }, 'looks personal'],
    [
      'an Estonian personal code in a dependency',
      { kind: 'dependency', data: '/dbs/opiq/colls/accounts/docs/pcode:EE:49001010006' },
      'looks personal',
    ],
    ['a Finnish HETU in a trace', { kind: 'trace', message: 'no match for 131052-308T' }, 'looks personal'],
    ['a session JWT', { kind: 'event', name: 'x', properties: { t: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY2MtMSJ9.c2ln' } }, 'looks personal'],
    [
      'a demo name, encoded',
      { kind: 'request', url: '/api/payments/maksekeskus/return?json=%7B%22customer_name%22%3A%22Mari%20Mets%22%7D' },
      'name of a person',
    ],
    ['a demo name in a message', { kind: 'trace', message: 'Welcome, MARI METS' }, 'name of a person'],
    ['an IP outside a security event', { kind: 'event', name: 'http.action', properties: { ip: '203.0.113.7' } }, 'looks personal'],
    ['a known value', { kind: 'event', name: 'x', properties: { id: 'stuudium-code-abcdef' } }, 'known value'],
  ])('LOG-2: a deliberate leak is reported: %s', (_label, record, reason) => {
    const leaks = findLeaks(['', line(record)], { people, values: ['stuudium-code-abcdef'] }, 'records.jsonl');
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ at: 'records.jsonl:2', reason });
  });

  it('scans lines that are not JSON as text', () => {
    expect(findLeaks(['plain mari@kool.ee'], { people })).toHaveLength(1);
  });
});
