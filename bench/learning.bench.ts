/**
 * Learning under a class's load (issue 18): 30 students submit a task of 20 exercises at the same moment, each answer
 * checked automatically; then the teacher grades and publishes the class, one answer after another as a teacher
 * does. Figures: latency (median, p95) and wall time of each phase, Cosmos operations per request. It fails (exit 1)
 * when any request is refused, a score is not the one expected, or a request needs more Cosmos operations than its
 * route's budget (shared/http/budgets.ts).
 */
import type { Exercise, WorkContent } from '../shared/content/index.js';
import { budgetOf } from '../shared/http/budgets.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { type Bench, median, round } from './lib.js';

const STUDENTS = 30;
const EXERCISES = 20;
const WORK = `${demo.publishers.ee}.bench-work`;
const SCHOOL = demo.schools.ee;
const TEACHER = demo.accounts.eeClassTeacher;

const percentile = (values: readonly number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

function benchContent(): WorkContent {
  const exercises: Exercise[] = Array.from({ length: EXERCISES }, (_, i) =>
    i % 2 === 0
      ? {
          kind: 'single',
          id: `e${i}`,
          prompt: `Küsimus ${i}`,
          points: 1,
          choices: [
            { id: 'a', text: 'A' },
            { id: 'b', text: 'B' },
          ],
          key: { correct: 'a' },
        }
      : { kind: 'numeric', id: `e${i}`, prompt: `Arvuta ${i}`, points: 1, key: { value: i, tolerance: 0 } },
  );
  return {
    title: 'Bench',
    language: 'et',
    chapters: [
      {
        id: 'c1',
        title: 'Peatükk',
        pages: [{ id: 'p1', title: 'Leht', blocks: exercises.map((exercise) => ({ kind: 'exercise', id: `b-${exercise.id}`, exercise })) }],
      },
    ],
  };
}

/** Student n answers the first n % 21 exercises right and the rest wrong: the expected score is known. */
function responsesOf(n: number) {
  const right = n % (EXERCISES + 1);
  return Object.fromEntries(
    Array.from({ length: EXERCISES }, (_, i) => {
      const ok = i < right;
      return [`e${i}`, i % 2 === 0 ? { kind: 'single', choice: ok ? 'a' : 'b' } : { kind: 'numeric', value: ok ? i : i + 1 }];
    }),
  );
}

async function setUp(host: LocalHost): Promise<string[]> {
  const database = host.cosmos.client.database(host.config.COSMOS_DATABASE);
  const at = host.clock.now().toISOString();
  const content = benchContent();
  await database.container('catalog').items.upsert({
    id: WORK,
    type: 'work',
    publisherId: demo.publishers.ee,
    title: 'Bench',
    subjects: ['mathematics'],
    country: 'EE',
    status: 'distributed',
    content: { currentVersion: 1 },
  });
  await database.container('content').items.upsert({
    id: `version:${WORK}:1`,
    type: 'work-version',
    workId: WORK,
    publisherId: demo.publishers.ee,
    versionNo: 1,
    ...content,
    publishedAt: at,
    publishedBy: { accountId: demo.accounts.cmsEditor, role: 'editor' },
  });
  const students = Array.from({ length: STUDENTS }, (_, n) => `acc-bench-student-${n}`);
  await Promise.all(
    students.map(async (accountId, n) => {
      await host.services.db.collection('accounts').upsert({
        id: accountId,
        type: 'account',
        accountId,
        firstName: 'Õpilane',
        lastName: `Nr ${n}`,
        language: 'et',
        country: 'EE',
        status: 'active',
        schoolRoles: [{ schoolId: SCHOOL, role: 'student', classId: demo.classes.ee6b }],
        createdAt: at,
        updatedAt: at,
      });
      await host.services.db.collection('schools').upsert({
        id: `membership:${accountId}:student`,
        type: 'membership',
        schoolId: SCHOOL,
        accountId,
        role: 'student',
        classId: demo.classes.ee6b,
        status: 'active',
        since: at,
        firstName: 'Õpilane',
        lastName: `Nr ${n}`,
      });
      await host.services.db.collection('accounts').upsert({
        id: `entitlement:${WORK}`,
        type: 'entitlement',
        accountId,
        workId: WORK,
        publisherId: demo.publishers.ee,
        periods: [{ orderId: 'bench', from: '2026-01-01T00:00:00.000Z', until: '2036-01-01T00:00:00.000Z' }],
        updatedAt: at,
      });
    }),
  );
  return students;
}

export const bench: Bench = {
  name: 'learning',
  description: `${STUDENTS} students submit ${EXERCISES} exercises each at once (checked automatically), then the teacher grades the class`,
  async run({ log }) {
    const host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
    const failures: string[] = [];
    try {
      const students = await setUp(host);
      const token = async (accountId: string) =>
        (
          (await (
            await fetch(`${host.url}/_local/tokens`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ accountId }),
            })
          ).json()) as { accessToken: string }
        ).accessToken;
      const teacher = await token(TEACHER);
      const call = async (bearer: string, method: string, path: string, body?: unknown) => {
        const started = performance.now();
        const response = await fetch(`${host.url}/api/${path}`, {
          method,
          headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const json = (await response.json()) as Record<string, unknown>;
        const counts = parseCounts(response.headers.get('x-cosmos-ops') ?? '');
        return {
          status: response.status,
          json,
          ms: performance.now() - started,
          ops: counts.pointRead + counts.write + counts.query + counts.crossPartitionQuery,
        };
      };
      const journal = await call(teacher, 'POST', `schools/${SCHOOL}/subjects/mathematics/journals`, {
        name: 'Bench',
        groupName: 'Bench group',
        studentIds: students,
        workIds: [WORK],
      });
      if (journal.status !== 201) throw new Error(`journal: ${journal.status} ${JSON.stringify(journal.json)}`);
      const journalId = String(journal.json.id);
      const task = await call(teacher, 'POST', `schools/${SCHOOL}/journals/${journalId}/tasks`, {
        title: 'Bench',
        workId: WORK,
        pageIds: ['p1'],
        dueAt: new Date(host.clock.now().getTime() + 86_400_000).toISOString(),
      });
      if (task.status !== 201) throw new Error(`task: ${task.status} ${JSON.stringify(task.json)}`);
      const taskId = String(task.json.id);
      const tokens = await Promise.all(students.map(token));
      // Warm-up: one draft each way (JIT, the SDK's container metadata).
      await call(tokens[0]!, 'PUT', `schools/${SCHOOL}/tasks/${taskId}/answer`, { responses: {} });

      const submitStarted = performance.now();
      const submits = await Promise.all(
        students.map((_, n) => call(tokens[n]!, 'PUT', `schools/${SCHOOL}/tasks/${taskId}/answer`, { responses: responsesOf(n), submit: true })),
      );
      const submitWall = performance.now() - submitStarted;
      submits.forEach((r, n) => {
        if (r.status !== 200) failures.push(`submission ${n} answered ${r.status}`);
        else if (r.json.score !== n % (EXERCISES + 1))
          failures.push(`submission ${n} scored ${String(r.json.score)}, expected ${n % (EXERCISES + 1)}`);
      });
      const submitBudget = budgetOf('learning-answers-save', ['PUT']).max;
      if (submits.some((r) => r.ops > submitBudget))
        failures.push(`a submission took ${Math.max(...submits.map((r) => r.ops))} Cosmos operations (budget ${submitBudget})`);
      log(`${submits.filter((r) => r.status === 200).length}/${STUDENTS} submissions accepted`);

      const gradeStarted = performance.now();
      const grades = [];
      for (const [n, student] of students.entries())
        grades.push(
          await call(teacher, 'PUT', `schools/${SCHOOL}/journals/${journalId}/tasks/${taskId}/answers/${student}/feedback`, {
            grade: 1 + (n % 5),
            comment: 'Hinnatud.',
            publish: true,
          }),
        );
      const gradeWall = performance.now() - gradeStarted;
      grades.forEach((r, n) => {
        if (r.status !== 200) failures.push(`grading ${n} answered ${r.status}`);
      });
      const gradeBudget = budgetOf('learning-feedback-give', ['PUT']).max;
      if (grades.some((r) => r.ops > gradeBudget))
        failures.push(`a grading took ${Math.max(...grades.map((r) => r.ops))} Cosmos operations (budget ${gradeBudget})`);
      const stats = await call(teacher, 'GET', `schools/${SCHOOL}/journals/${journalId}/tasks/${taskId}/stats`);
      if (stats.json.completion !== 100) failures.push(`completion after the class submitted: ${String(stats.json.completion)}`);

      const figures = (rows: { ms: number; ops: number }[], wall: number) => ({
        requests: rows.length,
        medianMs: round(median(rows.map((r) => r.ms)), 1),
        p95Ms: round(
          percentile(
            rows.map((r) => r.ms),
            95,
          ),
          1,
        ),
        wallMs: round(wall, 1),
        perSecond: round((rows.length / wall) * 1000, 1),
        maxCosmosOps: Math.max(...rows.map((r) => r.ops)),
      });
      const submitted = figures(submits, submitWall);
      const graded = figures(grades, gradeWall);
      return {
        record: {
          learning: {
            students: STUDENTS,
            exercises: EXERCISES,
            concurrentSubmissions: submitted,
            sequentialGrading: graded,
            statsMs: round(stats.ms, 1),
            within: failures.length === 0,
          },
        },
        table: [
          { phase: `${STUDENTS} submissions at once`, ...submitted },
          { phase: `grading ${STUDENTS} answers in turn`, ...graded },
          {
            phase: 'task statistics',
            requests: 1,
            medianMs: round(stats.ms, 1),
            p95Ms: round(stats.ms, 1),
            wallMs: round(stats.ms, 1),
            perSecond: 0,
            maxCosmosOps: stats.ops,
          },
        ],
        notes: [
          `each submission is checked in the task's work version (${EXERCISES} exercises); budgets: submit ${submitBudget}, grade ${gradeBudget} Cosmos operations`,
        ],
        ...(failures.length ? { failures } : {}),
      };
    } finally {
      await host.close();
    }
  },
};
