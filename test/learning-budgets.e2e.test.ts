import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { budgetOf } from '../shared/http/budgets.js';
import type { LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { answers, type Call, client, DEMO_WORK, inDays, license, startLearningHost } from './learning-fixtures.js';

/**
 * Issue 11 budgets for the learning routes on their successful paths, which need a published work (the shared host's
 * route walk, test/route-budgets.e2e.test.ts, measures their refusals there): GET <= 3 and writes <= 5 Cosmos
 * operations including the read that authenticates, no cross-partition query.
 */
const S = demo.schools;
const A = demo.accounts;

let host: LocalHost;
let call: ReturnType<typeof client>;
beforeAll(async () => {
  host = await startLearningHost();
  call = client(host);
  await license(host, A.eeStudent);
});
afterAll(async () => host?.close());

function withinBudget(name: string, method: string, r: Call, status: number) {
  expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(status);
  const counts = parseCounts(r.headers.get('x-cosmos-ops') ?? '');
  const total = counts.pointRead + counts.write + counts.query + counts.crossPartitionQuery;
  expect(counts.crossPartitionQuery, name).toBe(0);
  expect(total, `${name} ${JSON.stringify(counts)}`).toBeLessThanOrEqual(budgetOf(name, [method]).max);
}

describe('learning routes keep their Cosmos budgets on their successful paths', () => {
  it('LRN-1..3, LRN-6: journal, task, answer, feedback and history routes within GET <= 3 and writes <= 5', async () => {
    const journal = await call(
      A.eeClassTeacher,
      'POST',
      `schools/${S.ee}/subjects/mathematics/journals`,
      { name: 'Budget', classId: demo.classes.ee5a, workIds: [DEMO_WORK] },
      { 'idempotency-key': 'budget-journal-1' },
    );
    withinBudget('learning-journals-create', 'POST', journal, 201);
    const journalId = journal.body.id as string;
    // The retry with the same key answers the journal the first call made.
    const again = await call(
      A.eeClassTeacher,
      'POST',
      `schools/${S.ee}/subjects/mathematics/journals`,
      { name: 'Budget', classId: demo.classes.ee5a, workIds: [DEMO_WORK] },
      { 'idempotency-key': 'budget-journal-1' },
    );
    withinBudget('learning-journals-create', 'POST', again, 200);
    expect(again.body.id).toBe(journalId);

    const task = await call(
      A.eeClassTeacher,
      'POST',
      `schools/${S.ee}/journals/${journalId}/tasks`,
      { title: 'T', workId: DEMO_WORK, exerciseIds: ['ex-single', 'ex-numeric'], dueAt: inDays(host, 2) },
      { 'idempotency-key': 'budget-task-1' },
    );
    withinBudget('learning-tasks-create', 'POST', task, 201);
    const taskId = task.body.id as string;
    const taskAgain = await call(
      A.eeClassTeacher,
      'POST',
      `schools/${S.ee}/journals/${journalId}/tasks`,
      { title: 'T', workId: DEMO_WORK, exerciseIds: ['ex-single', 'ex-numeric'], dueAt: inDays(host, 2) },
      { 'idempotency-key': 'budget-task-1' },
    );
    withinBudget('learning-tasks-create', 'POST', taskAgain, 200);
    expect(taskAgain.body.id).toBe(taskId);

    withinBudget('learning-journals-get', 'GET', await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}`), 200);
    withinBudget('learning-journals-list', 'GET', await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals?subject=mathematics`), 200);
    withinBudget(
      'learning-journals-update',
      'PATCH',
      await call(A.eeClassTeacher, 'PATCH', `schools/${S.ee}/journals/${journalId}`, { name: 'Budget 2', studentIds: [A.eeStudent, A.eeStudent2] }),
      200,
    );
    withinBudget('learning-tasks-mine', 'GET', await call(A.eeStudent, 'GET', 'me/tasks'), 200);
    withinBudget('learning-tasks-get', 'GET', await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`), 200);
    const responses = { 'ex-single': answers.right['ex-single'], 'ex-numeric': answers.right['ex-numeric'] };
    withinBudget('learning-answers-save', 'PUT', await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, { responses }), 200);
    withinBudget(
      'learning-answers-save',
      'PUT',
      await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, { responses, submit: true }),
      200,
    );
    withinBudget(
      'learning-tasks-answers-list',
      'GET',
      await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers`),
      200,
    );
    const feedback = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}/feedback`;
    withinBudget('learning-feedback-give', 'PUT', await call(A.eeClassTeacher, 'PUT', feedback, { grade: 5, comment: 'Tubli!', publish: true }), 200);
    withinBudget('learning-feedback-give', 'PUT', await call(A.eeClassTeacher, 'PUT', feedback, { grade: 4 }), 200);
    withinBudget('learning-history-mine', 'GET', await call(A.eeStudent, 'GET', 'me/study-history'), 200);
    withinBudget('learning-children-history', 'GET', await call(A.eeParent, 'GET', `children/${A.eeStudent}/study-history`), 200);
    withinBudget(
      'learning-tasks-stats',
      'GET',
      await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/stats`),
      200,
    );
    withinBudget('learning-journals-stats', 'GET', await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/stats`), 200);
    withinBudget(
      'learning-tasks-teacher-get',
      'GET',
      await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}`),
      200,
    );
    withinBudget('learning-stats-mine', 'GET', await call(A.eeStudent, 'GET', 'me/stats'), 200);
    withinBudget('learning-children-stats', 'GET', await call(A.eeParent, 'GET', `children/${A.eeStudent}/stats`), 200);
    withinBudget(
      'learning-answers-delete',
      'DELETE',
      await call(A.eeClassTeacher, 'DELETE', `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${A.eeStudent}`),
      204,
    );
    withinBudget('learning-children-tasks', 'GET', await call(A.eeParent, 'GET', `children/${A.eeStudent}/tasks`), 200);
  });
});
