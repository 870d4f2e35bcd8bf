import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { demoLearning } from '../shared/local/seed-learning.js';
import { answers, client, DEMO_WORK, inDays, license, startLearningHost } from './learning-fixtures.js';

/**
 * Issue 18's walk through learning, on a host of its own: a teacher creates a journal and assigns a task; a student
 * answers and gets automatic feedback; the teacher grades and publishes; the student and a confirmed parent see the
 * grade and the history entry; the parent cannot answer; an unlicensed student is refused; the class teacher and the
 * administrator see exactly what ACL-1/ACL-3 allow, and another school sees nothing.
 */
const S = demo.schools;
const A = demo.accounts;
const C = demo.classes;

let host: LocalHost;
let call: ReturnType<typeof client>;
let journalId: string;
let taskId: string;
let estonianJournalId: string;

beforeAll(async () => {
  host = await startLearningHost();
  call = client(host);
});
afterAll(async () => host?.close());

describe('learning: journal, task, answer, feedback, history', () => {
  it('LRN-1: a teacher creates a journal for a class and their subject, with the works used and students', async () => {
    const r = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
      name: '5.a matemaatika',
      classId: C.ee5a,
      studentIds: [A.eeStudent, A.eeStudent2],
      workIds: [DEMO_WORK],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      subject: 'mathematics',
      classId: C.ee5a,
      gradingScale: 'ee-1-5',
      archived: false,
      ownerId: A.eeClassTeacher,
      workIds: [DEMO_WORK],
    });
    expect(r.body.students.map((s: { accountId: string }) => s.accountId)).toEqual([A.eeStudent, A.eeStudent2]);
    expect(r.body.students[0]).toMatchObject({ firstName: 'Mihkel', lastName: 'Saar' });
    journalId = r.body.id;
  });

  it('LRN-1, ACL-2: a teacher cannot create a journal for a subject they do not teach', async () => {
    const r = await call(A.eeTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, { name: 'x', classId: C.ee5a, workIds: [] });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
  });

  it('LRN-2: the teacher assigns exercises of the work with a due date', async () => {
    const r = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
      title: 'Kodutöö 1',
      workId: DEMO_WORK,
      exerciseIds: ['ex-single', 'ex-multiple', 'ex-text', 'ex-numeric'],
      dueAt: inDays(host, 7),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ workId: DEMO_WORK, workVersion: 1, maxPoints: 5, studentIds: [A.eeStudent, A.eeStudent2] });
    taskId = r.body.id;
  });

  it("LRN-3, ACL-3: the journal's teacher sees the task with the keys; the class teacher without; a student not at all", async () => {
    const teacher = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}`);
    expect(teacher.status).toBe(200);
    expect(teacher.body.exercises.find((e: { id: string }) => e.id === 'ex-single').key).toEqual({ correct: 'b' });
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}`)).status).toBe(404);
    expect((await call(A.eeParent, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}`)).status).toBe(403);
    expect((await call(A.eeTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}`)).status).toBe(403);
  });

  it("LRN-1: the teacher's journal view is the journal and its tasks in one single-partition query", async () => {
    const r = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}`);
    expect(r.status).toBe(200);
    expect(r.body.role).toBe('teacher');
    expect(r.body.journal.id).toBe(journalId);
    expect(r.body.tasks.map((t: { id: string }) => t.id)).toEqual([taskId]);
    // The read that authenticates, and one query.
    expect(r.headers.get('x-cosmos-ops')).toMatch(/query=1\b/);
  });

  it('LRN-2, ACL-4: the student sees the task sent to them, its exercises without the keys', async () => {
    const list = await call(A.eeStudent, 'GET', 'me/tasks');
    expect(list.status).toBe(200);
    expect(list.body.tasks.map((t: { id: string }) => t.id)).toContain(taskId);
    expect(list.body.tasks[0].studentIds).toBeUndefined();
    const one = await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`);
    expect(one.status).toBe(200);
    expect(one.body.task.exercises).toHaveLength(4);
    expect(JSON.stringify(one.body.task.exercises)).not.toContain('"key"');
    expect(one.body.answer).toBeUndefined();
  });

  it('STORE-4, LRN-3: an unlicensed student is refused, and nothing is stored', async () => {
    const r = await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, { responses: answers.right, submit: true });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('work_not_licensed');
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer).toBeUndefined();
  });

  it('LRN-3: the student saves a draft, then submits and gets automatic feedback on what was wrong', async () => {
    await license(host, A.eeStudent);
    const draft = await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, {
      responses: { 'ex-single': { kind: 'single', choice: 'a' } },
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body).toMatchObject({ status: 'draft', attempt: 1, workVersion: 1 });
    expect(draft.body.results).toBeUndefined();

    const submitted = await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, { responses: answers.wrongNumeric, submit: true });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', late: false, maxScore: 5, score: 3 });
    const byId = Object.fromEntries(submitted.body.results.map((r: { exerciseId: string }) => [r.exerciseId, r]));
    expect(byId['ex-single']).toMatchObject({ correct: true, score: 1 });
    expect(byId['ex-numeric']).toMatchObject({ correct: false, score: 0 });
    expect(byId['ex-numeric'].feedback[0].code).toBe('out_of_tolerance');
    expect(byId['ex-text'].feedback[0].code).toBe('check_diacritics');
    expect(byId['ex-text'].feedback[0].text.en).toMatch(/letters with marks/);
    // The student does not see feedback the teacher has not published.
    expect(submitted.body.feedback).toBeUndefined();
  });

  it("ACL-5: the parent cannot answer in the child's name, and reads the child's task and result", async () => {
    const answer = await call(A.eeParent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, { responses: answers.right, submit: true });
    expect(answer.status).toBe(403);
    const tasks = await call(A.eeParent, 'GET', `children/${A.eeStudent}/tasks`);
    expect(tasks.status).toBe(200);
    expect(tasks.body.tasks.map((t: { id: string }) => t.id)).toContain(taskId);
    // This task's answer, beside the seeded journal's (shared/local/seed-learning.ts).
    expect(tasks.body.answers.filter((a: { taskId: string }) => a.taskId === taskId)).toEqual([
      expect.objectContaining({ taskId, status: 'submitted', score: 3 }),
    ]);
    expect(tasks.body.answers.map((a: { taskId: string }) => a.taskId).sort()).toEqual(
      [demoLearning.taskId, demoLearning.draftTaskId, taskId].sort(),
    );
    // Another's child: refused.
    expect((await call(A.eeParent, 'GET', `children/${A.eeStudent2}/tasks`)).status).toBe(403);
  });

  it('LRN-3: the teacher sees the answers, grades on the school scale and publishes; a grade off the scale is refused', async () => {
    const list = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers`);
    expect(list.status).toBe(200);
    expect(list.body.answers).toEqual([expect.objectContaining({ studentId: A.eeStudent, score: 3 })]);

    const path = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}/feedback`;
    const offScale = await call(A.eeClassTeacher, 'PUT', path, { grade: 6, publish: true });
    expect(offScale.status).toBe(422);
    expect(offScale.body.error.code).toBe('grade_not_on_scale');
    const graded = await call(A.eeClassTeacher, 'PUT', path, {
      grade: 4,
      points: 3.5,
      comment: 'Hea töö, vaata jagamist üle.',
      corrections: [{ exerciseId: 'ex-numeric', text: '7 : 2 = 3,5' }],
      publish: true,
    });
    expect(graded.status, JSON.stringify(graded.body)).toBe(200);
    expect(graded.body.feedback).toMatchObject({ grade: 4, points: 3.5 });
    expect(graded.body.feedback.publishedAt).toBeDefined();
  });

  it('LRN-3, LRN-6: the student and the confirmed parent see the grade and the history entry', async () => {
    const mine = await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`);
    expect(mine.body.answer.feedback).toMatchObject({ grade: 4, comment: 'Hea töö, vaata jagamist üle.' });
    const history = await call(A.eeStudent, 'GET', 'me/study-history');
    expect(history.status).toBe(200);
    expect(history.body.history).toEqual([
      expect.objectContaining({
        taskId,
        journalId,
        change: 'feedback-published',
        by: A.eeClassTeacher,
        after: expect.objectContaining({ grade: 4 }),
      }),
    ]);
    const parentHistory = await call(A.eeParent, 'GET', `children/${A.eeStudent}/study-history`);
    expect(parentHistory.status).toBe(200);
    expect(parentHistory.body.history).toEqual(history.body.history);
    const parentTasks = await call(A.eeParent, 'GET', `children/${A.eeStudent}/tasks`);
    expect(parentTasks.body.answers.find((a: { taskId: string }) => a.taskId === taskId).feedback).toMatchObject({ grade: 4 });
    // Another parent (of Liis) sees nothing of Mihkel's.
    expect((await call(A.teacherParent, 'GET', `children/${A.eeStudent}/study-history`)).status).toBe(403);
  });

  it('LRN-6: changing published feedback is a new history entry with the grade before and after', async () => {
    const path = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}/feedback`;
    expect((await call(A.eeClassTeacher, 'PUT', path, { grade: 5 })).status).toBe(200);
    // The same call again changes nothing and writes no second entry.
    expect((await call(A.eeClassTeacher, 'PUT', path, { grade: 5 })).status).toBe(200);
    const history = (await call(A.eeStudent, 'GET', 'me/study-history')).body.history;
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ change: 'feedback-changed', before: { grade: 4 }, after: { grade: 5 } });
  });

  it('ACL-3: the class teacher sees every journal of the class, with its tasks, but not the answers of a journal they do not teach; a teacher of another subject sees none', async () => {
    const created = await call(A.eeTeacher, 'POST', `schools/${S.ee}/subjects/estonian/journals`, {
      name: '5.a eesti keel',
      classId: C.ee5a,
      workIds: [DEMO_WORK],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    estonianJournalId = created.body.id;
    // Without a student list a class journal gets the class's students.
    expect(created.body.students.map((s: { accountId: string }) => s.accountId)).toEqual([A.eeStudent]);
    const task = await call(A.eeTeacher, 'POST', `schools/${S.ee}/journals/${estonianJournalId}/tasks`, {
      title: 'Lugemine',
      workId: DEMO_WORK,
      pageIds: ['p-2'],
      dueAt: inDays(host, 3),
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);

    const list = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals?classId=${C.ee5a}`);
    expect(list.status).toBe(200);
    expect(list.body.journals.map((j: { id: string }) => j.id).sort()).toEqual([demoLearning.journalId, journalId, estonianJournalId].sort());
    const view = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${estonianJournalId}`);
    expect(view.status).toBe(200);
    expect(view.body.role).toBe('classTeacher');
    expect(view.body.tasks).toHaveLength(1);
    expect((await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${estonianJournalId}/tasks/${task.body.id}/answers`)).status).toBe(404);
    const asClassTeacher = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${estonianJournalId}/tasks/${task.body.id}`);
    expect(asClassTeacher.status).toBe(200);
    expect(asClassTeacher.body.exercises).toHaveLength(4);
    expect(JSON.stringify(asClassTeacher.body.exercises)).not.toContain('"key"');
    // The Estonian teacher sees their own journal only, not the class teacher's mathematics journal.
    const jaans = await call(A.eeTeacher, 'GET', `schools/${S.ee}/journals?subject=estonian`);
    expect(jaans.body.journals.map((j: { id: string }) => j.id)).toEqual([estonianJournalId]);
    expect((await call(A.eeTeacher, 'GET', `schools/${S.ee}/journals?subject=mathematics`)).status).toBe(403);
    expect((await call(A.eeTeacher, 'GET', `schools/${S.ee}/journals/${journalId}`)).status).toBe(403);
  });

  it('ACL-1: the administrator sees the journals with their students and works, per student, and no tasks or answers', async () => {
    const all = await call(A.eeAdmin, 'GET', `schools/${S.ee}/journals`);
    expect(all.status).toBe(200);
    expect(all.body.journals.map((j: { id: string }) => j.id).sort()).toEqual([demoLearning.journalId, journalId, estonianJournalId].sort());
    const liis = await call(A.eeAdmin, 'GET', `schools/${S.ee}/journals?studentId=${A.eeStudent2}`);
    expect(liis.body.journals.filter((j: { id: string }) => j.id !== demoLearning.journalId)).toEqual([
      expect.objectContaining({ id: journalId, workIds: [DEMO_WORK] }),
    ]);
    expect(liis.body.journals.map((j: { id: string }) => j.id).sort()).toEqual([demoLearning.journalId, journalId].sort());
    const view = await call(A.eeAdmin, 'GET', `schools/${S.ee}/journals/${journalId}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ role: 'admin', tasks: [] });
    expect((await call(A.eeAdmin, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers`)).status).toBe(404);
    expect(
      (await call(A.eeAdmin, 'PUT', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}/feedback`, { grade: 1 })).status,
    ).toBe(403);
  });

  it('ACL-1..5: another school sees nothing: its teacher, administrator and student are refused or find nothing', async () => {
    expect((await call(A.fiTeacher, 'GET', `schools/${S.ee}/journals`)).status).toBe(403);
    expect((await call(A.fiTeacher, 'GET', `schools/${S.ee}/journals/${journalId}`)).status).toBe(403);
    expect(
      (await call(A.fiTeacher, 'PUT', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}/feedback`, { grade: 1 })).status,
    ).toBe(403);
    // Helena teaches history in Kuusiku and administers Koivula: in Kuusiku she is a teacher without these journals.
    const helena = await call(A.twoSchools, 'GET', `schools/${S.ee}/journals?subject=history`);
    expect(helena.status).toBe(200);
    expect(helena.body.journals).toEqual([]);
    expect((await call(A.twoSchools, 'GET', `schools/${S.ee}/journals/${journalId}`)).status).toBe(403);
    // Koivula's journals list (as its administrator) holds none of Kuusiku's.
    expect((await call(A.twoSchools, 'GET', `schools/${S.fi}/journals`)).body.journals).toEqual([]);
    // A student only ever answers as themselves, and only tasks sent to them: another school's task is not there.
    expect((await call(A.fiStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, { responses: answers.right, submit: true })).status).toBe(404);
    expect((await call(A.fiStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).status).toBe(404);
    expect((await call(A.fiStudent, 'GET', `me/tasks`)).body.tasks).toEqual([]);
  });

  it("LRN-5, ACL-2, ACL-3: task statistics for the journal's teacher and the class teacher, with the caveat; not for others", async () => {
    const stats = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/stats`);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect(stats.body).toMatchObject({ assigned: 2, submitted: 1, late: 0, completion: 50, averagePercent: 60 });
    expect(stats.body.scoreDistribution).toEqual({ '0-19': 0, '20-39': 0, '40-59': 0, '60-79': 1, '80-100': 0 });
    expect(
      stats.body.exercises
        .map((e: { exerciseId: string }) => e.exerciseId)
        .slice(0, 2)
        .sort(),
    ).toEqual(['ex-numeric', 'ex-text']);
    expect(stats.body.exercises.at(-1)).toMatchObject({ correctPercent: 100, averagePercent: 100 });
    expect(stats.body.caveat.et).toMatch(/üldist õppeedukust/);
    expect(stats.body.caveat.fi).toMatch(/yleistä opintomenestystä/);
    expect(stats.body.caveat.en).toMatch(/overall academic success/);
    expect((await call(A.eeAdmin, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/stats`)).status).toBe(404);
    expect((await call(A.eeTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/stats`)).status).toBe(403);
    expect((await call(A.fiTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/stats`)).status).toBe(403);
  });

  it('LRN-5, ACL-2, ACL-3: journal statistics over its tasks for its teacher and the class teacher, with the caveat', async () => {
    // The answers' figures reach the task's statistics document through the queue.
    await host.bus.idle();
    const stats = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/stats`);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect(stats.body).toMatchObject({ journalId, completion: 50, partial: false });
    expect(stats.body.tasks).toEqual([expect.objectContaining({ taskId, assigned: 2, submitted: 1, completion: 50, averagePercent: 60 })]);
    expect(stats.body.scoreDistribution['60-79']).toBe(1);
    expect(stats.body.exercises[0].averagePercent).toBe(0);
    expect(stats.body.caveat.fi).toMatch(/yleistä opintomenestystä/);
    // The class teacher of 5.a sees the Estonian teacher's journal's statistics too (ACL-3); the administrator does not.
    const estonian = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${estonianJournalId}/stats`);
    expect(estonian.status).toBe(200);
    expect(estonian.body.tasks).toHaveLength(1);
    expect((await call(A.eeAdmin, 'GET', `schools/${S.ee}/journals/${journalId}/stats`)).status).toBe(404);
    expect((await call(A.eeTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/stats`)).status).toBe(403);
  });

  it("LRN-5, ACL-4, ACL-5: the student's statistics per work and task, also for the confirmed parent, with the caveat", async () => {
    const mine = await call(A.eeStudent, 'GET', 'me/stats');
    expect(mine.status).toBe(200);
    // Beside the seeded journal's work (one task submitted, one a draft).
    expect(mine.body.works.find((w: { workId: string }) => w.workId === DEMO_WORK)).toEqual({
      workId: DEMO_WORK,
      tasks: 1,
      submitted: 1,
      averagePercent: 60,
    });
    expect(mine.body.works.find((w: { workId: string }) => w.workId === demo.contentWork)).toMatchObject({ tasks: 2, submitted: 1 });
    expect(mine.body.tasks.filter((t: { taskId: string }) => t.taskId === taskId)).toEqual([
      expect.objectContaining({ taskId, percent: 60, status: 'submitted' }),
    ]);
    expect(mine.body.caveat.en).toMatch(/overall academic success/);
    const parent = await call(A.eeParent, 'GET', `children/${A.eeStudent}/stats`);
    expect(parent.body).toEqual(mine.body);
    expect((await call(A.teacherParent, 'GET', `children/${A.eeStudent}/stats`)).status).toBe(403);
    expect((await call(A.eeClassTeacher, 'GET', 'me/stats')).status).toBe(403);
  });

  it("LRN-1..3: the demo data (npm start): Mari's journal, a graded task and a draft of Mihkel's", async () => {
    const view = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${demoLearning.journalId}`);
    expect(view.status).toBe(200);
    expect(view.body.tasks.map((t: { id: string }) => t.id)).toEqual([demoLearning.taskId, demoLearning.draftTaskId]);
    const task = await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${demoLearning.taskId}`);
    expect(task.body.answer).toMatchObject({ status: 'submitted', feedback: { grade: 4 } });
    const stats = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${demoLearning.journalId}/tasks/${demoLearning.taskId}/stats`);
    expect(stats.body).toMatchObject({ assigned: 2, submitted: 1, completion: 50 });
  });
});
