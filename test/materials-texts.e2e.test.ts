import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { budgetOf } from '../shared/http/budgets.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { type Call, client } from './learning-fixtures.js';

/**
 * LRN-4 leftovers on a host of this file's own, whose per-account byte quota is lowered by configuration
 * (MATERIALS_QUOTA_BYTES, 200 MiB in production) so that reaching it takes kilobytes: own texts through JSON with
 * ETag updates, the quota refused with the envelope and nothing stored, and a journal's shared materials paged past
 * one page of 200.
 */
const A = demo.accounts;
const S = demo.schools;
const QUOTA = 8 * 1024;

let host: LocalHost;
let call: ReturnType<typeof client>;

function withinBudget(name: string, method: string, r: Call) {
  const counts = parseCounts(r.headers.get('x-cosmos-ops') ?? '');
  const total = counts.pointRead + counts.write + counts.query + counts.crossPartitionQuery;
  expect(counts.crossPartitionQuery, name).toBe(0);
  expect(total, `${name} ${JSON.stringify(counts)}`).toBeLessThanOrEqual(budgetOf(name, [method]).max);
}

/** Blob names under an account's prefix in Azurite (what is really stored). */
async function blobsOf(accountId: string): Promise<string[]> {
  return (await host.services.blobs.list(`accounts/${accountId}/`)).map((b) => b.name).sort();
}

beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    sweepIntervalMs: 0,
    identityStandIns: false,
    maksekeskusStandIn: false,
    redeliveryDelayMs: 5,
    env: { MATERIALS_QUOTA_BYTES: String(QUOTA) },
  });
  call = client(host);
});
afterAll(async () => host?.close());

describe('LRN-4: own texts as JSON', () => {
  it('LRN-4: a text is created, read and changed with If-Match; a stale ETag, a missing one and bad input store nothing', async () => {
    const path = `accounts/${A.eeStudent}/texts/note-0001`;
    const made = await call(A.eeStudent, 'PUT', path, { title: 'Mõtted', body: 'Esimene mõte.\nTeine rida.' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    withinBudget('materials-texts-save', 'PUT', made);
    expect(made.body).toMatchObject({
      id: 'note-0001',
      kind: 'text',
      title: 'Mõtted',
      body: 'Esimene mõte.\nTeine rida.',
      contentType: 'text/plain; charset=utf-8',
    });
    const etag = made.headers.get('etag')!;
    expect(made.body.etag).toBe(etag);
    // The same text again (a retry) is the stored one.
    const again = await call(A.eeStudent, 'PUT', path, { title: 'Mõtted', body: 'Esimene mõte.\nTeine rida.' });
    expect([again.status, again.headers.get('etag')]).toEqual([200, etag]);

    const read = await call(A.eeStudent, 'GET', path);
    expect(read.status).toBe(200);
    withinBudget('materials-texts-get', 'GET', read);
    expect(read.body).toMatchObject({ title: 'Mõtted', body: 'Esimene mõte.\nTeine rida.', etag });

    const changed = await call(A.eeStudent, 'PUT', path, { title: 'Mõtted 2', body: 'Uus sisu.' }, { 'if-match': etag });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    withinBudget('materials-texts-save', 'PUT', changed);
    expect(changed.headers.get('etag')).not.toBe(etag);
    // The old version's ETag no longer changes it; without If-Match other content is refused.
    const stale = await call(A.eeStudent, 'PUT', path, { title: 'Vana', body: 'Vana sisu.' }, { 'if-match': etag });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'material_changed']);
    const blind = await call(A.eeStudent, 'PUT', path, { title: 'Pime', body: 'Pime sisu.' });
    expect([blind.status, blind.body.error.code]).toEqual([422, 'if_match_required']);
    expect((await call(A.eeStudent, 'GET', path)).body).toMatchObject({ title: 'Mõtted 2', body: 'Uus sisu.' });
    // One blob: the old body's went with the change.
    expect(await blobsOf(A.eeStudent)).toHaveLength(1);

    // Bad input: markup, an empty body, a too long title, unknown fields: a 4xx envelope, nothing stored.
    for (const bad of [
      { title: 'x', body: '<html><script>alert(1)</script></html>' },
      { title: 'x', body: '' },
      { title: 'x'.repeat(201), body: 'y' },
      { title: 'x', body: 'y', extra: 1 },
    ]) {
      const r = await call(A.eeStudent, 'PUT', `accounts/${A.eeStudent}/texts/note-bad-1`, bad);
      expect(r.status, JSON.stringify(bad)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body.error.code).toBeDefined();
    }
    expect((await call(A.eeStudent, 'GET', `accounts/${A.eeStudent}/texts/note-bad-1`)).status).toBe(404);
    // ACL-4, ACL-5: nobody writes or reads another's texts, a parent neither.
    expect((await call(A.eeParent, 'PUT', path, { title: 'x', body: 'y' })).status).toBe(403);
    expect((await call(A.eeStudent2, 'GET', path)).status).toBe(403);
    // The list shows it as a text with its title.
    const list = await call(A.eeStudent, 'GET', `accounts/${A.eeStudent}/materials`);
    expect(list.body.materials).toContainEqual(expect.objectContaining({ id: 'note-0001', kind: 'text', title: 'Mõtted 2' }));
  });

  it('LRN-4: the per-account byte quota (200 MiB, lowered here by MATERIALS_QUOTA_BYTES) refuses with the envelope and stores nothing', async () => {
    const owner = A.eeTeacher;
    const fill = await call(owner, 'PUT', `accounts/${owner}/texts/fill-0001`, { title: 'Täis', body: 'a'.repeat(QUOTA - 100) });
    expect(fill.status, JSON.stringify(fill.body)).toBe(201);
    const before = await blobsOf(owner);

    const over = await call(owner, 'PUT', `accounts/${owner}/texts/over-0001`, { title: 'Üle', body: 'b'.repeat(200) });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'material_quota' });
    expect(over.body.error.message).toContain('MB');
    // An upload over the quota too: refused, and its bytes were not kept.
    const upload = await fetch(`${host.url}/api/accounts/${owner}/materials/over-0002?name=over.txt`, {
      method: 'PUT',
      headers: { authorization: (await tokenHeader(owner)) ?? '', 'content-type': 'application/octet-stream' },
      body: new TextEncoder().encode('c'.repeat(500)),
    });
    expect(upload.status).toBe(409);
    expect(((await upload.json()) as { error: { code: string } }).error.code).toBe('material_quota');
    // Growing a text past the quota is refused as well; the text stays as it was.
    const grow = await call(
      owner,
      'PUT',
      `accounts/${owner}/texts/fill-0001`,
      { title: 'Täis', body: 'a'.repeat(QUOTA + 1) },
      { 'if-match': fill.headers.get('etag')! },
    );
    expect([grow.status, grow.body.error?.code]).toEqual([409, 'material_quota']);

    expect(await blobsOf(owner)).toEqual(before);
    const list = await call(owner, 'GET', `accounts/${owner}/materials`);
    expect(list.body.materials.map((m: { id: string }) => m.id)).toEqual(['fill-0001']);
    expect((await call(owner, 'GET', `accounts/${owner}/texts/fill-0001`)).body.body).toHaveLength(QUOTA - 100);
    // Deleting frees the space.
    expect((await call(owner, 'DELETE', `accounts/${owner}/materials/fill-0001`)).status).toBe(204);
    expect((await call(owner, 'PUT', `accounts/${owner}/texts/over-0001`, { title: 'Üle', body: 'b'.repeat(200) })).status).toBe(201);
  });
});

async function tokenHeader(accountId: string): Promise<string | undefined> {
  const r = await fetch(`${host.url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return `Bearer ${((await r.json()) as { accessToken: string }).accessToken}`;
}

describe('LRN-4, LRN-1: a journal shared materials list', () => {
  it('LRN-4: past 200 shares the list pages with a sealed continuation, one single-partition query per page; the teacher edits a shared text and the class opens the new version', async () => {
    const journal = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
      name: 'Jagatud',
      classId: demo.classes.ee5a,
      studentIds: [A.eeStudent],
      workIds: [],
    });
    expect(journal.status, JSON.stringify(journal.body)).toBe(201);
    const journalId = journal.body.id as string;
    // One real share through the route, then 230 share documents as the route stores them.
    const text = await call(A.eeClassTeacher, 'PUT', `accounts/${A.eeClassTeacher}/texts/shared-0001`, { title: 'Jagatud', body: 'Loe seda.' });
    expect(text.status).toBe(201);
    const shared = await call(A.eeClassTeacher, 'PUT', `schools/${S.ee}/journals/${journalId}/materials/shared-0001`);
    expect(shared.status, JSON.stringify(shared.body)).toBeLessThan(300);
    const schools = host.cosmos.client.database(host.config.COSMOS_DATABASE).container('schools');
    const at = host.clock.now().toISOString();
    const SHARES = 230;
    for (let from = 0; from < SHARES; from += 50)
      await Promise.all(
        Array.from({ length: Math.min(50, SHARES - from) }, (_, i) => {
          const materialId = `bulk-${String(from + i).padStart(4, '0')}`;
          return schools.items.create({
            id: `journal-material:${journalId}:${A.eeClassTeacher}:${materialId}`,
            type: 'journal-material-share',
            schoolId: S.ee,
            journalId,
            ownerId: A.eeClassTeacher,
            materialId,
            name: `${materialId}.txt`,
            contentType: 'text/plain; charset=utf-8',
            size: 1,
            blob: `accounts/${A.eeClassTeacher}/materials/${materialId}/x`,
            sharedAt: at,
          });
        }),
      );
    const seen: string[] = [];
    let continuation: string | undefined;
    let pages = 0;
    do {
      const r = await call(
        A.eeStudent,
        'GET',
        `schools/${S.ee}/journals/${journalId}/materials${continuation ? `?continuation=${encodeURIComponent(continuation)}` : ''}`,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      withinBudget('journals-materials-list', 'GET', r);
      expect(parseCounts(r.headers.get('x-cosmos-ops') ?? '').query).toBe(1);
      seen.push(...r.body.materials.map((m: { materialId: string }) => m.materialId));
      continuation = r.body.continuation;
      pages += 1;
    } while (continuation && pages < 10);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(SHARES + 1);
    expect(seen).toContain('shared-0001');
    // The shared text opens for the journal's student.
    const opened = await fetch(`${host.url}/api/schools/${S.ee}/journals/${journalId}/materials/${A.eeClassTeacher}/shared-0001/content`, {
      headers: { authorization: (await tokenHeader(A.eeStudent)) ?? '' },
    });
    expect([opened.status, await opened.text()]).toEqual([200, 'Loe seda.']);
    // LRN-4: the teacher edits the shared text (If-Match): the journal's student opens the new version, within the budget.
    const openShared = async () => {
      const r = await fetch(`${host.url}/api/schools/${S.ee}/journals/${journalId}/materials/${A.eeClassTeacher}/shared-0001/content`, {
        headers: { authorization: (await tokenHeader(A.eeStudent)) ?? '' },
      });
      return [r.status, await r.text()];
    };
    const editPath = `accounts/${A.eeClassTeacher}/texts/shared-0001`;
    const edit = await call(A.eeClassTeacher, 'PUT', editPath, { title: 'Jagatud 2', body: 'Loe uut.' }, { 'if-match': text.headers.get('etag')! });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    withinBudget('materials-texts-save', 'PUT', edit);
    expect(await openShared()).toEqual([200, 'Loe uut.']);
    // The old version's ETag changes nothing; a retry of the change (the same words, the old ETag) answers the stored one.
    const stale = await call(A.eeClassTeacher, 'PUT', editPath, { title: 'x', body: 'y' }, { 'if-match': text.headers.get('etag')! });
    expect([stale.status, stale.body.error?.code]).toEqual([409, 'material_changed']);
    const retry = await call(A.eeClassTeacher, 'PUT', editPath, { title: 'Jagatud 2', body: 'Loe uut.' }, { 'if-match': text.headers.get('etag')! });
    expect([retry.status, retry.headers.get('etag')]).toEqual([200, edit.headers.get('etag')]);
    expect(await openShared()).toEqual([200, 'Loe uut.']);
    // A forged token is a 400 with the envelope.
    const forged = await call(A.eeStudent, 'GET', `schools/${S.ee}/journals/${journalId}/materials?continuation=abc.def`);
    expect([forged.status, forged.body.error.code]).toEqual([400, 'invalid_continuation']);
  }, 60_000);
});
