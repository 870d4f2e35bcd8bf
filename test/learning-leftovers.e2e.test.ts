import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exampleWorkContent } from '../shared/content/fixtures.js';
import { budgetOf } from '../shared/http/budgets.js';
import { handleAnswerCount } from '../shared/learning/index.js';
import type { AnswerDoc, TaskDoc } from '../shared/learning/model.js';
import { taskStats } from '../shared/learning/stats.js';
import type { LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { answers, type Call, client, DEMO_WORK, inDays, license, publishWork, startLearningHost } from './learning-fixtures.js';

/**
 * Issue 18's leftovers on a learning host of their own: a withdrawn work takes no new tasks (OPS-2), task editing and
 * un-publishing feedback (LRN-2, LRN-3, LRN-6), deleting an answer twice, complete journal statistics (LRN-5).
 */
const S = demo.schools;
const A = demo.accounts;
const C = demo.classes;
const WITHDRAWN_WORK = `${demo.publishers.ee}.leftovers-withdrawn`;

let host: LocalHost;
let call: ReturnType<typeof client>;
let journalId: string;

function withinBudget(name: string, method: string, r: Call) {
  const counts = parseCounts(r.headers.get('x-cosmos-ops') ?? '');
  const total = counts.pointRead + counts.write + counts.query + counts.crossPartitionQuery;
  expect(counts.crossPartitionQuery, name).toBe(0);
  expect(total, `${name} ${JSON.stringify(counts)}`).toBeLessThanOrEqual(budgetOf(name, [method]).max);
}

beforeAll(async () => {
  host = await startLearningHost();
  call = client(host);
  await publishWork(host, WITHDRAWN_WORK, exampleWorkContent('Tagasi võetud'));
  await license(host, A.eeStudent);
  const journal = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
    name: 'Jäägid',
    classId: C.ee5a,
    studentIds: [A.eeStudent, A.eeStudent2],
    workIds: [DEMO_WORK, WITHDRAWN_WORK],
  });
  expect(journal.status, JSON.stringify(journal.body)).toBe(201);
  journalId = journal.body.id;
});
afterAll(async () => host?.close());

describe('OPS-2: a withdrawn work takes no new tasks', () => {
  it('OPS-2, LRN-2: creating a task from a withdrawn work is refused with work_withdrawn, nothing stored, within the write budget', async () => {
    const task = (workId: string) => ({ title: 'Kodutöö', workId, exerciseIds: ['ex-single'], dueAt: inDays(host, 3) });
    const before = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, task(WITHDRAWN_WORK));
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    withinBudget('learning-tasks-create', 'POST', before);

    const withdraw = await call(A.cmsEditor, 'POST', `ops/publishers/${demo.publishers.ee}/works/${WITHDRAWN_WORK}/withdraw`, {
      reason: 'rights ended',
    });
    expect(withdraw.status, JSON.stringify(withdraw.body)).toBe(202);

    const refused = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, task(WITHDRAWN_WORK));
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.error.code).toBe('work_withdrawn');
    withinBudget('learning-tasks-create', 'POST', refused);
    const journal = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}`);
    expect(journal.body.tasks.filter((t: { workId: string }) => t.workId === WITHDRAWN_WORK)).toHaveLength(1);

    // The other work of the journal still takes tasks.
    const other = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, task(DEMO_WORK));
    expect(other.status, JSON.stringify(other.body)).toBe(201);
  });
});

describe('LRN-2: teachers change a task', () => {
  it('LRN-2: the due date, window and students change under the task ETag; a student taken off no longer sees it', async () => {
    const created = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
      title: 'Muudetav',
      workId: DEMO_WORK,
      exerciseIds: ['ex-single'],
      dueAt: inDays(host, 3),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const path = `schools/${S.ee}/journals/${journalId}/tasks/${created.body.id}`;
    const due = inDays(host, 10);
    const changed = await call(A.eeClassTeacher, 'PATCH', path, {
      title: 'Muudetud',
      dueAt: due,
      opensAt: inDays(host, -1),
      closesAt: inDays(host, 11),
      studentIds: [A.eeStudent],
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    withinBudget('learning-tasks-update', 'PATCH', changed);
    expect(changed.body).toMatchObject({ title: 'Muudetud', dueAt: due, studentIds: [A.eeStudent] });
    expect(changed.body.opensAt).toBeDefined();
    expect((await call(A.eeStudent2, 'GET', `schools/${S.ee}/tasks/${created.body.id}`)).status).toBe(404);
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${created.body.id}`)).status).toBe(200);

    // null removes the window's start; a due date after the window's end, a stranger, a parent: refused, nothing changed.
    const reopened = await call(A.eeClassTeacher, 'PATCH', path, { opensAt: null });
    expect(reopened.status).toBe(200);
    expect(reopened.body.opensAt).toBeUndefined();
    const late = await call(A.eeClassTeacher, 'PATCH', path, { dueAt: inDays(host, 12) });
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('task_window_invalid');
    const stranger = await call(A.eeClassTeacher, 'PATCH', path, { studentIds: [A.fiStudent] });
    expect(stranger.status).toBe(422);
    expect(stranger.body.error.code).toBe('task_students_not_in_journal');
    expect((await call(A.eeParent, 'PATCH', path, { title: 'x' })).status).toBe(403);
    expect((await call(A.eeClassTeacher, 'PATCH', `schools/${S.ee}/journals/${journalId}/tasks/t-none`, { title: 'x' })).status).toBe(404);
    const after = await call(A.eeClassTeacher, 'GET', path);
    expect(after.body).toMatchObject({ title: 'Muudetud', dueAt: due, studentIds: [A.eeStudent] });
  });
});

describe('LRN-3, LRN-6: feedback taken back, an answer deleted twice', () => {
  it('LRN-3, LRN-6: a teacher unpublishes feedback: the student no longer sees it and the history says what was taken back', async () => {
    const task = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
      title: 'Tagasivõetav',
      workId: DEMO_WORK,
      exerciseIds: ['ex-single'],
      dueAt: inDays(host, 3),
      studentIds: [A.eeStudent],
    });
    const taskId = task.body.id as string;
    const answer = await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, {
      responses: { 'ex-single': answers.right['ex-single'] },
      submit: true,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const feedback = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}/feedback`;
    expect((await call(A.eeClassTeacher, 'PUT', feedback, { grade: 5, publish: true })).status).toBe(200);
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer.feedback).toMatchObject({ grade: 5 });

    const taken = await call(A.eeClassTeacher, 'PUT', feedback, { publish: false });
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    withinBudget('learning-feedback-give', 'PUT', taken);
    expect(taken.body.feedback.publishedAt).toBeUndefined();
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer.feedback).toBeUndefined();
    // Taking it back again changes nothing and writes no second entry.
    expect((await call(A.eeClassTeacher, 'PUT', feedback, { publish: false })).status).toBe(200);
    const mine = (await call(A.eeStudent, 'GET', 'me/study-history')).body.history.filter((h: { taskId: string }) => h.taskId === taskId);
    expect(mine.map((h: { change: string }) => h.change).sort()).toEqual(['feedback-published', 'feedback-unpublished']);
    expect(mine.find((h: { change: string }) => h.change === 'feedback-unpublished')).toMatchObject({ by: A.eeClassTeacher, before: { grade: 5 } });
    const parent = (await call(A.eeParent, 'GET', `children/${A.eeStudent}/study-history`)).body.history;
    expect(parent.some((h: { taskId: string; change: string }) => h.taskId === taskId && h.change === 'feedback-unpublished')).toBe(true);

    // LRN-3: deleting the answer twice answers 204 both times, with one history entry for the deletion.
    const path = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}`;
    const first = await call(A.eeClassTeacher, 'DELETE', path);
    expect(first.status).toBe(204);
    const second = await call(A.eeClassTeacher, 'DELETE', path);
    expect(second.status).toBe(204);
    withinBudget('learning-answers-delete', 'DELETE', second);
    const deletions = (await call(A.eeStudent, 'GET', 'me/study-history')).body.history.filter(
      (h: { taskId: string; change: string }) => h.taskId === taskId && h.change === 'answer-deleted',
    );
    expect(deletions).toHaveLength(1);
    // A student the task was not sent to has no answer to delete: 404.
    expect((await call(A.eeClassTeacher, 'DELETE', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent2}`)).status).toBe(
      404,
    );
  });
});

describe('LRN-6: a history entry survives a failure between the answer and the entry', () => {
  it('LRN-3, LRN-6: publishing, changing and taking back feedback each fail after the answer is written; the retry writes the entry once', async () => {
    const task = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
      title: 'Katkestatud',
      workId: DEMO_WORK,
      exerciseIds: ['ex-single'],
      dueAt: inDays(host, 3),
      studentIds: [A.eeStudent],
    });
    const taskId = task.body.id as string;
    const put = await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, {
      responses: { 'ex-single': answers.right['ex-single'] },
      submit: true,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const feedback = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}/feedback`;
    const entries = async () =>
      ((await call(A.eeStudent, 'GET', 'me/study-history')).body.history as { taskId: string; change: string; before?: unknown; after?: unknown }[])
        .filter((h) => h.taskId === taskId)
        .map(({ change, before, after }) => ({ change, ...(before ? { before } : {}), ...(after ? { after } : {}) }));
    // Every write of a history entry fails (the store stays unavailable past its budget; its reads answer): the request fails after the
    // answer's write; the retry, with the store back, must write the entry the first attempt could not.
    const failingHistory = async (body: object) => {
      host.cosmos.setFaultHook((r) =>
        r.method === 'POST' && !r.query && r.path.includes('/colls/history/docs') ? { kind: 'status', status: 503 } : undefined,
      );
      try {
        expect((await call(A.eeClassTeacher, 'PUT', feedback, body)).status).toBe(503);
      } finally {
        host.cosmos.setFaultHook(undefined);
      }
    };

    await failingHistory({ grade: 5, publish: true });
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer.feedback).toMatchObject({ grade: 5 });
    expect(await entries()).toEqual([]);
    expect((await call(A.eeClassTeacher, 'PUT', feedback, { grade: 5, publish: true })).status).toBe(200);
    expect(await entries()).toEqual([{ change: 'feedback-published', after: { grade: 5, corrections: 0 } }]);

    await failingHistory({ grade: 4 });
    expect((await call(A.eeClassTeacher, 'PUT', feedback, { grade: 4 })).status).toBe(200);
    expect((await entries()).find((h) => h.change === 'feedback-changed')).toEqual({
      change: 'feedback-changed',
      before: { grade: 5, corrections: 0 },
      after: { grade: 4, corrections: 0 },
    });

    await failingHistory({ publish: false });
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer.feedback).toBeUndefined();
    expect((await entries()).some((h) => h.change === 'feedback-unpublished')).toBe(false);
    const retried = await call(A.eeClassTeacher, 'PUT', feedback, { publish: false });
    expect(retried.status).toBe(200);
    withinBudget('learning-feedback-give', 'PUT', retried);
    // Once each, whatever the retries.
    expect((await call(A.eeClassTeacher, 'PUT', feedback, { publish: false })).status).toBe(200);
    expect((await entries()).map((h) => h.change).sort()).toEqual(['feedback-changed', 'feedback-published', 'feedback-unpublished']);
    expect((await entries()).find((h) => h.change === 'feedback-unpublished')).toEqual({
      change: 'feedback-unpublished',
      before: { grade: 4, corrections: 0 },
    });
  }, 90_000);
});

describe('LRN-5: journal statistics are complete however many answers', () => {
  it('LRN-5: over 2000 answers, the journal-wide totals come from per-task statistics documents in one query and equal a recount', async () => {
    const journal = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
      name: 'Suur',
      classId: C.ee5a,
      studentIds: [A.eeStudent],
      workIds: [DEMO_WORK],
    });
    const bigJournal = journal.body.id as string;
    // 11 tasks of 190 answers each: 2090 answers, more than the 2000 rows one read of the answers held.
    const schools = host.cosmos.client.database(host.config.COSMOS_DATABASE).container('schools');
    const at = host.clock.now().toISOString();
    const TASKS = 11;
    const STUDENTS = 190;
    const answerOf = (taskId: string, studentId: string, n: number) => {
      const submitted = n % 10 !== 0;
      const results = [
        { exerciseId: 'ex-single', score: n % 2, maxScore: 1, correct: n % 2 === 1, feedback: [] },
        { exerciseId: 'ex-open', score: 0, maxScore: 3, correct: n % 3 === 0 ? ('pending' as const) : false, feedback: [] },
        { exerciseId: 'ex-numeric', score: n % 4 === 0 ? 2 : 1, maxScore: 2, correct: n % 4 === 0, feedback: [] },
      ];
      return {
        id: `answer:${taskId}:${studentId}`,
        type: 'answer' as const,
        schoolId: S.ee,
        journalId: bigJournal,
        taskId,
        studentId,
        workId: DEMO_WORK,
        status: submitted ? ('submitted' as const) : ('draft' as const),
        responses: {},
        ...(submitted ? { results, score: results.reduce((sum, r) => sum + r.score, 0), maxScore: 6, late: n % 7 === 0, submittedAt: at } : {}),
        attempt: 1,
        savedAt: at,
      };
    };
    const taskIds = Array.from({ length: TASKS }, (_, t) => `t-big-${String(t).padStart(2, '0')}`);
    const studentIds = Array.from({ length: STUDENTS }, (_, i) => `acc-big-${i}`);
    await Promise.all(
      taskIds.map(async (taskId, t) => {
        await schools.items.create({
          id: taskId,
          type: 'task',
          schoolId: S.ee,
          journalId: bigJournal,
          taskId,
          sortKey: `1|${at}|${taskId}`,
          title: taskId,
          workId: DEMO_WORK,
          items: [],
          exercises: [],
          maxPoints: 6,
          studentIds,
          dueAt: at,
          createdBy: A.eeClassTeacher,
          createdAt: at,
          updatedAt: at,
        });
        // Written to the store directly, then counted as the queue does after each answer write (one at a time per task).
        for (const [i, studentId] of studentIds.entries()) {
          await schools.items.create(answerOf(taskId, studentId, t * 31 + i));
          await handleAnswerCount(host.services, { schoolId: S.ee, journalId: bigJournal, taskId, studentId });
        }
      }),
    );
    // A recount from the answers themselves (the task's own statistics, computed whole from its answers).
    const recount = async () => {
      const rows = await host.services.db
        .collection('schools')
        .queryAll<
          AnswerDoc | TaskDoc
        >(S.ee, { where: "c.journalId = @j AND (c.type = 'answer' OR c.type = 'task')", parameters: [{ name: '@j', value: bigJournal }] });
      const tasks = rows.filter((r): r is TaskDoc => r.type === 'task');
      const per = tasks.map((task) =>
        taskStats(
          task,
          rows.filter((r): r is AnswerDoc => r.type === 'answer' && r.taskId === task.id),
        ),
      );
      const distribution: Record<string, number> = {};
      for (const p of per) for (const [band, n] of Object.entries(p.scoreDistribution)) distribution[band] = (distribution[band] ?? 0) + n;
      return { per, distribution, answers: rows.length - tasks.length };
    };
    const read = async () => {
      const r = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${bigJournal}/stats`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      withinBudget('learning-journals-stats', 'GET', r);
      expect(parseCounts(r.headers.get('x-cosmos-ops') ?? '').query).toBe(1);
      return r.body;
    };
    const expectEqualToRecount = async (answers = TASKS * STUDENTS) => {
      const [body, expected] = await Promise.all([read(), recount()]);
      expect(expected.answers).toBe(answers);
      expect(body.partial).toBe(false);
      expect(body.continuation).toBeUndefined();
      expect(body.tasks.map((t: { taskId: string }) => t.taskId).sort()).toEqual(taskIds);
      for (const e of expected.per)
        expect(body.tasks.find((t: { taskId: string }) => t.taskId === e.taskId)).toEqual(
          expect.objectContaining({
            assigned: e.assigned,
            submitted: e.submitted,
            late: e.late,
            completion: e.completion,
            ...(e.averagePercent !== undefined ? { averagePercent: e.averagePercent } : {}),
          }),
        );
      const submitted = expected.per.reduce((n, p) => n + p.submitted, 0);
      expect(body.completion).toBe(Math.round((submitted / (TASKS * STUDENTS)) * 1000) / 10);
      expect(body.scoreDistribution).toEqual(expected.distribution);
      expect(Object.values(body.scoreDistribution).reduce((a: number, b) => a + (b as number), 0)).toBe(submitted);
      // Per exercise over all the journal's answers: answered, pending and right, recounted from every answer.
      const all = expected.per.flatMap((p) => p.exercises.map((e) => ({ ...e, judged: e.answered - e.pending })));
      for (const exerciseId of ['ex-single', 'ex-open', 'ex-numeric']) {
        const mine = all.filter((e) => e.exerciseId === exerciseId);
        const answered = mine.reduce((n, e) => n + e.answered, 0);
        const pending = mine.reduce((n, e) => n + e.pending, 0);
        expect(body.exercises.find((e: { exerciseId: string }) => e.exerciseId === exerciseId)).toMatchObject({ answered, pending });
      }
      return body;
    };
    const first = await expectEqualToRecount();
    expect(first.tasks[0]).toMatchObject({ assigned: STUDENTS });

    // A new submission replaces the earlier figures; the same message again (a retry) counts nothing twice; a deletion
    // takes the answer's figures away.
    const changed = { ...answerOf(taskIds[0]!, studentIds[0]!, 1), savedAt: host.clock.now().toISOString() };
    await schools.items.upsert({ ...changed, attempt: 2, late: true });
    const message = { schoolId: S.ee, journalId: bigJournal, taskId: taskIds[0]!, studentId: studentIds[0]! };
    await handleAnswerCount(host.services, message);
    await handleAnswerCount(host.services, message);
    await schools.item(`answer:${taskIds[1]}:${studentIds[5]}`, S.ee).delete();
    await handleAnswerCount(host.services, { ...message, taskId: taskIds[1]!, studentId: studentIds[5]! });
    await handleAnswerCount(host.services, { ...message, taskId: taskIds[1]!, studentId: studentIds[5]! });
    const second = await expectEqualToRecount(TASKS * STUDENTS - 1);
    expect(second.tasks.find((t: { taskId: string }) => t.taskId === taskIds[0])).toMatchObject({
      submitted: first.tasks.find((t: { taskId: string }) => t.taskId === taskIds[0]).submitted + 1,
    });
  }, 180_000);
});
