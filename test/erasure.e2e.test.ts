import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eraseSubject, type ErasureEvidence, readErasureEvidence } from '../shared/erasure/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { ContainerName, Database } from '../shared/platform/cosmos.js';
import { withOperationCounter } from '../shared/platform/operations.js';
import { dataRegistry } from '../shared/privacy/registry.js';
import { subjectDocuments } from '../shared/privacy/subject-documents.js';
import { readRequest } from '../shared/rights/index.js';
import { documentOf, everyTypeFor, personalTypes, personFor, traces, writeAll } from './erasure-fixtures.js';
import { client } from './learning-fixtures.js';
import { counted } from './store-probe.js';

/**
 * Issue 13 item 1, PRIV-3: the erasure pipeline on the real stores (embedded Cosmos, Azurite), on a host of this
 * file's own. Documents of every registry type with personal data are made from the registry itself, so a new type
 * without an erasure rule fails here.
 */
let host: LocalHost;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  call = client(host);
}, 60_000);
afterAll(async () => host?.close());

/** Every document of every container (a test may scan). */
async function everything(db: Database): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  for (const { name } of dataRegistry.containers) {
    let continuation: string | undefined;
    do {
      const page = await db.collection(name as ContainerName).crossPartitionQuery<Record<string, unknown>>('SELECT * FROM c', [], continuation, 500);
      all.push(...page.items.map((doc) => ({ ...doc, container: name })));
      continuation = page.continuation;
    } while (continuation);
  }
  return all;
}

const B_OTHER = 'acc-erase-b';
const mentions = (doc: unknown, strings: string[]) => strings.some((s) => JSON.stringify(doc).includes(s));

async function blobsOf(prefix: string) {
  return (await host.services.blobs.list(prefix)).map((b) => b.name);
}

async function putBlobs(accountId: string) {
  await host.services.blobs.put(`accounts/${accountId}/materials/note.pdf`, new TextEncoder().encode('%PDF-1.4 own file'), 'application/pdf');
  await host.services.blobs.put(`exports/${accountId}/export-1.zip`, new TextEncoder().encode('PK zip'), 'application/zip');
}

describe('PRIV-3: the erasure pipeline', () => {
  const A = personFor('acc-erase-a', 1);
  const B = personFor('acc-erase-b', 2);
  let evidence: ErasureEvidence;

  it("PRIV-3: a document of every registry type for a subject, erased, leaves none of the subject's personal fields anywhere except documents on legal hold, whose holds are listed", async () => {
    await writeAll(host.services.db, everyTypeFor(A, B.accountId));
    await writeAll(host.services.db, everyTypeFor(B, 'acc-erase-c'));
    await putBlobs(A.accountId);
    await putBlobs(B.accountId);
    const bystanderBefore: Record<string, number> = {};
    for await (const { spec, documents } of subjectDocuments(host.services, B.accountId)) bystanderBefore[spec.type] = documents.length;
    expect((await everything(host.services.db)).filter((d) => mentions(d, traces(A))).length).toBeGreaterThan(personalTypes().length);

    evidence = await eraseSubject(host.services, { accountId: A.accountId, reason: 'request', by: 'acc-staff-privacy-pille' });

    const left = (await everything(host.services.db)).filter((d) => mentions(d, traces(A)));
    const held = new Set(
      personalTypes()
        .filter((t) => t.erasure === 'legal-hold' || t.find?.partitions === 'none')
        .map((t) => t.type),
    );
    const stray = left.filter((d) => !held.has(String(d.type))).map((d) => `${String(d.container)}/${String(d.type)}/${String(d.id)}`);
    expect(stray).toEqual([]);
    // Every type still holding something of A is on hold and listed with its end.
    const listed = new Map(evidence.holds.map((h) => [h.type, h]));
    for (const d of left) expect(listed.get(String(d.type))?.until, String(d.type)).toMatch(/^\d{4}-\d\d-\d\dT/);
    // (The closure the erasure makes adds its own security-log entries: login-log has more than the one written here.)
    for (const t of personalTypes().filter((t) => t.erasure === 'legal-hold'))
      expect(evidence.counts[t.type]?.held, t.type).toBeGreaterThanOrEqual(1);
    // Every type that is deleted or anonymised was found (the account's own, the invitation by address too).
    for (const t of personalTypes().filter((t) => t.find?.partitions !== 'none' && t.erasure !== 'legal-hold' && t.type !== 'login-index')) {
      const c = evidence.counts[t.type];
      expect((c?.deleted ?? 0) + (c?.anonymised ?? 0), t.type).toBeGreaterThanOrEqual(1);
    }
    expect(evidence.counts.invitation?.deleted).toBe(2);
    expect(evidence.counts.journal?.anonymised).toBe(1);
    expect(evidence.blobsDeleted).toBe(2);
    expect(await blobsOf(`accounts/${A.accountId}/`)).toEqual([]);
    expect(await blobsOf(`exports/${A.accountId}/`)).toEqual([]);
    // The bystander keeps every document and file, and stays in the lists A was taken out of.
    const bystanderAfter: Record<string, number> = {};
    for await (const { spec, documents } of subjectDocuments(host.services, B.accountId)) bystanderAfter[spec.type] = documents.length;
    expect(bystanderAfter).toEqual(bystanderBefore);
    expect(await blobsOf(`accounts/${B.accountId}/`)).toHaveLength(1);
    const journals = (await everything(host.services.db)).filter((d) => d.type === 'journal' && String(d.id).includes('erased-'));
    expect(journals).toHaveLength(1);
    expect(journals[0]).toMatchObject({ studentIds: [B.accountId], teacherIds: [B.accountId], students: [{ accountId: B.accountId }] });
  });

  it('PRIV-3: the evidence holds no personal data, is filed under a keyed hash, and a second run changes nothing', async () => {
    expect(mentions(evidence, traces(A))).toBe(false);
    expect(evidence.subjectHash).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await readErasureEvidence(host.services, A.accountId, 'request')).toEqual(evidence);
    const stored = (await everything(host.services.db)).filter((d) => d.type === 'erasure-evidence');
    expect(stored.some((d) => d.subjectHash === evidence.subjectHash)).toBe(true);
    expect(stored.every((d) => !mentions(d, traces(A)))).toBe(true);
    // No job left behind.
    expect((await everything(host.services.db)).filter((d) => d.type === 'erasure-job' && d.accountId === A.accountId)).toEqual([]);

    const again = counted(host.services);
    expect(await eraseSubject(again.services, { accountId: A.accountId, reason: 'request' })).toEqual(evidence);
    expect(again.writes()).toBe(0);
  });

  it('PRIV-3: a run killed half-way by a store fault resumes where it stopped: nothing missed, nothing deleted twice, counted once', async () => {
    const C = personFor('acc-erase-c', 3);
    const documentsOf = (person: typeof C) => {
      const docs = everyTypeFor(person, B.accountId);
      // More of the person's own documents, so the kill lands in the middle.
      for (let n = 1; n <= 30; n++)
        for (const type of ['usage-event', 'material-progress', 'answer'])
          docs.push(documentOf(personalTypes().find((t) => t.type === type)!, person, B.accountId, n));
      return docs;
    };
    // A twin with the same documents, erased whole: the order of a full run's writes, so the kill lands half-way, just
    // after the usage events' batch (a resumed run finds none of them and must count them from the job's record).
    const twin = personFor('acc-erase-c-twin', 5);
    await writeAll(host.services.db, [...documentsOf(C), ...documentsOf(twin)]);
    await putBlobs(C.accountId);
    await putBlobs(twin.accountId);
    const full = counted(host.services);
    await eraseSubject(full.services, { accountId: twin.accountId, reason: 'request' });

    const afterEvents = full.order.indexOf('events/deleteMany') + 1;
    expect(afterEvents).toBeGreaterThan(1);
    expect(afterEvents).toBeLessThan(full.writes() - 2);

    const first = counted(host.services, afterEvents);
    await expect(eraseSubject(first.services, { accountId: C.accountId, reason: 'request' })).rejects.toThrow(/killed/);
    // Writes already under way when the fault struck finish (a killed process's would, or not, at the store).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(first.deleted.length).toBeGreaterThan(0);
    const job = (await everything(host.services.db)).find((d) => d.type === 'erasure-job' && d.id === `erasure:${C.accountId}:request`);
    // What the run found is recorded once, before anything changed: the resumed run counts it.
    expect((job?.found as { counts: Record<string, unknown> } | undefined)?.counts['usage-event']).toEqual({ deleted: 31, anonymised: 0, held: 0 });
    expect((await everything(host.services.db)).filter((d) => mentions(d, [C.accountId])).length).toBeGreaterThan(10);

    const second = counted(host.services);
    const resumed = withOperationCounter(() => eraseSubject(second.services, { accountId: C.accountId, reason: 'request' }));
    const done = await resumed.result;
    // One query per partition whatever types it holds (a school's partition holds ten: one query per type before), a
    // point read per login index; no checkpoint (the job was written once, by the killed run): the resumed run's only
    // writes to jobs besides deletes are the address's suppression (a create that finds it there) and the evidence.
    const plan = job!.plan as { kind: string; read?: { container: string; types: string[] } }[];
    const reads = plan.filter((step) => step.kind === 'documents').map((step) => step.read!);
    expect(reads.some((read) => read.types.length >= 5 && read.container === 'schools')).toBe(true);
    expect(resumed.counts.query).toBe(reads.filter((read) => read.container !== 'logins').length);
    expect(second.order.filter((write) => write.startsWith('jobs/') && write !== 'jobs/deleteMany' && write !== 'jobs/delete')).toEqual([
      'jobs/create',
      'jobs/create',
    ]);
    const twice = first.deleted.filter((id) => second.attempted.includes(id));
    expect(twice).toEqual([]);
    expect(done.counts['usage-event']).toEqual({ deleted: 31, anonymised: 0, held: 0 });
    expect(done.counts['material-progress']).toEqual({ deleted: 31, anonymised: 0, held: 0 });
    expect(done.counts.answer).toEqual({ deleted: 31, anonymised: 0, held: 0 });
    expect(done.blobsDeleted).toBe(2);
    const held = new Set(
      personalTypes()
        .filter((t) => t.erasure === 'legal-hold' || t.find?.partitions === 'none')
        .map((t) => t.type),
    );
    const stray = (await everything(host.services.db)).filter((d) => mentions(d, traces(C)) && !held.has(String(d.type)));
    expect(stray.map((d) => `${String(d.type)}/${String(d.id)}`)).toEqual([]);
  });

  it('PRIV-3: a run killed after writing its evidence, before deleting its job, leaves no job once run again; a further run writes nothing', async () => {
    const [E, twin] = [personFor('acc-erase-e', 6), personFor('acc-erase-e-twin', 7)];
    await writeAll(host.services.db, [...everyTypeFor(E, B.accountId), ...everyTypeFor(twin, B.accountId)]);
    const full = counted(host.services);
    await eraseSubject(full.services, { accountId: twin.accountId, reason: 'request' });
    expect(full.order.at(-1)).toBe('jobs/delete');

    const first = counted(host.services, full.writes() - 1);
    await expect(eraseSubject(first.services, { accountId: E.accountId, reason: 'request' })).rejects.toThrow(/killed/);
    const jobOf = () => host.services.db.collection('jobs').read(`erasure:${E.accountId}:request`, E.accountId);
    expect(await jobOf()).toBeDefined();
    const evidence = await readErasureEvidence(host.services, E.accountId, 'request');
    expect(evidence).toBeDefined();

    expect(await eraseSubject(host.services, { accountId: E.accountId, reason: 'request' })).toEqual(evidence);
    expect(await jobOf()).toBeUndefined();
    const again = counted(host.services);
    expect(await eraseSubject(again.services, { accountId: E.accountId, reason: 'request' })).toEqual(evidence);
    expect(again.writes()).toBe(0);
  });
});

describe('PRIV-3, RET-4: erasing only the learning outcomes', () => {
  it('PRIV-3, RET-4: an outcomes erasure deletes answers and their history and nothing else; a later run of its own deletes what came since', async () => {
    const D = personFor('acc-erase-d', 4);
    await writeAll(host.services.db, everyTypeFor(D, B_OTHER));
    const before = (await everything(host.services.db)).filter((d) => mentions(d, [D.accountId])).length;
    const outcomes = await eraseSubject(host.services, { accountId: D.accountId, reason: 'outcomes' });
    expect(Object.keys(outcomes.counts).sort()).toEqual(['answer', 'study-history']);
    expect(outcomes.counts.answer).toEqual({ deleted: 1, anonymised: 0, held: 0 });
    expect(outcomes.holds).toEqual([]);
    expect((await everything(host.services.db)).filter((d) => mentions(d, [D.accountId])).length).toBe(before - 2);
    expect(await host.services.db.collection('accounts').read(D.accountId, D.accountId)).toBeDefined();

    await writeAll(host.services.db, [documentOf(personalTypes().find((t) => t.type === 'answer')!, D, B_OTHER, 7)]);
    expect(await eraseSubject(host.services, { accountId: D.accountId, reason: 'outcomes' })).toEqual(outcomes);
    const later = await eraseSubject(host.services, { accountId: D.accountId, reason: 'outcomes', run: '2027' });
    expect(later.counts).toEqual({ answer: { deleted: 1, anonymised: 0, held: 0 } });
    expect(await readErasureEvidence(host.services, D.accountId, 'outcomes', '2027')).toEqual(later);
  });
});

/** Sign-up by e-mail and password on this host, verified through the outbox link, then a sign-in. */
async function signUpAndSignIn(email: string, password = 'correct horse battery staple') {
  const ip = `10.13.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const post = (path: string, json: unknown) =>
    fetch(`${host.url}/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'accept-language': 'en', 'x-session-delivery': 'body' },
      body: JSON.stringify(json),
    });
  const before = host.outbox.messages.filter((m) => m.to === email).length;
  expect((await post('auth/password/signup', { email, password, firstName: 'Eeva', lastName: 'Uuesti' })).status).toBe(202);
  const mail = host.outbox.messages.filter((m) => m.to === email)[before];
  const token = /token=([A-Za-z0-9_%-]+)/.exec(mail?.text ?? '')?.[1];
  expect(token, `a verification link, not: ${mail?.subject}`).toBeDefined();
  expect((await post('auth/password/verify', { token: decodeURIComponent(token!) })).status).toBe(200);
  const signedIn = await post('auth/password/login', { email, password });
  expect(signedIn.status).toBe(200);
  return (await signedIn.json()) as { accessToken: string; accountId: string };
}

const me = (accessToken: string) => fetch(`${host.url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('PRIV-3: erasure and the person', () => {
  it('PRIV-3: after erasure the session has ended and the person can register again with the same e-mail, as a new account', async () => {
    const email = 'erase.again@example.com';
    const first = await signUpAndSignIn(email);
    expect((await me(first.accessToken)).status).toBe(200);
    await eraseSubject(host.services, { accountId: first.accountId, reason: 'request' });
    expect((await me(first.accessToken)).status).toBe(401);
    expect(await host.services.db.collection('accounts').read(first.accountId, first.accountId)).toBeUndefined();

    const second = await signUpAndSignIn(email);
    expect(second.accountId).not.toBe(first.accountId);
    expect((await me(second.accessToken)).status).toBe(200);
  });

  it("PRIV-3, PRIV-7: a school-controlled student's erasure request waits for the school's decision; approved, it is erased and the request done with a note", async () => {
    const student = demo.accounts.eeStudent;
    const made = await call(student, 'POST', 'me/privacy/requests', { requestType: 'erasure', scope: { erasure: 'everything' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ state: 'waiting-for-school', controller: { kind: 'school', schoolId: demo.schools.ee } });
    await host.bus.idle();
    expect(await host.services.db.collection('accounts').read(student, student)).toBeDefined();
    expect(await readErasureEvidence(host.services, student, 'request')).toBeUndefined();

    const approved = await call(
      demo.accounts.eeAdmin,
      'POST',
      `schools/${demo.schools.ee}/privacy/requests/${encodeURIComponent(made.body.id)}/decision`,
      {
        outcome: 'approve',
        reason: 'The school agrees',
      },
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await host.bus.idle();

    expect(await host.services.db.collection('accounts').read(student, student)).toBeUndefined();
    const evidence = await readErasureEvidence(host.services, student, 'request');
    expect(evidence?.counts.membership?.anonymised).toBeGreaterThanOrEqual(1);
    const request = await readRequest(host.services, made.body.id);
    expect(request?.state).toBe('done');
    expect(request?.history.at(-1)).toMatchObject({
      to: 'done',
      capacity: 'system',
      reason: expect.stringMatching(/^Erased \(everything\): \d+ records deleted/),
    });
    // The school's member list no longer names the student.
    const members = await call(demo.accounts.eeAdmin, 'GET', `schools/${demo.schools.ee}/members`);
    expect(members.status).toBe(200);
    expect(JSON.stringify(members.body)).not.toContain(student);
    expect(JSON.stringify(members.body)).not.toContain('Mihkel');
  });
});
