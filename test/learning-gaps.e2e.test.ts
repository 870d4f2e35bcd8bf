import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
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
