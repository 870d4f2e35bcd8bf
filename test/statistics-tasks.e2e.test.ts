import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import type { LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { answers, client, DEMO_WORK, inDays, license, startLearningHost } from './learning-fixtures.js';

/**
 * Issue 14 (STAT-1, STAT-2): tasks done in the anonymous statistics, from real submissions. Twelve students of 5.a in
 * the demo school (Tallinn) are in a journal; a task of the demo work with four exercises; seven submit through
 * `PUT …/tasks/{id}/answer`, the answer route queues the learning statistics (`learning-stats`), whose handler counts
 * the submission as a task done. One of the seven restricted processing (PRIV-4): their task counts, they are not
 * among the distinct students. Reports: Tallinn's official, the publisher, the ministry.
 */
const A = demo.accounts;
const S = demo.schools;
const EXERCISES = ['ex-multiple', 'ex-numeric', 'ex-single', 'ex-text'];
const RESTRICTED = 'acc-task-student-6';

let host: LocalHost;
let call: ReturnType<typeof client>;
let journalId: string;
let taskId: string;
let month: string;
const students: string[] = [];

async function addStudent(accountId: string, restricted: boolean) {
  const at = host.clock.now().toISOString();
  await host.services.db.collection('accounts').upsert<AccountDoc>({
    id: accountId,
    type: 'account',
    accountId,
    firstName: 'Ülesanne',
    lastName: accountId.slice(-2),
    language: 'et',
    country: 'EE',
    status: 'active',
    schoolRoles: [{ schoolId: S.ee, role: 'student', classId: demo.classes.ee5a }],
    ...(restricted ? { processing: { restrictedAt: at } } : {}),
    createdAt: at,
    updatedAt: at,
  });
  await host.services.db.collection('schools').upsert({
    id: `membership:${accountId}:student`,
    type: 'membership',
    schoolId: S.ee,
    accountId,
    role: 'student',
    classId: demo.classes.ee5a,
    status: 'active',
    since: at,
    firstName: 'Ülesanne',
    lastName: accountId.slice(-2),
  });
  await license(host, accountId);
}

beforeAll(async () => {
  host = await startLearningHost();
  call = client(host);
  month = host.clock.now().toISOString().slice(0, 7);
  for (let i = 0; i < 12; i++) {
    students.push(`acc-task-student-${i}`);
    await addStudent(students[i]!, students[i] === RESTRICTED);
  }
  const journal = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
    name: '5.a statistika',
    classId: demo.classes.ee5a,
    studentIds: students,
    workIds: [DEMO_WORK],
  });
  expect(journal.status, JSON.stringify(journal.body)).toBe(201);
  journalId = journal.body.id;
  const task = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
    title: 'Statistika kodutöö',
    workId: DEMO_WORK,
    exerciseIds: EXERCISES,
    dueAt: inDays(host, 7),
  });
  expect(task.status, JSON.stringify(task.body)).toBe(201);
  taskId = task.body.id;
  for (const student of students.slice(0, 7)) {
    const submitted = await call(student, 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, { responses: answers.right, submit: true });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  }
  // A draft is not a task done.
  expect((await call(students[7], 'PUT', `schools/${S.ee}/tasks/${taskId}/answer`, { responses: answers.right })).status).toBe(200);
  await host.bus.idle();
}, 300_000);
afterAll(async () => host?.close());

const municipalityReport = async () => (await call(A.municipality, 'GET', `stats/municipality/usage?from=${month}&to=${month}`)).body.months[0];
const publisherWork = async () =>
  (await call(A.cmsAuthor, 'GET', `stats/publishers/${demo.publishers.ee}/usage?from=${month}&to=${month}`)).body.months[0].works.find(
    (w: { workId: string }) => w.workId === DEMO_WORK,
  );

describe('tasks done in the statistics (STAT-1, STAT-2)', () => {
  it('STAT-1: a submitted task counts as a task done in its school and municipality, apart from interactions; a draft does not', async () => {
    const m = await municipalityReport();
    const work = m.works.find((w: { workId: string }) => w.workId === DEMO_WORK);
    // Seven tasks done; six distinct students (the restricted one counts only in the counts, PRIV-4).
    expect(work).toMatchObject({ students: 6, tasksDone: 7, interactions: 0, views: 0 });
    expect(work.schools).toEqual([{ schoolId: S.ee, students: 6, seconds: 0, views: 0, interactions: 0, tasksDone: 7 }]);
    const csv = await call(A.municipality, 'GET', `stats/municipality/usage.csv?from=${month}&to=${month}`);
    expect(csv.body).toContain(`${month},${DEMO_WORK},mathematics,${S.ee},6,0,0,0,7`);
  });

  it('STAT-2: the publisher sees tasks done per work and answers per exercise of its own work, suppressed', async () => {
    const work = await publisherWork();
    expect(work).toMatchObject({ workId: DEMO_WORK, students: 6, tasksDone: 7 });
    expect(work.exercises).toEqual(EXERCISES.map((exerciseId) => ({ exerciseId, students: 6, answers: 7 })));
    const csv = await call(A.cmsAuthor, 'GET', `stats/publishers/${demo.publishers.ee}/usage.csv?from=${month}&to=${month}`);
    expect(csv.body).toContain(`${month},${DEMO_WORK},,ex-single,6,,,,7`);
    expect((await call(A.cmsAuthor, 'GET', `stats/publishers/${demo.publishers.fi}/usage?from=${month}&to=${month}`)).status).toBe(403);
  });

  it("STAT-2: the ministry's export has the exercises too, and the country's region", async () => {
    const national = await call(A.operatorAdmin, 'GET', `ops/stats/national?from=${month}&to=${month}`);
    const [m] = national.body.months;
    expect(m.works.find((w: { workId: string }) => w.workId === DEMO_WORK)).toMatchObject({ students: 6, tasksDone: 7 });
    expect(m.countries).toEqual([{ country: 'EE', total: 6, regions: [{ region: 'Tallinn', students: 6 }] }]);
    const csv = await call(A.operatorAdmin, 'GET', `ops/stats/national.csv?from=${month}&to=${month}`);
    expect(csv.body).toContain(`${month},exercise,${DEMO_WORK},,ex-numeric,,,6,,,,7`);
  });

  it('STAT-1, STAT-2: grading and a redelivered message count the task once', async () => {
    const before = await publisherWork();
    // The teacher grades (the answer goes round the learning-stats queue again) and the same message is delivered twice.
    const path = `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${students[0]}/feedback`;
    const graded = await call(A.eeClassTeacher, 'PUT', path, { grade: 5, publish: true });
    expect(graded.status, JSON.stringify(graded.body)).toBe(200);
    const message = { schoolId: S.ee, journalId, taskId, studentId: students[1]! };
    await host.services.bus.send('learning-stats', { body: message, messageId: 'again-1' });
    await host.services.bus.send('learning-stats', { body: message, messageId: 'again-2' });
    await host.bus.idle();
    expect(await publisherWork()).toEqual(before);
    expect((await municipalityReport()).works.find((w: { workId: string }) => w.workId === DEMO_WORK).tasksDone).toBe(7);
  });
});
