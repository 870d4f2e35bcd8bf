import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exampleWorkContent } from '../shared/content/fixtures.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { client } from './learning-fixtures.js';

/**
 * Issue 18's "done means" as ONE ordered walk across the areas, on a host of this file's own (its queue is awaited
 * with `host.bus.idle()`, as the school-licence tests do): a CMS editor publishes a new work; the operator
 * administrator records a school licence for class 5.a against an invoice; the fan-out lets 5.a's student open the
 * work without keys while 6.b's is refused; the class teacher makes a journal and a task; the student answers and gets
 * automatic feedback; the teacher grades and publishes; student and confirmed parent see grade and history; the parent
 * cannot answer or annotate; the unlicensed student cannot answer; another school's administrator sees nothing.
 * Nothing is written into the store behind the API's back: every step goes through the real routes.
 */
const A = demo.accounts;
const S = demo.schools;
const C = demo.classes;
const EE = demo.publishers.ee;
const slug = `flow-${randomUUID().slice(0, 8)}`;
const workId = `${EE}.${slug}`;
/** Strings only the answer keys hold in the example content. */
const KEY_ONLY = ['Hinda põhjendust', 'sõda'];
const exerciseIds = ['ex-single', 'ex-numeric', 'ex-open'];

let host: LocalHost;
let call: ReturnType<typeof client>;
let journalId: string;
let taskId: string;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  call = client(host);
});
afterAll(async () => host?.close());

describe('issue 18 done means: publish, school licence, journal, task, answer, feedback, history', () => {
  it('ACC-1, LRN-3 (material.publish): a CMS editor of the Estonian publisher creates a work, saves a draft with single-choice, numeric and open exercises and publishes version 1', async () => {
    const created = await call(A.cmsEditor, 'POST', `cms/publishers/${EE}/works`, {
      slug,
      title: 'Voo töö',
      language: 'et',
      subjects: ['mathematics'],
      grades: [5],
      country: 'EE',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.workId).toBe(workId);
    const content = exampleWorkContent('Voo töö');
    const kinds = content.chapters.flatMap((c) => c.pages.flatMap((p) => p.blocks.flatMap((b) => (b.kind === 'exercise' ? [b.exercise.kind] : []))));
    expect(kinds).toEqual(expect.arrayContaining(['single', 'numeric', 'open']));
    const draft = await call(A.cmsEditor, 'PUT', `cms/publishers/${EE}/works/${workId}/draft`, { content });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    const published = await call(A.cmsEditor, 'POST', `cms/publishers/${EE}/works/${workId}/publish`, {});
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body).toMatchObject({ workId, versionNo: 1, created: true, publishedBy: { accountId: A.cmsEditor, role: 'editor' } });
    // Before any licence nobody of the school opens it.
    expect((await call(A.eeStudent, 'GET', `works/${workId}`)).body.error?.code).toBe('work_not_licensed');
  });

  it('STORE-1, STORE-4, ACC-1: the operator administrator records a school licence for 5.a against an invoice; the fan-out materialises it', async () => {
    const recorded = await call(A.operatorAdmin, 'POST', `ops/schools/${S.ee}/licences`, {
      publisherId: EE,
      workId,
      period: { schoolYear: '2026/2027' },
      audience: { kind: 'classes', classIds: [C.ee5a] },
      reference: { kind: 'invoice', number: `ARV-${randomUUID().slice(0, 6)}` },
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    expect(recorded.body).toMatchObject({ schoolId: S.ee, workIds: [workId], status: 'active' });
    await host.bus.idle();
    const list = await call(A.operatorAdmin, 'GET', `ops/schools/${S.ee}/licences`);
    expect(list.body.licences.find((l: { id: string }) => l.id === recorded.body.id)).toMatchObject({ materialised: true });
  });

  it('STORE-4, LRN-3: the 5.a student opens the work and its version without any answer key; the 6.b student is refused (work_not_licensed)', async () => {
    const outline = await call(A.eeStudent, 'GET', `works/${workId}`);
    expect(outline.status, JSON.stringify(outline.body)).toBe(200);
    expect(outline.body).toMatchObject({ workId, currentVersion: 1 });
    const version = await call(A.eeStudent, 'GET', `works/${workId}/versions/1`);
    expect(version.status, JSON.stringify(version.body)).toBe(200);
    const text = JSON.stringify(version.body);
    expect(text).not.toMatch(/"key"|"accepted"|"correct"|"tolerance"|"guidance"/);
    for (const secret of KEY_ONLY) expect(text).not.toContain(secret);
    // The school's teacher reads it through the same school licence.
    expect((await call(A.eeClassTeacher, 'GET', `works/${workId}/versions/1`)).status).toBe(200);
    for (const path of [`works/${workId}`, `works/${workId}/versions/1`]) {
      const refused = await call(A.eeStudent2, 'GET', path);
      expect([refused.status, refused.body.error?.code], path).toEqual([403, 'work_not_licensed']);
    }
  });

  it('LRN-1, LRN-2: the class teacher of 5.a creates a mathematics journal with the work and assigns a task from its exercises with a due date', async () => {
    const journal = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
      name: `5.a matemaatika ${slug}`,
      classId: C.ee5a,
      // Liis of 6.b is in the journal too: she gets the task but holds no licence for the work.
      studentIds: [A.eeStudent, A.eeStudent2],
      workIds: [workId],
    });
    expect(journal.status, JSON.stringify(journal.body)).toBe(201);
    expect(journal.body).toMatchObject({ subject: 'mathematics', classId: C.ee5a, gradingScale: 'ee-1-5', workIds: [workId] });
    journalId = journal.body.id;
    const dueAt = new Date(host.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const task = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
      title: 'Voo kodutöö',
      workId,
      exerciseIds,
      dueAt,
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    expect(task.body).toMatchObject({ workId, workVersion: 1, maxPoints: 7, studentIds: [A.eeStudent, A.eeStudent2] });
    taskId = task.body.id;
  });

  it('LRN-2, LRN-3, ACL-4: the licensed student sees the task without keys, submits, and gets automatic scores for single and numeric, pending for open', async () => {
    const mine = await call(A.eeStudent, 'GET', 'me/tasks');
    expect(mine.body.tasks.map((t: { id: string }) => t.id)).toContain(taskId);
    const task = await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`);
    expect(task.status).toBe(200);
    expect(task.body.task.exercises).toHaveLength(3);
    expect(JSON.stringify(task.body.task.exercises)).not.toContain('"key"');

    const submitted = await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, {
      responses: {
        'ex-single': { kind: 'single', choice: 'b' },
        'ex-numeric': { kind: 'numeric', value: 4 },
        'ex-open': { kind: 'open', text: 'Pythagoras, sest tema teoreem on ilus.' },
      },
      submit: true,
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', late: false, maxScore: 7, score: 1 });
    const byId = Object.fromEntries(submitted.body.results.map((r: { exerciseId: string }) => [r.exerciseId, r]));
    expect(byId['ex-single']).toMatchObject({ correct: true, score: 1 });
    expect(byId['ex-numeric']).toMatchObject({ correct: false, score: 0 });
    expect(byId['ex-open']).toMatchObject({ correct: 'pending' });
    expect(submitted.body.feedback).toBeUndefined();
  });

  it('LRN-3: the teacher sees the answer, grades on the school scale (1-5) with points and publishes; off the scale is refused', async () => {
    const answers = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers`);
    expect(answers.status).toBe(200);
    expect(answers.body.answers).toEqual([expect.objectContaining({ studentId: A.eeStudent, score: 1 })]);
    const path = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}/feedback`;
    expect((await call(A.eeClassTeacher, 'PUT', path, { grade: 0, publish: true })).body.error?.code).toBe('grade_not_on_scale');
    const graded = await call(A.eeClassTeacher, 'PUT', path, { grade: 4, points: 5.5, comment: 'Hea põhjendus, vaata jagamist üle.', publish: true });
    expect(graded.status, JSON.stringify(graded.body)).toBe(200);
    expect(graded.body.feedback).toMatchObject({ grade: 4, points: 5.5 });
    expect(graded.body.feedback.publishedAt).toBeDefined();
  });

  it('LRN-3, LRN-6, ACL-5: the student and the confirmed parent see the grade and the history entry', async () => {
    const mine = await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`);
    expect(mine.body.answer.feedback).toMatchObject({ grade: 4, points: 5.5 });
    const history = await call(A.eeStudent, 'GET', 'me/study-history');
    expect(history.status).toBe(200);
    const entry = expect.objectContaining({
      taskId,
      journalId,
      change: 'feedback-published',
      by: A.eeClassTeacher,
      after: expect.objectContaining({ grade: 4 }),
    });
    expect(history.body.history.filter((h: { taskId: string }) => h.taskId === taskId)).toEqual([entry]);
    const parentHistory = await call(A.eeParent, 'GET', `children/${A.eeStudent}/study-history`);
    expect(parentHistory.status).toBe(200);
    expect(parentHistory.body.history).toEqual(history.body.history);
    const parentTasks = await call(A.eeParent, 'GET', `children/${A.eeStudent}/tasks`);
    expect(parentTasks.status).toBe(200);
    expect(parentTasks.body.answers.find((a: { taskId: string }) => a.taskId === taskId).feedback).toMatchObject({ grade: 4 });
  });

  it("ACL-5, STORE-4: the parent cannot answer or annotate in the child's name; the unlicensed 6.b student cannot answer, and nothing is stored", async () => {
    const byParent = await call(A.eeParent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, {
      responses: { 'ex-single': { kind: 'single', choice: 'a' } },
      submit: true,
    });
    expect(byParent.status).toBe(403);
    const annotation = await call(A.eeParent, 'POST', `accounts/${A.eeStudent}/works/${workId}/annotations`, {
      kind: 'bookmark',
      position: { pageId: 'p-1' },
    });
    expect(annotation.status).toBe(403);
    // The child's answer is as the teacher left it.
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer).toMatchObject({ score: 1, feedback: { grade: 4 } });

    const unlicensed = await call(A.eeStudent2, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, {
      responses: { 'ex-single': { kind: 'single', choice: 'b' } },
      submit: true,
    });
    expect([unlicensed.status, unlicensed.body.error?.code]).toEqual([403, 'work_not_licensed']);
    expect((await call(A.eeStudent2, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer).toBeUndefined();
    const answers = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers`);
    expect(answers.body.answers.map((a: { studentId: string }) => a.studentId)).toEqual([A.eeStudent]);
  });

  it("ACL-1: another school's administrator sees nothing of the journal", async () => {
    // Helena administers Koivula (and teaches history in Kuusiku, which gives her nothing of a mathematics journal).
    for (const path of [
      `schools/${S.ee}/journals/${journalId}`,
      `schools/${S.ee}/journals/${journalId}/tasks/${taskId}`,
      `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers`,
    ]) {
      const r = await call(A.twoSchools, 'GET', path);
      expect([403, 404], path).toContain(r.status);
      expect(JSON.stringify(r.body)).not.toContain(A.eeStudent);
    }
    const list = await call(A.twoSchools, 'GET', `schools/${S.ee}/journals?subject=history`);
    expect(list.body.journals.map((j: { id: string }) => j.id)).not.toContain(journalId);
    expect((await call(A.twoSchools, 'GET', `schools/${S.fi}/journals`)).body.journals.map((j: { id: string }) => j.id)).not.toContain(journalId);
  });
});
