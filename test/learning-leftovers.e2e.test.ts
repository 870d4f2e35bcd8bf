import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exampleWorkContent } from '../shared/content/fixtures.js';
import { budgetOf } from '../shared/http/budgets.js';
import type { LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { type Call, client, DEMO_WORK, inDays, license, publishWork, startLearningHost } from './learning-fixtures.js';

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
