import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { exampleWorkContent } from '../shared/content/fixtures.js';
import { checkAnswer, findExercise, loadPublishedVersion, openForNewWork } from '../shared/content/index.js';
import { buildVersionDoc } from '../shared/content/publishing.js';
import { studentVersionSchema, workOutlineSchema } from '../shared/content/views.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';

/**
 * Issue 18 items 1 and 6b end to end, on a host of its own (it withdraws a work and reads the events container):
 * CMS users publish versions, readers open them with a licence, keys never reach them, search.
 */
const A = demo.accounts;
const EE = demo.publishers.ee;
const FI = demo.publishers.fi;
const WORK = demo.contentWork;
const fiEditor = 'acc-cms-editor-fi-test';

let host: LocalHost;
beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  const at = new Date('2026-08-15T08:00:00Z').toISOString();
  await host.services.db.collection('accounts').upsert<AccountDoc>({
    id: fiEditor,
    type: 'account',
    accountId: fiEditor,
    firstName: 'Esa',
    lastName: 'Editori',
    email: `${fiEditor}@esimerkki.example`,
    language: 'fi',
    country: 'FI',
    status: 'active',
    publisherRoles: [{ publisherId: FI, role: 'editor' }],
    createdAt: at,
    updatedAt: at,
  });
});
afterAll(async () => host?.close());

const tokens = new Map<string, string>();
async function token(accountId: string): Promise<string> {
  if (!tokens.has(accountId)) {
    const r = await fetch(`${host.url}/_local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId }),
    });
    tokens.set(accountId, ((await r.json()) as { accessToken: string }).accessToken);
  }
  return tokens.get(accountId)!;
}

async function call(as: string, path: string, method = 'GET', json?: unknown): Promise<{ status: number; body: any; text: string; ops: string }> {
  const r = await fetch(`${host.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await token(as)}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, text, ops: r.headers.get('x-cosmos-ops') ?? '' };
}

const cms = (publisherId: string, rest = '') => `/api/cms/publishers/${publisherId}/works${rest}`;
/** Strings only the keys hold in the example content (fixtures.ts): an accepted answer, the teacher's guidance. */
const KEY_ONLY = ['sõda', 'Hinda põhjendust'];

describe('issue 18: CMS users publish versions of a work', () => {
  let workId: string;

  it('ACC-1: an author creates a work and saves a draft; only an editor publishes (who and when recorded on the version)', async () => {
    const created = await call(A.cmsAuthor, cms(EE), 'POST', {
      slug: 'algebra-7',
      title: 'Algebra 7',
      language: 'et',
      subjects: ['mathematics'],
      grades: [7],
      country: 'EE',
    });
    expect(created.status).toBe(201);
    workId = created.body.workId;
    expect(workId).toBe(`${EE}.algebra-7`);
    // The same request again is the same work; another work under the id is refused.
    expect(
      (await call(A.cmsAuthor, cms(EE), 'POST', { slug: 'algebra-7', title: 'Algebra 7', language: 'et', subjects: ['mathematics'], country: 'EE' }))
        .status,
    ).toBe(200);
    expect(
      (await call(A.cmsAuthor, cms(EE), 'POST', { slug: 'algebra-7', title: 'Other', language: 'et', subjects: ['mathematics'], country: 'EE' })).body
        .error.code,
    ).toBe('work_id_taken');

    const saved = await call(A.cmsAuthor, cms(EE, `/${workId}/draft`), 'PUT', { content: exampleWorkContent('Algebra 7') });
    expect(saved.status).toBe(200);
    expect(saved.body.revision).toBe(1);
    // Saving the same content again changes nothing.
    expect((await call(A.cmsAuthor, cms(EE, `/${workId}/draft`), 'PUT', { content: exampleWorkContent('Algebra 7') })).body.revision).toBe(1);

    const byAuthor = await call(A.cmsAuthor, cms(EE, `/${workId}/publish`), 'POST', {});
    expect(byAuthor.status).toBe(403);
    const published = await call(A.cmsEditor, cms(EE, `/${workId}/publish`), 'POST', {});
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({
      workId,
      versionNo: 1,
      draftRevision: 1,
      created: true,
      publishedBy: { accountId: A.cmsEditor, role: 'editor' },
    });
    // A retry (lost answer, double click) is the same version.
    const again = await call(A.cmsEditor, cms(EE, `/${workId}/publish`), 'POST', {});
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ versionNo: 1, created: false });

    const work = await call(A.cmsAuthor, cms(EE, `/${workId}`));
    expect(work.body).toMatchObject({ workId, status: 'distributed', currentVersion: 1, versions: [{ versionNo: 1, role: 'editor' }] });
  });

  it('LRN-3: a draft is validated whole: points, a key valid for its kind, ids unique in the work (422 with details)', async () => {
    const content = exampleWorkContent('Algebra 7');
    const badKey = structuredClone(content) as any;
    badKey.chapters[0].pages[1].blocks[0].exercise.key.correct = 'zz';
    const refused = await call(A.cmsAuthor, cms(EE, `/${workId}/draft`), 'PUT', { content: badKey });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body.error.details)).toContain('key');

    const noPoints = structuredClone(content) as any;
    delete noPoints.chapters[0].pages[1].blocks[1].exercise.points;
    expect((await call(A.cmsAuthor, cms(EE, `/${workId}/draft`), 'PUT', { content: noPoints })).status).toBe(422);

    // A chapter saved alone must not reuse an id of another chapter's exercise.
    const clash = structuredClone(content.chapters[1]!);
    clash.id = 'ch-3';
    const chapter = await call(A.cmsAuthor, cms(EE, `/${workId}/draft/chapters/ch-3`), 'PUT', { chapter: clash });
    expect(chapter.status).toBe(422);
    expect(chapter.body.error.code).toBe('work_content_invalid');
    // Nothing was stored half-way.
    expect((await call(A.cmsAuthor, cms(EE, `/${workId}/draft`))).body.revision).toBe(1);
  });

  it('issue 18: a published version is immutable: editing the draft makes version 2, version 1 stays as it was', async () => {
    const changed = exampleWorkContent('Algebra 7');
    changed.chapters[0]!.title = 'Arvud, pealinnad ja muu';
    const saved = await call(A.cmsAuthor, cms(EE, `/${workId}/draft`), 'PUT', { content: changed, baseRevision: 1 });
    expect(saved.body.revision).toBe(2);
    // A save from a stale revision is refused, not merged silently.
    expect(
      (await call(A.cmsAuthor, cms(EE, `/${workId}/draft`), 'PUT', { content: exampleWorkContent('Algebra 7'), baseRevision: 1 })).body.error.code,
    ).toBe('work_draft_changed');

    expect((await call(A.cmsEditor, cms(EE, `/${workId}/publish`), 'POST', {})).body).toMatchObject({ versionNo: 2, draftRevision: 2 });
    expect((await loadPublishedVersion(host.services, workId, 1))!.chapters[0]!.title).toBe('Arvud ja pealinnad');
    expect((await loadPublishedVersion(host.services, workId))!.versionNo).toBe(2);

    // Someone else's version 3 already stands (a concurrent publication): publishing does not overwrite it.
    const squatter = buildVersionDoc(
      { id: workId, publisherId: EE },
      3,
      { content: exampleWorkContent('Not this'), revision: 99 },
      { accountId: A.cmsEditor, role: 'editor' },
      new Date().toISOString(),
    );
    await host.services.db.collection('content').create(squatter);
    changed.title = 'Algebra 7, teine trükk';
    await call(A.cmsAuthor, cms(EE, `/${workId}/draft`), 'PUT', { content: changed });
    const refused = await call(A.cmsEditor, cms(EE, `/${workId}/publish`), 'POST', {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('work_version_immutable');
    expect((await loadPublishedVersion(host.services, workId, 3))!.title).toBe('Not this');
  });

  it('issue 18: a publication whose work update was lost is finished by the retry, not duplicated', async () => {
    const created = await call(A.cmsAuthor, cms(EE), 'POST', {
      slug: 'crash-test',
      title: 'Crash',
      language: 'fi',
      subjects: ['mathematics'],
      country: 'EE',
    });
    const id = created.body.workId as string;
    const draft = await call(A.cmsAuthor, cms(EE, `/${id}/draft`), 'PUT', { content: { ...exampleWorkContent('Crash'), language: 'fi' } });
    // The version was written, then the process died before the work pointed to it.
    const lost = buildVersionDoc(
      { id, publisherId: EE },
      1,
      { content: draft.body.content, revision: draft.body.revision },
      { accountId: A.cmsEditor, role: 'editor' },
      new Date().toISOString(),
    );
    await host.services.db.collection('content').create(lost);
    const retry = await call(A.cmsEditor, cms(EE, `/${id}/publish`), 'POST', {});
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ versionNo: 1, created: false });
    expect((await call(A.cmsAuthor, cms(EE, `/${id}`))).body).toMatchObject({ currentVersion: 1, status: 'distributed' });
    expect((await loadPublishedVersion(host.services, id))?.language).toBe('fi');
  });

  it("ACL-6: another publisher's CMS users are refused (403), and a work id under their own publisher is not found (404)", async () => {
    for (const [method, rest, json] of [
      ['GET', `/${WORK}`, undefined],
      ['GET', `/${WORK}/draft`, undefined],
      ['PUT', `/${WORK}/draft`, { content: exampleWorkContent() }],
      ['POST', `/${WORK}/publish`, {}],
    ] as const) {
      expect((await call(fiEditor, cms(EE, rest), method, json)).status, `${method} ${rest}`).toBe(403);
      const foreign = await call(fiEditor, cms(FI, rest), method, json);
      expect(foreign.status, `${method} ${rest} under ${FI}`).toBe(404);
    }
    // Students, teachers and parents hold no CMS role.
    for (const who of [A.eeStudent, A.eeClassTeacher, A.eeParent]) expect((await call(who, cms(EE, `/${WORK}/draft`))).status).toBe(403);
  });
});

describe('issue 18: readers open a published work with a licence, without answer keys', () => {
  it('STORE-4: a licensed student opens the work and a chapter within 3 Cosmos operations each', async () => {
    const outline = await call(A.eeStudent, `/api/works/${WORK}`);
    expect(outline.status).toBe(200);
    expect(workOutlineSchema.parse(outline.body)).toMatchObject({ workId: WORK, currentVersion: 1, withdrawn: false });
    expect(outline.body.chapters.map((c: { id: string }) => c.id)).toEqual(['ch-1', 'ch-2']);
    expect(outline.ops).toMatch(/^pointRead=3;write=0;query=0;crossPartitionQuery=0/);

    const chapter = await call(A.eeStudent, `/api/works/${WORK}/versions/1?chapter=ch-2`);
    expect(chapter.status).toBe(200);
    expect(chapter.body.chapters.map((c: { id: string }) => c.id)).toEqual(['ch-2']);
    // Authentication, the licence, the version (one query by id and chapter prefix: a large work costs the same).
    expect(chapter.ops).toMatch(/^pointRead=2;write=0;query=1;crossPartitionQuery=0/);
    expect((await call(A.eeStudent, `/api/works/${WORK}/versions/1?chapter=ch-9`)).body.error.code).toBe('work_chapter_not_found');
    expect((await call(A.eeStudent, `/api/works/${WORK}/versions/7`)).body.error.code).toBe('work_version_not_found');
    // The teacher with a licence reads it too.
    expect((await call(A.eeClassTeacher, `/api/works/${WORK}/versions/1`)).status).toBe(200);
  });

  it('LRN-3: the student view never holds a key: no key field, no accepted answer, no guidance; it fits the strict schema', async () => {
    const whole = await call(A.eeStudent, `/api/works/${WORK}/versions/1`);
    expect(whole.status).toBe(200);
    expect(() => studentVersionSchema.parse(whole.body)).not.toThrow();
    expect(whole.text).not.toMatch(/"key"|"accepted"|"correct"|"tolerance"|"pairs"|"order"|"guidance"|"publishedBy"/);
    for (const secret of KEY_ONLY) expect(whole.text).not.toContain(secret);
    const kinds = whole.body.chapters.flatMap((c: any) =>
      c.pages.flatMap((p: any) => p.blocks.filter((b: any) => b.kind === 'exercise').map((b: any) => b.exercise.kind)),
    );
    expect(kinds.sort()).toEqual(['matching', 'multiple', 'numeric', 'open', 'ordering', 'single', 'text']);
  });

  it('LRN-3: an answer to an exercise of the published version gets automatic feedback from its key', async () => {
    const version = (await loadPublishedVersion(host.services, WORK, 1))!;
    const found = findExercise(version, 'ex-text')!;
    expect(found).toMatchObject({ chapterId: 'ch-1', pageId: 'p-2' });
    expect(checkAnswer(found.exercise, { kind: 'text', text: ' Sõda ' })).toMatchObject({ score: 1, correct: true });
    expect(checkAnswer(found.exercise, { kind: 'text', text: 'soda' }).feedback[0]!.code).toBe('check_diacritics');
  });

  it('STORE-4: an unlicensed student, a parent of a licensed child and a CMS user without a licence are refused with work_not_licensed', async () => {
    for (const who of [A.eeStudent2, A.eeParent, A.cmsEditor, A.fiStudent])
      for (const path of [`/api/works/${WORK}`, `/api/works/${WORK}/versions/1`, `/api/works/${WORK}/versions/1/search?q=arvud`]) {
        const r = await call(who, path);
        expect(r.status, `${who} ${path}`).toBe(403);
        expect(r.body.error.code).toBe('work_not_licensed');
        for (const secret of KEY_ONLY) expect(r.text).not.toContain(secret);
      }
    // A shop work without content, licensed or not, has nothing to open.
    expect((await call(A.eeStudent, '/api/works/work-ee-math-5')).status).toBe(403);
  });
});

describe('issue 18 item 6b: search', () => {
  it('LRN-4: search inside a version finds texts and exercises, never what only the keys hold', async () => {
    const found = await call(A.eeStudent, `/api/works/${WORK}/versions/1/search?q=naturaalarvud`);
    expect(found.status).toBe(200);
    expect(found.body.hits).toEqual(expect.arrayContaining([expect.objectContaining({ chapterId: 'ch-1', pageId: 'p-1', blockId: 'b-t1' })]));
    expect(found.ops).toMatch(/^pointRead=2;write=0;query=1;crossPartitionQuery=0/);
    // Estonian: a word's beginning finds its forms (pealinn -> pealinnad, pealinn?).
    const prefix = await call(A.eeStudent, `/api/works/${WORK}/versions/1/search?q=pealinn`);
    expect(prefix.body.hits.map((h: { blockId?: string }) => h.blockId)).toEqual(expect.arrayContaining(['b-ex-single', 'b-ex-matching']));
    for (const secret of ['sõda', 'Hinda', 'põhjendust'])
      expect((await call(A.eeStudent, `/api/works/${WORK}/versions/1/search?q=${encodeURIComponent(secret)}`)).body.hits, secret).toEqual([]);
    expect((await call(A.eeStudent, `/api/works/${WORK}/versions/1/search?q=`)).status).toBe(400);
  });

  it('LOG-1: each search is a usage event of the account, with counts and without the words searched', async () => {
    const before = await host.services.db.collection('events').queryAll<{ properties: Record<string, unknown> }>(A.eeStudent2, {});
    expect((await call(A.eeStudent2, '/api/catalog/search?q=matem%20kl')).status).toBe(200);
    let events: { kind: string; properties: Record<string, unknown> }[] = [];
    for (let i = 0; i < 50 && events.length <= before.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      events = await host.services.db.collection('events').queryAll(A.eeStudent2, {});
    }
    const event = events.at(-1)!;
    expect(event).toMatchObject({ kind: 'search', properties: { scope: 'catalogue', words: 2, characters: 8 } });
    expect(JSON.stringify(event)).not.toContain('matem');
  });

  it('issue 18 6b: catalogue search by title words, subject and grade', async () => {
    const titles = async (query: string) =>
      (await call(A.eeStudent, `/api/catalog/search?${query}`)).body.works.map((w: { workId: string }) => w.workId);
    expect(await titles('q=matem')).toEqual(expect.arrayContaining(['work-ee-math-5', WORK]));
    expect(await titles('q=matem&grade=6')).toEqual([WORK]);
    expect(await titles('subject=history')).toEqual(['work-ee-hist-7']);
    expect(await titles('q=matem&country=FI')).toEqual(['work-fi-math-7']);
    expect(await titles('q=matem&country=EE')).not.toContain('work-fi-math-7');
    expect((await call(A.eeStudent, '/api/catalog/search?grade=99')).status).toBe(400);
  });
});

describe('OPS-2: a withdrawn work', () => {
  it('OPS-2: closes for new work but its versions stay readable for answers already made', async () => {
    const r = await call(A.cmsEditor, `/api/ops/publishers/${EE}/works/${WORK}/withdraw`, 'POST', { reason: 'rights ended', graceHours: 24 });
    expect(r.status).toBe(202);
    const outline = await call(A.eeStudent, `/api/works/${WORK}`);
    expect(outline.body.withdrawn).toBe(true);
    expect(await openForNewWork(host.services, WORK)).toBe(false);
    expect((await loadPublishedVersion(host.services, WORK, 1))?.versionNo).toBe(1);
  });
});
