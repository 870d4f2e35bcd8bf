import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import type { LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { answers, client, DEMO_WORK, inDays, license, startLearningHost } from './learning-fixtures.js';

/**
 * LRN-6: every change to study information is a history entry the student and their confirmed parents see for exactly
 * 30 days, removed by Cosmos TTL (here the local TTL sweeper under the host's clock), not by a job; ACC-4: hidden from
 * a parent when the adult student says so.
 */
const S = demo.schools;
const A = demo.accounts;

let host: LocalHost;
let call: ReturnType<typeof client>;
let journalId: string;
let taskId: string;
const DAY = 86_400_000;

async function gradeAndPublish(student: string, grade: number): Promise<void> {
  await license(host, student);
  const submitted = await call(student, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, {
    responses: { 'ex-single': answers.right['ex-single'] },
    submit: true,
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  const graded = await call(A.eeClassTeacher, 'PUT', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${student}/feedback`, {
    grade,
    publish: true,
  });
  expect(graded.status, JSON.stringify(graded.body)).toBe(200);
}

beforeAll(async () => {
  host = await startLearningHost();
  call = client(host);
  const journal = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
    name: 'Ajalugu',
    classId: demo.classes.ee5a,
    studentIds: [A.eeStudent, A.eeStudent2],
    workIds: [DEMO_WORK],
  });
  journalId = journal.body.id;
  const task = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
    title: 'Test',
    workId: DEMO_WORK,
    exerciseIds: ['ex-single'],
    dueAt: inDays(host, 60),
  });
  taskId = task.body.id;
  await gradeAndPublish(A.eeStudent, 5);
});
afterAll(async () => host?.close());

const sweep = () => host.sweeper.sweepOnce();
const entryId = () => `history:answer:${taskId}:${A.eeStudent}:1`;

describe('LRN-6: the 30-day change history', () => {
  it('LRN-6: the entry is written with a 30-day TTL, for the student and the confirmed parent to see', async () => {
    const stored = await host.services.db.collection('history').read(entryId(), A.eeStudent);
    expect(stored).toMatchObject({ type: 'study-history', ttl: 30 * 86_400, change: 'feedback-published', after: { grade: 5 } });
    expect((await call(A.eeStudent, 'GET', 'me/study-history')).body.history).toHaveLength(1);
    expect((await call(A.eeParent, 'GET', `children/${A.eeStudent}/study-history`)).body.history).toHaveLength(1);
  });

  it('LRN-6: the history entry is present on day 29 under the local clock and TTL sweeper, and gone on day 31', async () => {
    host.clock.advance(29 * DAY);
    await sweep();
    expect(await host.services.db.collection('history').read(entryId(), A.eeStudent)).toBeDefined();
    expect((await call(A.eeStudent, 'GET', 'me/study-history')).body.history).toHaveLength(1);
    expect((await call(A.eeParent, 'GET', `children/${A.eeStudent}/study-history`)).body.history).toHaveLength(1);

    host.clock.advance(2 * DAY);
    const removed = await sweep();
    expect(removed.history).toBeGreaterThanOrEqual(1);
    expect(await host.services.db.collection('history').read(entryId(), A.eeStudent)).toBeUndefined();
    expect((await call(A.eeStudent, 'GET', 'me/study-history')).body.history).toEqual([]);
    expect((await call(A.eeParent, 'GET', `children/${A.eeStudent}/study-history`)).body.history).toEqual([]);
    // The grade itself is learning outcome (RET-4, 5 years): it stays.
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer.feedback).toMatchObject({ grade: 5 });
  });

  it('ACC-4: an adult student hides their history and tasks from their parent, at once, and shows them again', async () => {
    // Liis turns 18 (her birth date as the school records it), gets a grade, and stops sharing with parents.
    const accounts = host.services.db.collection('accounts');
    const liis = await accounts.read<AccountDoc>(A.eeStudent2, A.eeStudent2);
    await accounts.upsert<AccountDoc>({ ...liis!, birthDate: '2000-01-01' });
    await gradeAndPublish(A.eeStudent2, 4);
    expect((await call(A.teacherParent, 'GET', `children/${A.eeStudent2}/study-history`)).body.history).toHaveLength(1);

    const hide = await call(A.eeStudent2, 'PUT', 'me/privacy', { shareWithParents: false, shareWithPublishers: false });
    expect(hide.status, JSON.stringify(hide.body)).toBe(200);
    expect((await call(A.teacherParent, 'GET', `children/${A.eeStudent2}/study-history`)).status).toBe(403);
    expect((await call(A.teacherParent, 'GET', `children/${A.eeStudent2}/tasks`)).status).toBe(403);
    // Liis herself still sees it.
    expect((await call(A.eeStudent2, 'GET', 'me/study-history')).body.history).toHaveLength(1);

    expect((await call(A.eeStudent2, 'PUT', 'me/privacy', { shareWithParents: true, shareWithPublishers: false })).status).toBe(200);
    expect((await call(A.teacherParent, 'GET', `children/${A.eeStudent2}/study-history`)).body.history).toHaveLength(1);
  });

  it('LRN-3, LRN-6: a teacher deletes an answer; the deletion is in the history for the student and the parent, who cannot delete', async () => {
    const path = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}`;
    expect((await call(A.eeParent, 'DELETE', path)).status).toBe(403);
    expect((await call(A.eeStudent, 'DELETE', path)).status).toBe(403);
    expect((await call(A.eeTeacher, 'DELETE', path)).status).toBe(403);
    expect((await call(A.eeClassTeacher, 'DELETE', path)).status).toBe(204);
    // LRN-3: deleting again answers as the first deletion did, and writes no second history entry (checked below).
    expect((await call(A.eeClassTeacher, 'DELETE', path)).status).toBe(204);
    expect((await call(A.eeClassTeacher, 'DELETE', `schools/${S.ee}/journals/${journalId}/tasks/t-none/answers/${A.eeStudent}`)).status).toBe(404);
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer).toBeUndefined();
    const history = (await call(A.eeStudent, 'GET', 'me/study-history')).body.history;
    expect(history).toEqual([
      expect.objectContaining({ change: 'answer-deleted', taskId, by: A.eeClassTeacher, before: expect.objectContaining({ grade: 5 }) }),
    ]);
    expect((await call(A.eeParent, 'GET', `children/${A.eeStudent}/study-history`)).body.history).toEqual(history);
    // The student may answer again.
    expect((await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, { responses: {}, submit: true })).status).toBe(200);
  });
});
