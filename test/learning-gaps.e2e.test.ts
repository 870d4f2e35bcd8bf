import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { budgetOf } from '../shared/http/budgets.js';
import type { LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { answers, client, DEMO_WORK, inDays, license, startLearningHost } from './learning-fixtures.js';

/** Issue 18's last gaps on a learning host of their own (LRN-2, LRN-3, LRN-4, LRN-5, LRN-6). */
const S = demo.schools;
const A = demo.accounts;
const C = demo.classes;

let host: LocalHost;
let call: ReturnType<typeof client>;
let journalId: string;

beforeAll(async () => {
  host = await startLearningHost();
  call = client(host);
  await license(host, A.eeStudent);
  await license(host, A.eeStudent2);
  const journal = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
    name: 'Lüngad',
    classId: C.ee5a,
    studentIds: [A.eeStudent, A.eeStudent2],
    workIds: [DEMO_WORK],
  });
  expect(journal.status, JSON.stringify(journal.body)).toBe(201);
  journalId = journal.body.id;
});
afterAll(async () => host?.close());

describe('LRN-5: a student taken off a task no longer counts in its statistics', () => {
  it('LRN-2, LRN-5: taking a student off a task takes their answer out of the journal and task totals; putting them back counts it again, once', async () => {
    const created = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
      title: 'Kahele',
      workId: DEMO_WORK,
      exerciseIds: ['ex-single'],
      dueAt: inDays(host, 3),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const taskId = created.body.id as string;
    for (const student of [A.eeStudent, A.eeStudent2]) {
      const put = await call(student, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, {
        responses: { 'ex-single': answers.right['ex-single'] },
        submit: true,
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    }
    await host.bus.idle();
    const figures = async () => {
      const journal = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/stats`);
      expect(journal.status, JSON.stringify(journal.body)).toBe(200);
      const task = journal.body.tasks.find((t: { taskId: string }) => t.taskId === taskId);
      const bands = Object.values(journal.body.scoreDistribution as Record<string, number>).reduce((a, b) => a + b, 0);
      const single = journal.body.exercises.find((e: { exerciseId: string }) => e.exerciseId === 'ex-single')?.answered ?? 0;
      return { assigned: task.assigned, submitted: task.submitted, bands, single };
    };
    expect(await figures()).toEqual({ assigned: 2, submitted: 2, bands: 2, single: 2 });

    const path = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}`;
    expect((await call(A.eeClassTeacher, 'PATCH', path, { studentIds: [A.eeStudent] })).status).toBe(200);
    await host.bus.idle();
    expect(await figures()).toEqual({ assigned: 1, submitted: 1, bands: 1, single: 1 });
    // The same change again (a retry) takes nothing away twice.
    expect((await call(A.eeClassTeacher, 'PATCH', path, { studentIds: [A.eeStudent] })).status).toBe(200);
    await host.bus.idle();
    expect(await figures()).toEqual({ assigned: 1, submitted: 1, bands: 1, single: 1 });

    expect((await call(A.eeClassTeacher, 'PATCH', path, { studentIds: [A.eeStudent, A.eeStudent2] })).status).toBe(200);
    await host.bus.idle();
    expect(await figures()).toEqual({ assigned: 2, submitted: 2, bands: 2, single: 2 });
  }, 60_000);
});

describe('LRN-6: a history entry whose write failed survives a different change before any retry', () => {
  it('LRN-3, LRN-6: publishing fails after the answer is written, then other changes come (one failing too): every entry is written once, within the budget', async () => {
    const task = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
      title: 'Vahele',
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
        .map(({ change, before, after }) => ({ change, ...(before ? { before } : {}), ...(after ? { after } : {}) }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const failingHistory = async (body: object) => {
      host.cosmos.setFaultHook((r) =>
        r.method === 'POST' && !r.query && r.path.includes('/colls/history/docs') ? { kind: 'status', status: 503 } : undefined,
      );
      try {
        const r = await call(A.eeClassTeacher, 'PUT', feedback, body);
        expect(r.status, JSON.stringify(r.body)).toBe(503);
      } finally {
        host.cosmos.setFaultHook(undefined);
      }
    };
    await failingHistory({ grade: 5, publish: true });
    await failingHistory({ grade: 4 });
    expect(await entries()).toEqual([]);
    // A different change, not a retry of either: it writes its own entry and the two the failed requests could not.
    const third = await call(A.eeClassTeacher, 'PUT', feedback, { grade: 3 });
    expect(third.status, JSON.stringify(third.body)).toBe(200);
    const expected = [
      { change: 'feedback-changed', before: { grade: 4, corrections: 0 }, after: { grade: 3, corrections: 0 } },
      { change: 'feedback-changed', before: { grade: 5, corrections: 0 }, after: { grade: 4, corrections: 0 } },
      { change: 'feedback-published', after: { grade: 5, corrections: 0 } },
    ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(await entries()).toEqual(expected);
    // Once each, whatever comes next; a change now costs no more than the budget (nothing left to catch up).
    const again = await call(A.eeClassTeacher, 'PUT', feedback, { grade: 3 });
    expect(again.status).toBe(200);
    const fourth = await call(A.eeClassTeacher, 'PUT', feedback, { comment: 'Hästi' });
    expect(fourth.status).toBe(200);
    const ops = parseCounts(fourth.headers.get('x-cosmos-ops') ?? '');
    expect(ops.pointRead + ops.write + ops.query + ops.crossPartitionQuery).toBeLessThanOrEqual(budgetOf('learning-feedback-give', ['PUT']).max);
    expect((await entries()).filter((e) => e.change !== 'feedback-changed' || !JSON.stringify(e).includes('Hästi'))).toEqual(expected);
    expect(await entries()).toHaveLength(4);
  }, 90_000);
});
