import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { onExportReady, readExport, startExport } from '../shared/privacy/index.js';
import { exportableTypes } from '../shared/privacy/subject-documents.js';
import { emailOf, marker, unacceptedMarker, writeSubjectDocuments } from './privacy-fixtures.js';

/**
 * PRIV-2, the data export end to end on a host of this file's own (its clock is moved): A asks for their export,
 * watches it progress, downloads the zip through the short-lived link and finds in it every kind of record with A's
 * markers and none of B's (who shares A's school, publisher and invoice year), A's files, metadata.json and index.html;
 * the link expires after 15 minutes and the export after 7 days; a repeated queue message builds nothing again.
 */
const A = 'acc-export-a';
const B = 'acc-export-b';
const FILE = new TextEncoder().encode('%PDF-1.7\n% worksheet of A\n%%EOF\n');

let host: LocalHost;
const tokens = new Map<string, string>();

async function call(accountId: string | undefined, path: string, init: RequestInit = {}) {
  if (accountId && !tokens.has(accountId)) {
    const r = await fetch(`${host.url}/_local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId }),
    });
    tokens.set(accountId, ((await r.json()) as { accessToken: string }).accessToken);
  }
  const response = await fetch(`${host.url}${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...(accountId ? { authorization: `Bearer ${tokens.get(accountId)}` } : {}) },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const body: any = (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(bytes.toString('utf8')) : bytes;
  return { status: response.status, headers: response.headers, body };
}

/** The download link's path on this host (the link names API_PUBLIC_URL). */
const pathOf = (url: string) => new URL(url).pathname;

function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Buffer>();
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        }),
      );
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

let exportId: string;
let zip: Map<string, Buffer>;
let firstLink: string;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  for (const who of [A, B]) {
    await writeSubjectDocuments(host.services.db, who);
    await host.services.blobs.put(`accounts/${who}/material-1/upload-1`, FILE, 'application/pdf');
  }
}, 60_000);
afterAll(async () => host?.close());

describe('PRIV-2: a person exports their own data', () => {
  it('PRIV-2: asking starts a job (202) whose progress is visible; asking again while it runs answers the same job (200); the ready zip streams from its link', async () => {
    const started = await call(A, '/api/me/privacy/exports', { method: 'POST' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ accountId: A, status: 'queued', progress: { typesDone: 0, typesTotal: exportableTypes().length } });
    exportId = started.body.id;
    const again = await call(A, '/api/me/privacy/exports', { method: 'POST' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(exportId);

    await host.bus.idle();
    const ready = await call(A, `/api/me/privacy/exports/${encodeURIComponent(exportId)}`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', progress: { typesDone: exportableTypes().length, filesDone: 1, filesTotal: 1 } });
    expect(ready.body.download.url).toMatch(/\/api\/privacy\/export-downloads\//);
    firstLink = pathOf(ready.body.download.url);
    const file = await call(undefined, firstLink);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/zip');
    // Streamed from Blob Storage as it is read, not loaded whole first: chunked, with no length known up front.
    expect(file.headers.get('transfer-encoding')).toBe('chunked');
    expect(file.headers.get('content-length')).toBeNull();
    expect(file.body.length).toBe(ready.body.sizeBytes);
    zip = await unzip(file.body as Buffer);
  }, 60_000);

  it("PRIV-2: the zip holds one JSON file per kind of record, each with A's data and none of B's, and no omitted field", () => {
    for (const spec of exportableTypes()) {
      const data = zip.get(`data/${spec.type}.json`)?.toString('utf8');
      expect(data, spec.type).toBeDefined();
      expect(data, spec.type).toContain(marker(A, spec.type));
      expect(data, spec.type).not.toContain(`MARK-${B}`);
      expect(data, spec.type).not.toContain('OMIT-');
      expect(zip.get(`pages/${spec.type}.html`)?.toString('utf8'), spec.type).toContain(marker(A, spec.type));
    }
    expect(zip.get('data/invitation.json')!.toString('utf8')).toContain(unacceptedMarker(A));
  });

  it("PRIV-2: the zip holds A's files, metadata.json describing each field, and a self-contained index.html", () => {
    expect(zip.get('files/material-1/upload-1')).toEqual(Buffer.from(FILE));
    expect([...zip.keys()].some((name) => name.includes(B))).toBe(false);
    const metadata = JSON.parse(zip.get('metadata.json')!.toString('utf8'));
    const account = metadata.types.find((t: { type: string }) => t.type === 'account');
    expect(account).toMatchObject({ file: 'data/account.json', categories: expect.arrayContaining(['identification', 'school-role']) });
    expect(Object.keys(account.fields)).toEqual(expect.arrayContaining(['firstName', 'email', 'marker']));
    expect(metadata.types.find((t: { type: string }) => t.type === 'login-index').leftOut).toEqual(['passwordHash', 'signin_last_pair']);
    const index = zip.get('index.html')!.toString('utf8');
    expect(index.slice(0, 300)).toContain('<meta charset="utf-8">');
    expect(index).toContain('First-acc-export-a');
    for (const spec of exportableTypes()) expect(index).toContain(`href="pages/${spec.type}.html"`);
    expect(index).toContain('href="files/material-1/upload-1"');
    expect(index).not.toMatch(/<script|https?:\/\//);
    expect(zip.has('README.txt')).toBe(true);
  });

  it('PRIV-2: an e-mail tells the person the export is ready', () => {
    expect(host.outbox.messages.filter((m) => m.to === emailOf(A) && /export is ready/.test(m.subject))).toHaveLength(1);
  });

  it('PRIV-2: a repeated queue message builds nothing again', async () => {
    const before = await host.services.db.collection('jobs').read<{ id: string; type: string; runs: number; readyAt: string }>(exportId, A);
    await host.deliver('privacy-exports-run', { accountId: A, exportId }, `repeat-${exportId}`);
    await host.bus.idle();
    const after = await host.services.db.collection('jobs').read<{ id: string; type: string; runs: number; readyAt: string }>(exportId, A);
    expect(after).toMatchObject({ runs: 1, readyAt: before!.readyAt });
  });

  it('PRIV-2, PRIV-7: an export for a request starts once per request and tells the ready listeners once (request -> done)', async () => {
    const told: { exportId: string; accountId: string; requestedBy: string; requestId?: string }[] = [];
    onExportReady(async (_services, ready) => void told.push(ready));
    const first = await startExport(host.services, { subjectAccountId: B, requestedBy: A, requestId: 'rights-request:test-1' });
    const again = await startExport(host.services, { subjectAccountId: B, requestedBy: A, requestId: 'rights-request:test-1' });
    expect([first.started, again.started]).toEqual([true, false]);
    expect(again.job.id).toBe(first.job.id);
    await host.bus.idle();
    await host.deliver('privacy-exports-run', { accountId: B, exportId: first.job.id }, `repeat-${first.job.id}`);
    await host.bus.idle();
    expect(told).toEqual([{ exportId: first.job.id, accountId: B, requestedBy: A, requestId: 'rights-request:test-1' }]);
    // The requester (a parent, say) sees the export of the person it is about; the zip is that person's data.
    const view = await readExport(host.services, A, B, first.job.id);
    expect(view).toMatchObject({ accountId: B, status: 'ready' });
  });

  it("PRIV-2: someone else's export is not found; a forged link is refused (403)", async () => {
    const other = await call(B, `/api/me/privacy/exports/${encodeURIComponent(exportId)}`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('export_not_found');
    const forged = firstLink.replace(/\.([A-Za-z0-9_-]+)$/, (_m, mac: string) => `.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`);
    const refused = await call(undefined, forged);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('export_link_invalid');
  });

  it('PRIV-2: a link expires after 15 minutes and the export after 7 days (local clock): 410 with the envelope', async () => {
    host.clock.advance(16 * 60_000);
    const stale = await call(undefined, firstLink);
    expect(stale.status).toBe(410);
    expect(stale.body.error.code).toBe('export_link_expired');
    tokens.clear(); // access tokens live 15 minutes too
    const fresh = await call(A, `/api/me/privacy/exports/${encodeURIComponent(exportId)}`);
    const freshLink = pathOf(fresh.body.download.url);
    expect((await call(undefined, freshLink)).status).toBe(200);

    host.clock.advance(7 * 86_400_000);
    tokens.clear();
    const expired = await call(A, `/api/me/privacy/exports/${encodeURIComponent(exportId)}`);
    expect(expired.status).toBe(200);
    expect(expired.body.status).toBe('expired');
    expect(expired.body.download).toBeUndefined();
    const gone = await call(undefined, freshLink);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toMatch(/^export_(link_)?expired$/);
  });
});

describe("PRIV-2, PRIV-7: a parent's export request about their child", () => {
  const parentId = demo.accounts.eeParent;
  const childId = demo.accounts.eeStudent;
  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it("PRIV-2, PRIV-7: forwarded to the school, approved, exported with progress; the request is done and the zip is the child's data", async () => {
    tokens.clear();
    const made = await call(parentId, `/api/children/${childId}/privacy/requests`, json({ requestType: 'export' }));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.state).toBe('waiting-for-school');
    const requestId = made.body.id as string;
    const approved = await call(
      demo.accounts.eeAdmin,
      `/api/schools/${demo.schools.ee}/privacy/requests/${encodeURIComponent(requestId)}/decision`,
      json({ outcome: 'approve', reason: 'Agreed' }),
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const exportPath = `/api/children/${childId}/privacy/exports/${encodeURIComponent(`export:${requestId}`)}`;
    // The fulfilment queue starts the export a moment after the decision answers (it first checks the child's schools).
    let running = await call(parentId, exportPath);
    for (let i = 0; i < 100 && running.status === 404; i++) running = await call(parentId, exportPath);
    expect(running.status).toBe(200);
    expect(['queued', 'running']).toContain(running.body.status);

    await host.bus.idle();
    const ready = await call(parentId, exportPath);
    expect(ready.body).toMatchObject({ accountId: childId, status: 'ready' });
    const request = await call(parentId, `/api/children/${childId}/privacy/requests`);
    expect(request.body.requests.find((r: { id: string }) => r.id === requestId).state).toBe('done');
    const file = await call(undefined, pathOf(ready.body.download.url));
    const childZip = await unzip(file.body as Buffer);
    const account = JSON.parse(childZip.get('data/account.json')!.toString('utf8'));
    expect(account).toEqual([expect.objectContaining({ accountId: childId })]);
    // Another person's child is not the parent's to read.
    const other = await call(demo.accounts.eeTeacher, exportPath);
    expect(other.status).toBe(403);
  }, 60_000);
});
