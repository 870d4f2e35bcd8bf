import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { eraseMaterialsOf, exportMaterialsOf } from '../shared/materials/index.js';

/**
 * Sharing own materials with a journal (LRN-4, LRN-1) and a person's materials in export and erasure (PRIV-2, PRIV-3),
 * on a host of this file's own: the test reads Azurite and Cosmos directly. The journal is made through the learning
 * area's own route by Kuusiku's Estonian teacher, for class 5.a (Mihkel is in it; Liis, in 6.b, is not).
 */
const S = demo.schools;
const A = demo.accounts;
let journalId: string;
const PDF = new TextEncoder().encode('%PDF-1.7\n% shared worksheet\n%%EOF\n');

let host: LocalHost;
const tokens = new Map<string, string>();

async function call(accountId: string, path: string, init: RequestInit = {}) {
  if (!tokens.has(accountId)) {
    const r = await fetch(`${host.url}/_local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId }),
    });
    tokens.set(accountId, ((await r.json()) as { accessToken: string }).accessToken);
  }
  const response = await fetch(`${host.url}/api${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${tokens.get(accountId)}` },
  });
  const text = await response.text();

  const body: any = (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body };
}

const upload = (accountId: string, id: string, name: string, bytes: Uint8Array = PDF) =>
  call(accountId, `/accounts/${accountId}/materials/${id}?name=${encodeURIComponent(name)}`, { method: 'PUT', body: bytes });

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  const journal = await call(A.eeTeacher, `/schools/${S.ee}/subjects/estonian/journals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Eesti keel 5.a', classId: demo.classes.ee5a, workIds: [] }),
  });
  expect(journal.status, JSON.stringify(journal.body)).toBe(201);
  journalId = journal.body.id;
  expect(journal.body.studentIds ?? journal.body.students?.map((p: { accountId: string }) => p.accountId)).toContain(A.eeStudent);
});
afterAll(async () => host?.close());

describe('LRN-4: a teacher shares own materials with a journal', () => {
  const journal = () => `/schools/${S.ee}/journals/${journalId}/materials`;
  const materialId = `worksheet-${randomUUID()}`;

  it("LRN-4, LRN-1: the journal's teacher shares a file; its student lists and downloads it (attachment, nosniff)", async () => {
    expect((await upload(A.eeTeacher, materialId, 'Tööleht 1.pdf')).status).toBe(201);
    const shared = await call(A.eeTeacher, `${journal()}/${materialId}`, { method: 'PUT' });
    expect(shared.status, JSON.stringify(shared.body)).toBe(200);
    expect(shared.body).toMatchObject({ ownerId: A.eeTeacher, materialId, name: 'Tööleht 1.pdf', contentType: 'application/pdf' });
    // Sharing twice is one share.
    expect((await call(A.eeTeacher, `${journal()}/${materialId}`, { method: 'PUT' })).status).toBe(200);

    const list = await call(A.eeStudent, journal());
    expect(list.status).toBe(200);
    expect(list.body.materials).toHaveLength(1);
    const content = await call(A.eeStudent, `${journal()}/${A.eeTeacher}/${materialId}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('application/pdf');
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(content.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(
      (await call(A.eeTeacher, `/accounts/${A.eeTeacher}/materials`)).body.materials.find((m: { id: string }) => m.id === materialId).shares,
    ).toEqual([{ schoolId: S.ee, journalId }]);
  });

  it("LRN-4: a student outside the journal, another school's teacher and a parent get nothing", async () => {
    // Liis is a student of Kuusiku but not in this journal: the journal is "not found" for her.
    expect((await call(A.eeStudent2, journal())).status).toBe(404);
    expect((await call(A.eeStudent2, `${journal()}/${A.eeTeacher}/${materialId}/content`)).status).toBe(404);
    // Koivula's teacher has no role in Kuusiku; Tiina is a parent, not a journal member.
    expect((await call(A.fiTeacher, journal())).status).toBe(403);
    expect((await call(A.eeParent, journal())).status).toBe(403);
  });

  it('LRN-4: only a teacher of the journal shares, and only their own materials; a student cannot share', async () => {
    // The class teacher teaches in Kuusiku but not this journal.
    const own = `ct-${randomUUID()}`;
    expect((await upload(A.eeClassTeacher, own, 'mine.pdf')).status).toBe(201);
    expect((await call(A.eeClassTeacher, `${journal()}/${own}`, { method: 'PUT' })).status).toBe(404);
    // The journal's teacher naming someone else's material id shares nothing: it is looked up in their own library.
    expect((await call(A.eeTeacher, `${journal()}/${own}`, { method: 'PUT' })).status).toBe(404);
    expect((await call(A.eeStudent, `${journal()}/${own}`, { method: 'PUT' })).status).toBe(403);
    expect((await call(A.eeStudent, journal())).body.materials).toHaveLength(1);
  });

  it('LRN-4: a shared material cannot be deleted (409) until unshared; after unsharing the student sees nothing', async () => {
    const del = await call(A.eeTeacher, `/accounts/${A.eeTeacher}/materials/${materialId}`, { method: 'DELETE' });
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('material_shared');
    expect((await call(A.eeTeacher, `${journal()}/${materialId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(A.eeStudent, journal())).body.materials).toHaveLength(0);
    expect((await call(A.eeStudent, `${journal()}/${A.eeTeacher}/${materialId}/content`)).status).toBe(404);
    expect((await call(A.eeTeacher, `/accounts/${A.eeTeacher}/materials/${materialId}`, { method: 'DELETE' })).status).toBe(204);
  });

  it("LRN-4: another person's unshare touches only their own materials: the teacher's share stays", async () => {
    const id = `kept-${randomUUID()}`;
    expect((await upload(A.eeTeacher, id, 'kept.pdf')).status).toBe(201);
    expect((await call(A.eeTeacher, `${journal()}/${id}`, { method: 'PUT' })).status).toBe(200);
    for (const who of [A.eeStudent, A.eeParent, A.eeClassTeacher])
      expect((await call(who, `${journal()}/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await call(A.eeStudent, journal())).body.materials.map((m: { materialId: string }) => m.materialId)).toContain(id);
    expect((await call(A.eeTeacher, `${journal()}/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(A.eeTeacher, `/accounts/${A.eeTeacher}/materials/${id}`, { method: 'DELETE' })).status).toBe(204);
  });
});

describe('PRIV-2, PRIV-3: materials in export and erasure', () => {
  it('PRIV-2, PRIV-3: export lists the documents and blobs; erasure leaves nothing under the prefix in Azurite, no document and no share', async () => {
    const who = A.eeTeacher;
    const journal = () => `/schools/${S.ee}/journals/${journalId}/materials`;
    const files = [`erase-a-${randomUUID()}`, `erase-b-${randomUUID()}`];
    for (const id of files) expect((await upload(who, id, `${id}.pdf`)).status).toBe(201);
    expect((await call(who, `${journal()}/${files[0]}`, { method: 'PUT' })).status).toBe(200);
    expect(
      (
        await call(who, `/accounts/${who}/works/w-erase/annotations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'note', position: { pageId: 'p' }, text: 'x' }),
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call(who, `/accounts/${who}/works/w-erase/progress`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: [{ positionId: 'p', kind: 'page', state: 'completed' }] }),
        })
      ).status,
    ).toBe(200);
    // A blob whose library entry never got written (a crash between the two steps) is under the prefix too.
    await host.services.blobs.put(`accounts/${who}/materials/orphan`, PDF, 'application/pdf');

    const exported = await exportMaterialsOf(host.services, who);
    expect(exported.documents['material-annotation']).toHaveLength(1);
    expect(exported.documents['material-progress']).toHaveLength(1);
    expect(exported.documents['material-library']).toHaveLength(1);
    expect(exported.blobs.prefix).toBe(`accounts/${who}/`);
    const names = exported.blobs.items.map((b) => b.name);
    expect(names).toHaveLength(3);
    for (const id of files)
      expect(
        names.some((name) => name.startsWith(`accounts/${who}/materials/${id}/`)),
        id,
      ).toBe(true);
    expect(names).toContain(`accounts/${who}/materials/orphan`);
    expect(exported.documents['material-library'][0]).not.toHaveProperty('_etag');

    const erased = await eraseMaterialsOf(host.services, who);
    expect(erased).toMatchObject({ blobs: 3, shares: 1 });
    expect(await host.services.blobs.list(`accounts/${who}/`)).toEqual([]);
    const after = await exportMaterialsOf(host.services, who);
    expect(after.documents).toEqual({ 'material-annotation': [], 'material-progress': [], 'material-library': [] });
    expect((await call(A.eeStudent, journal())).body.materials).toEqual([]);
    // Another person's files are untouched, and erasing again is harmless (resumable, idempotent).
    expect((await upload(A.eeClassTeacher, `keep-${randomUUID()}`, 'keep.pdf')).status).toBe(201);
    expect(await eraseMaterialsOf(host.services, who)).toEqual({ documents: 0, blobs: 0, shares: 0 });
    expect((await host.services.blobs.list(`accounts/${A.eeClassTeacher}/`)).length).toBeGreaterThan(0);
  });
});
