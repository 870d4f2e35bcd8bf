import { randomUUID } from 'node:crypto';

import { beforeAll, describe, expect, it } from 'vitest';

import { parseCounts } from '../shared/platform/operations.js';
import { api, baseUrl } from './helpers.js';
import { birthDateIn, confirmedLink, newPerson, newStudent, type Person } from './people.js';

/**
 * LRN-4 over the local host: notes, bookmarks, highlights, progress and own files, with the files in Azurite (the
 * real Blob Storage API, driven by @azure/storage-blob). ACL-4/5: own data only; a parent reads the child's and never
 * writes in the child's name.
 */

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
]);
const HTML = new TextEncoder().encode('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
const SVG = new TextEncoder().encode('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');

const newId = () => randomUUID().replaceAll('-', '');
const upload = (
  person: Person,
  bytes: Uint8Array,
  name: string,
  options: { accountId?: string; id?: string; contentType?: string; token?: string } = {},
) =>
  api(`/api/accounts/${options.accountId ?? person.accountId}/materials/${options.id ?? newId()}?name=${encodeURIComponent(name)}`, {
    method: 'PUT',
    token: options.token ?? person.token,
    headers: { 'content-type': options.contentType ?? 'application/octet-stream' },
    body: bytes,
  });

let owner: Person;
let stranger: Person;

beforeAll(async () => {
  [owner, stranger] = await Promise.all([newPerson('Materjal'), newPerson('Stranger')]);
});

describe('LRN-4: own materials in Blob Storage', () => {
  it('LRN-4: a PDF is stored and downloaded as an attachment with its sniffed type and nosniff', async () => {
    const id = newId();
    const put = await upload(owner, PDF, 'Töö leht.pdf', { id, contentType: 'text/html' });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    expect(put.body).toMatchObject({ id, name: 'Töö leht.pdf', contentType: 'application/pdf', size: PDF.byteLength, shares: [] });

    const list = await api(`/api/accounts/${owner.accountId}/materials`, { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.materials.map((m: { id: string }) => m.id)).toContain(id);
    const counts = parseCounts(list.headers.get('x-cosmos-ops') ?? '');
    expect(counts.pointRead + counts.query + counts.crossPartitionQuery).toBeLessThanOrEqual(3);

    const response = await fetch(`${baseUrl()}/api/accounts/${owner.accountId}/materials/${id}/content`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="T__ leht.pdf"; filename*=UTF-8''${encodeURIComponent('Töö leht.pdf')}`,
    );
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PDF);
  });

  it('LRN-4: an HTML file named .png is refused (415), and so is SVG, whatever Content-Type is claimed; nothing is listed', async () => {
    const before = (await api(`/api/accounts/${owner.accountId}/materials`, { token: owner.token })).body.materials.length;
    const html = await upload(owner, HTML, 'cat.png', { contentType: 'image/png' });
    expect(html.status).toBe(415);
    expect(html.body.error.code).toBe('material_type_refused');
    expect((await upload(owner, SVG, 'picture.svg', { contentType: 'image/svg+xml' })).status).toBe(415);
    expect((await upload(owner, new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]), 'setup.exe')).status).toBe(415);
    expect((await api(`/api/accounts/${owner.accountId}/materials`, { token: owner.token })).body.materials).toHaveLength(before);
  });

  it('LRN-4: a PNG named .html is stored as image/png and downloads with a .png name', async () => {
    const put = await upload(owner, PNG, 'page.html');
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ name: 'page.png', contentType: 'image/png' });
  });

  it('LRN-4: a plain text is stored as text/plain, never text/html', async () => {
    const put = await upload(owner, new TextEncoder().encode('Minu konspekt: 2 + 2 = 4\n'), 'konspekt');
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ name: 'konspekt.txt', contentType: 'text/plain; charset=utf-8' });
  });

  it('LRN-4: a file over 10 MiB is refused with 413 and not stored', async () => {
    const id = newId();
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(PDF);
    const put = await upload(owner, big, 'big.pdf', { id });
    expect(put.status).toBe(413);
    expect(put.body.error.code).toBe('payload_too_large');
    expect((await api(`/api/accounts/${owner.accountId}/materials/${id}/content`, { token: owner.token })).status).toBe(404);
  });

  it('LRN-4: file names with paths, traversal or control characters are refused (422); an empty file is 400', async () => {
    for (const name of ['../../etc/passwd', 'a/b.pdf', 'a\\b.pdf', '..', '.hidden', 'x\u0000.pdf', 'evil\u202egpj.pdf', 'CON.pdf', '']) {
      const put = await upload(owner, PDF, name);
      expect(put.status, name).toBe(422);
      expect(put.body.error.code).toBe('material_name_invalid');
    }
    expect((await api(`/api/accounts/${owner.accountId}/materials/${newId()}`, { method: 'PUT', token: owner.token })).status).toBe(422);
    expect((await upload(owner, new Uint8Array(0), 'empty.txt')).status).toBe(400);
  });

  it('LRN-4: a retried upload under the same id is the same material (200); other bytes under that id are a conflict', async () => {
    const id = newId();
    expect((await upload(owner, PDF, 'again.pdf', { id })).status).toBe(201);
    const retry = await upload(owner, PDF, 'again.pdf', { id });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(id);
    const other = await upload(owner, PNG, 'again.png', { id });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('material_id_taken');
    const list = await api(`/api/accounts/${owner.accountId}/materials`, { token: owner.token });
    expect(list.body.materials.filter((m: { id: string }) => m.id === id)).toHaveLength(1);
  });

  it("ACL-4: another account's file is out of reach: by their path 403, by its id under one's own path 404", async () => {
    const id = newId();
    expect((await upload(owner, PDF, 'private.pdf', { id })).status).toBe(201);
    const byPath = await api(`/api/accounts/${owner.accountId}/materials/${id}/content`, { token: stranger.token });
    expect(byPath.status).toBe(403);
    expect((await api(`/api/accounts/${owner.accountId}/materials`, { token: stranger.token })).status).toBe(403);
    const byId = await api(`/api/accounts/${stranger.accountId}/materials/${id}/content`, { token: stranger.token });
    expect(byId.status).toBe(404);
    expect(byId.body.error.code).toBe('material_not_found');
    // Nor can they delete it or write over it.
    expect((await api(`/api/accounts/${owner.accountId}/materials/${id}`, { method: 'DELETE', token: stranger.token })).status).toBe(403);
    expect((await upload(stranger, PNG, 'x.png', { accountId: owner.accountId, id })).status).toBe(403);
    expect((await api(`/api/accounts/${stranger.accountId}/materials/${id}`, { method: 'DELETE', token: stranger.token })).status).toBe(404);
  });

  it('LRN-4: deleting a material removes it and its file; deleting again is 404', async () => {
    const id = newId();
    expect((await upload(owner, PDF, 'gone.pdf', { id })).status).toBe(201);
    expect((await api(`/api/accounts/${owner.accountId}/materials/${id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    expect((await api(`/api/accounts/${owner.accountId}/materials/${id}/content`, { token: owner.token })).status).toBe(404);
    expect((await api(`/api/accounts/${owner.accountId}/materials/${id}`, { method: 'DELETE', token: owner.token })).status).toBe(404);
  });

  it('LRN-4: at most 100 files per account (409 material_quota), checked in the write that makes a file visible', async () => {
    const person = await newPerson('Kvoot');
    const text = (i: number) => new TextEncoder().encode(`file ${i}\n`);
    for (let i = 0; i < 100; i++) expect((await upload(person, text(i), `f${i}.txt`)).status).toBe(201);
    const over = await upload(person, text(101), 'one-more.txt');
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('material_quota');
    expect((await api(`/api/accounts/${person.accountId}/materials`, { token: person.token })).body.materials).toHaveLength(100);
  });
});

describe('LRN-4: notes, bookmarks and highlights', () => {
  const work = 'work-ee-math-5';

  it('LRN-4: notes CRUD with ETags; a change from a stale ETag is 409, one without If-Match 422', async () => {
    const base = `/api/accounts/${owner.accountId}`;
    const note = await api(`${base}/works/${work}/annotations`, {
      method: 'POST',
      token: owner.token,
      json: { kind: 'note', position: { chapterId: 'ch-2', pageId: 'p-14', blockId: 'b-3' }, text: 'Kordamiseks' },
    });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    expect(note.headers.get('etag')).toBe(note.body.etag);
    const bookmark = await api(`${base}/works/${work}/annotations`, {
      method: 'POST',
      token: owner.token,
      json: { kind: 'bookmark', position: { pageId: 'p-20' } },
    });
    expect(bookmark.status).toBe(201);
    const highlight = await api(`${base}/works/${work}/annotations`, {
      method: 'POST',
      token: owner.token,
      json: { kind: 'highlight', position: { blockId: 'b-9', start: 4, end: 18 }, color: 'yellow' },
    });
    expect(highlight.status).toBe(201);
    // Another work's annotation is not in this work's list.
    expect(
      (
        await api(`${base}/works/work-other/annotations`, {
          method: 'POST',
          token: owner.token,
          json: { kind: 'bookmark', position: { pageId: 'p-1' } },
        })
      ).status,
    ).toBe(201);

    const list = await api(`${base}/works/${work}/annotations`, { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.annotations.map((a: { id: string }) => a.id)).toEqual([note.body.id, bookmark.body.id, highlight.body.id]);
    const ops = list.headers.get('x-cosmos-ops') ?? '';
    expect(parseCounts(ops)).toMatchObject({ query: 1, crossPartitionQuery: 0 });

    const path = `${base}/annotations/${note.body.id}`;
    expect((await api(path, { method: 'PATCH', token: owner.token, json: { text: 'no etag' } })).status).toBe(422);
    const first = await api(path, { method: 'PATCH', token: owner.token, headers: { 'if-match': note.body.etag }, json: { text: 'Laptop' } });
    expect(first.status).toBe(200);
    expect(first.body.text).toBe('Laptop');
    // The phone still holds the old ETag: its change is refused, not written over the laptop's.
    const stale = await api(path, { method: 'PATCH', token: owner.token, headers: { 'if-match': note.body.etag }, json: { text: 'Phone' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('annotation_changed');
    expect((await api(path, { method: 'PATCH', token: owner.token, headers: { 'if-match': first.body.etag }, json: { text: null } })).status).toBe(
      422,
    );

    expect((await api(path, { method: 'DELETE', token: owner.token, headers: { 'if-match': note.body.etag } })).status).toBe(409);
    expect((await api(path, { method: 'DELETE', token: owner.token, headers: { 'if-match': first.body.etag } })).status).toBe(204);
    expect((await api(path, { method: 'DELETE', token: owner.token })).status).toBe(204);
    expect((await api(path, { method: 'PATCH', token: owner.token, headers: { 'if-match': first.body.etag }, json: { text: 'x' } })).status).toBe(
      404,
    );
  });

  it('LRN-4: concurrent changes of one note from one ETag: exactly one wins, the others get 409', async () => {
    const base = `/api/accounts/${owner.accountId}`;
    const note = await api(`${base}/works/${work}/annotations`, {
      method: 'POST',
      token: owner.token,
      json: { kind: 'note', position: { pageId: 'p-5' }, text: 'start' },
    });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api(`${base}/annotations/${note.body.id}`, {
          method: 'PATCH',
          token: owner.token,
          headers: { 'if-match': note.body.etag },
          json: { text: `device ${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
  });

  it('LRN-4: a create with the client id repeated returns the stored one (200), not a second copy', async () => {
    const id = newId();
    const json = { id, kind: 'bookmark', position: { pageId: 'p-7' } };
    const base = `/api/accounts/${owner.accountId}/works/work-retry/annotations`;
    expect((await api(base, { method: 'POST', token: owner.token, json })).status).toBe(201);
    expect((await api(base, { method: 'POST', token: owner.token, json })).status).toBe(200);
    expect((await api(base, { token: owner.token })).body.annotations).toHaveLength(1);
  });

  it('LRN-4: positions are validated: opaque ids with limited characters and length, start not after end', async () => {
    const base = `/api/accounts/${owner.accountId}/works/${work}/annotations`;
    for (const position of [{}, { pageId: 'x'.repeat(101) }, { pageId: '<script>' }, { blockId: 'b', start: 5, end: 1 }, { pageId: 'p', extra: 1 }]) {
      const r = await api(base, { method: 'POST', token: owner.token, json: { kind: 'bookmark', position } });
      expect(r.status, JSON.stringify(position)).toBe(422);
    }
    expect(
      (await api(base, { method: 'POST', token: owner.token, json: { kind: 'note', position: { pageId: 'p' }, text: 'x'.repeat(5001) } })).status,
    ).toBe(422);
    expect((await api(`/api/accounts/${owner.accountId}/works/..%2F..%2Fx/annotations`, { token: owner.token })).status).toBe(400);
  });
});

describe('LRN-4: progress', () => {
  it('LRN-4: batches of events merge into one document per work; completed stays completed; a repeated batch changes nothing', async () => {
    const path = `/api/accounts/${owner.accountId}/works/work-progress/progress`;
    expect((await api(path, { token: owner.token })).body).toMatchObject({ workId: 'work-progress', entries: {}, visited: 0, completed: 0 });
    const batch = {
      events: [
        { positionId: 'p-1', kind: 'page', state: 'visited' },
        { positionId: 'ex-1', kind: 'exercise', state: 'completed' },
      ],
    };
    const first = await api(path, { method: 'POST', token: owner.token, json: batch });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ visited: 2, completed: 1 });
    const again = await api(path, { method: 'POST', token: owner.token, json: batch });
    expect(again.body.updatedAt).toBe(first.body.updatedAt);
    const back = await api(path, {
      method: 'POST',
      token: owner.token,
      json: { events: [{ positionId: 'ex-1', kind: 'exercise', state: 'visited' }] },
    });
    expect(back.body.entries['ex-1'].state).toBe('completed');
    const read = await api(path, { token: owner.token });
    expect(read.body).toMatchObject({ visited: 2, completed: 1 });
    expect(parseCounts(read.headers.get('x-cosmos-ops') ?? '')).toMatchObject({ pointRead: 2, query: 0, write: 0 });
    expect(
      (
        await api(path, {
          method: 'POST',
          token: owner.token,
          json: { events: Array.from({ length: 101 }, (_, i) => ({ positionId: `p${i}`, kind: 'page', state: 'visited' })) },
        })
      ).status,
    ).toBe(422);
  });
});

describe('ACL-5: a parent and the child’s materials', () => {
  let parent: Person;
  let child: Person & { personalCode: string };
  let materialId: string;

  beforeAll(async () => {
    parent = await newPerson('Materjaliema');
    child = await newStudent('Materjalilaps', birthDateIn(2014));
    await confirmedLink(parent, child);
    materialId = newId();
    expect((await upload(child, PDF, 'kodutöö.pdf', { id: materialId })).status).toBe(201);
    expect(
      (
        await api(`/api/accounts/${child.accountId}/works/w1/annotations`, {
          method: 'POST',
          token: child.token,
          json: { kind: 'note', position: { pageId: 'p' }, text: 'Lapse märge' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(`/api/accounts/${child.accountId}/works/w1/progress`, {
          method: 'POST',
          token: child.token,
          json: { events: [{ positionId: 'p', kind: 'page', state: 'visited' }] },
        })
      ).status,
    ).toBe(200);
  });

  it("ACL-5: a parent reads the confirmed child's notes, progress and files", async () => {
    const base = `/api/accounts/${child.accountId}`;
    expect((await api(`${base}/works/w1/annotations`, { token: parent.token })).body.annotations[0].text).toBe('Lapse märge');
    expect((await api(`${base}/works/w1/progress`, { token: parent.token })).body.visited).toBe(1);
    expect((await api(`${base}/materials`, { token: parent.token })).body.materials[0].id).toBe(materialId);
    const content = await api(`${base}/materials/${materialId}/content`, { token: parent.token });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it("ACL-5: a parent never writes in the child's name: upload, note, change, delete and progress are all 403", async () => {
    const base = `/api/accounts/${child.accountId}`;
    const notes = await api(`${base}/works/w1/annotations`, { token: parent.token });
    const note = notes.body.annotations[0];
    const attempts = [
      await upload(child, PDF, 'vanem.pdf', { token: parent.token }),
      await api(`${base}/works/w1/annotations`, {
        method: 'POST',
        token: parent.token,
        json: { kind: 'note', position: { pageId: 'p' }, text: 'Vanem' },
      }),
      await api(`${base}/annotations/${note.id}`, {
        method: 'PATCH',
        token: parent.token,
        headers: { 'if-match': note.etag },
        json: { text: 'Vanem' },
      }),
      await api(`${base}/annotations/${note.id}`, { method: 'DELETE', token: parent.token }),
      await api(`${base}/works/w1/progress`, {
        method: 'POST',
        token: parent.token,
        json: { events: [{ positionId: 'x', kind: 'page', state: 'completed' }] },
      }),
      await api(`${base}/materials/${materialId}`, { method: 'DELETE', token: parent.token }),
    ];
    expect(attempts.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect((await api(`${base}/works/w1/annotations`, { token: child.token })).body.annotations).toEqual(notes.body.annotations);
    expect((await api(`${base}/materials`, { token: child.token })).body.materials).toHaveLength(1);
  });

  it('ACL-5, ACC-4: once the child is hidden from parents, the parent reads none of it, at once', async () => {
    const privacy = `/api/children/${child.accountId}/privacy`;
    expect((await api(privacy, { method: 'PUT', token: parent.token, json: { shareWithParents: false, shareWithPublishers: false } })).status).toBe(
      200,
    );
    expect((await api(`/api/accounts/${child.accountId}/materials`, { token: parent.token })).status).toBe(403);
    expect((await api(`/api/accounts/${child.accountId}/works/w1/progress`, { token: parent.token })).status).toBe(403);
    expect((await api(privacy, { method: 'PUT', token: parent.token, json: { shareWithParents: true, shareWithPublishers: false } })).status).toBe(
      200,
    );
    expect((await api(`/api/accounts/${child.accountId}/materials`, { token: parent.token })).status).toBe(200);
  });
});

describe('LRN-4: parallel uploads under one id', () => {
  it('LRN-4: the same bytes sent three times at once make one material and one readable file; other bytes are 409', async () => {
    const person = await newPerson('Parallel');
    const id = newId();
    const results = await Promise.all([
      upload(person, PDF, 'same.pdf', { id }),
      upload(person, PDF, 'same.pdf', { id }),
      upload(person, PDF, 'same.pdf', { id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const clash = await Promise.all([upload(person, PNG, 'clash.png', { id }), upload(person, PNG, 'clash.png', { id: newId() })]);
    expect(clash.map((r) => r.status)).toEqual([409, 201]);
    const content = await api(`/api/accounts/${person.accountId}/materials/${id}/content`, { token: person.token });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('application/pdf');
  });
});
