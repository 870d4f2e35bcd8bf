import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAppInsightsClient } from './telemetry-appinsights.js';
import { findLeaks } from './telemetry-scan.js';

/**
 * The real applicationinsights SDK, sending to a local ingestion endpoint that keeps the envelopes: what the adapter
 * would send to Azure, auto-collected kinds included (requests and dependencies made the way the SDK's own
 * instrumentations make them, as spans with URL attributes).
 */
interface Envelope {
  name: string;
  data: { baseType: string; baseData: Record<string, unknown> };
}

const envelopes: Envelope[] = [];
let server: Server;
let connectionString: string;

/** The SDK sends over https only: a throwaway certificate, trusted by this test process alone. */
function throwawayTls(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'opiq-ingest-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
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
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    {
      stdio: 'ignore',
    },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

beforeAll(async () => {
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  server = createServer(throwawayTls(), (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.url?.includes('/track') && raw.length > 0) {
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        envelopes.push(...(JSON.parse(text) as Envelope[]));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  connectionString = `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${endpoint};LiveEndpoint=${endpoint}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const LEAKS = {
  email: 'mari.mets@kuusiku.example',
  isikukood: '49001010006',
  hetu: '131052-308T',
  stuudiumToken: 'Zq3xL0vP9sT2uV7wY1aB4cD6',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY2MtMSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
};

describe('Application Insights adapter (real SDK, local ingestion)', () => {
  it('LOG-2 AUTH-4: requests, dependencies, events, traces and exceptions reach ingestion without personal data', async () => {
    const client = await createAppInsightsClient(connectionString);
    const encodedEmail = encodeURIComponent(encodeURIComponent(LEAKS.email));
    // Spans as the SDK's HTTP instrumentation makes them (method and full URL attributes), with queries and document paths.
    client.trackRequest({
      name: `GET /api/auth/harid/login?loginHint=${encodedEmail}`,
      url: `https://api.opiq.example/api/auth/harid/login?loginHint=${encodedEmail}&returnTo=%2Fhome`,
      duration: 12,
      resultCode: '302',
      success: true,
      properties: { 'http.method': 'GET' },
    });
    client.trackRequest({
      name: 'GET /api/payments/maksekeskus/return',
      url: `https://api.opiq.example/api/payments/maksekeskus/return?json=${encodeURIComponent(JSON.stringify({ customer_name: 'Mari Mets', email: LEAKS.email }))}&mac=AB12`,
      duration: 8,
      resultCode: '303',
      success: true,
      properties: { 'http.method': 'GET' },
    });
    client.trackDependency({
      dependencyTypeName: 'HTTP',
      name: 'GET',
      data: `https://opiq.documents.azure.com/dbs/opiq/colls/accounts/docs/email:${LEAKS.email}`,
      duration: 3,
      resultCode: '200',
      success: true,
      properties: { 'http.method': 'GET' },
    });
    client.trackDependency({
      dependencyTypeName: 'HTTP',
      name: 'GET',
      data: `https://opiq.documents.azure.com/dbs/opiq/colls/accounts/docs/pcode%3AEE%3A${LEAKS.isikukood}`,
      duration: 3,
      resultCode: '404',
      success: false,
      properties: { 'http.method': 'GET' },
    });
    client.trackDependency({
      dependencyTypeName: 'HTTP',
      name: 'GET',
      data: `https://api.stuudium.example/authenticate/verify?token=${LEAKS.stuudiumToken}`,
      duration: 3,
      resultCode: '200',
      success: true,
      properties: { 'http.method': 'GET' },
    });
    client.trackDependency({
      dependencyTypeName: 'HTTP',
      name: 'PUT',
      data: 'https://opiqfiles.blob.core.windows.net/user-files/accounts/acc-1/exports/export.zip',
      duration: 3,
      resultCode: '201',
      success: true,
      properties: { 'http.method': 'GET' },
    });
    // What the app sends through the adapter is scrubbed before the SDK; these go straight in, as a careless caller would.
    client.trackEvent({ name: 'security.sign-in', properties: { ip: '203.0.113.7', country: 'EE', browser: 'Firefox 132', hint: LEAKS.email } });
    client.trackTrace({ message: `verify failed for ${LEAKS.hetu}` });
    client.trackException({ exception: new Error(`no account for ${LEAKS.jwt}`) });
    await client.flush();

    await expect.poll(() => envelopes.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(9);
    const text = JSON.stringify(envelopes);
    for (const value of Object.values(LEAKS)) expect(text).not.toContain(value);
    expect(text).not.toContain('Mari Mets');
    expect(text).not.toContain('%2540');
    // The scan of the e2e suite, over the envelopes: events as the local sink records them (AUTH-4 fields allowed there).
    const records = envelopes.map((e) => JSON.stringify(e.data.baseType === 'EventData' ? { kind: 'event', ...e.data.baseData } : e));
    expect(findLeaks(records, { people: [{ firstName: 'Mari', lastName: 'Mets' }], values: Object.values(LEAKS) })).toEqual([]);

    const baseData = (type: string) => envelopes.filter((e) => e.data.baseType === type).map((e) => e.data.baseData);
    const urls = baseData('RequestData').map((d) => d.url);
    expect(urls).toContain('https://api.opiq.example/api/auth/harid/login?loginHint=[redacted]&returnTo=[redacted]');
    expect(urls).toContain('https://api.opiq.example/api/payments/maksekeskus/return?json=[redacted]&mac=[redacted]');
    const dependencies = baseData('RemoteDependencyData').map((d) => d.data);
    expect(dependencies).toEqual(
      expect.arrayContaining([
        'https://opiq.documents.azure.com/dbs/opiq/colls/accounts',
        'https://api.stuudium.example/authenticate/verify',
        'https://opiqfiles.blob.core.windows.net/user-files',
      ]),
    );
    // AUTH-4: the security log keeps the address, country and browser.
    const security = baseData('EventData').find((d) => d.name === 'security.sign-in');
    expect(security?.properties).toMatchObject({ ip: '203.0.113.7', country: 'EE', browser: 'Firefox 132', hint: '[redacted]' });
  });
});
