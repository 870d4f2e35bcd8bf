import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { budgetOf } from '../shared/http/budgets.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { addSchool, doTask, get, giveMunicipalityRole, hostOptions, type School, tokenOf } from './statistics-fixtures.js';

/**
 * Issue 14 items 3 and 4: OpiqStat for a municipality (STAT-1, ACL-8) and a publisher's anonymous statistics (STAT-2),
 * from usage posted through POST /api/events and drained through the usage-events queue, on a host of this file's own.
 * Schools of Testvald: A (12 students, 7 do an exercise in work-ee-math-5), B (10 students, 5), C (3 students, 2);
 * D of Muuvald (12 students, 6). One student of A also opens work-fi-math-7 (another publisher's).
 */
const MATH = 'work-ee-math-5';
const FI_WORK = 'work-fi-math-7';
const OFFICIAL = 'acc-official-testvald';
const OTHER_OFFICIAL = 'acc-official-muuvald';

let host: LocalHost;
let month: string;
const schools: Record<'A' | 'B' | 'C' | 'D', School> = {} as never;

beforeAll(async () => {
  host = await startLocalHost(hostOptions);
  schools.A = await addSchool(host, 'school-stat-a', 'Testvald', 12);
  schools.B = await addSchool(host, 'school-stat-b', 'Testvald', 10);
  schools.C = await addSchool(host, 'school-stat-c', 'Testvald', 3);
  schools.D = await addSchool(host, 'school-stat-d', 'Muuvald', 12);
  const doers = { A: 7, B: 5, C: 2, D: 6 } as const;
  for (const key of ['A', 'B', 'C', 'D'] as const)
    for (const student of schools[key].students.slice(0, doers[key])) await doTask(host, student, MATH);
  await doTask(host, schools.A.students[0]!, FI_WORK);
  await host.bus.idle();
  month = host.clock.now().toISOString().slice(0, 7);
  await giveMunicipalityRole(host, demo.accounts.operatorAdmin, OFFICIAL, 'Testvald', [schools.A.schoolId, schools.B.schoolId, schools.C.schoolId]);
  await giveMunicipalityRole(host, demo.accounts.operatorAdmin, OTHER_OFFICIAL, 'Muuvald', [schools.D.schoolId]);
}, 600_000);
afterAll(async () => host?.close());

const report = async (accountId: string, query = '') =>
  get(host, `/api/stats/municipality/usage?from=${month}&to=${month}${query}`, await tokenOf(host, accountId));

describe('OpiqStat (STAT-1, ACL-8)', () => {
  it("STAT-1: a municipality user sees its schools' figures", async () => {
    const { status, body, text } = await report(OFFICIAL);
    expect(status).toBe(200);
    expect(body.municipality).toBe('Testvald');
    const [m] = body.months;
    expect(m.month).toBe(month);
    // C (2 students) is hidden, and B (the smallest other) with it, so the total minus A does not give C.
    expect(m.activeStudents).toEqual({
      total: 14,
      schools: [
        { schoolId: schools.A.schoolId, students: 7 },
        { schoolId: schools.B.schoolId, students: null },
        { schoolId: schools.C.schoolId, students: null },
      ],
    });
    // The other publisher's work one student opened is not listed at all.
    expect(m.works.map((w: { workId: string }) => w.workId)).toEqual([MATH]);
    expect(m.works[0]).toEqual({
      workId: MATH,
      subjects: ['mathematics'],
      students: 14,
      seconds: 14 * 60,
      views: 14,
      interactions: 14,
      tasksDone: 0,
      schools: [
        { schoolId: schools.A.schoolId, students: 7, seconds: 7 * 60, views: 7, interactions: 7, tasksDone: 0 },
        { schoolId: schools.B.schoolId, students: null, seconds: null, views: null, interactions: null, tasksDone: null },
        { schoolId: schools.C.schoolId, students: null, seconds: null, views: null, interactions: null, tasksDone: null },
      ],
    });
    // Never a row about a person, nor another municipality's school.
    expect(text).not.toMatch(/student-\d|Number\d|school-stat-d/);
  });

  it('STAT-1: every filter picks from the same suppressed figures; CSV download', async () => {
    const onlyB = (await report(OFFICIAL, `&schoolId=${schools.B.schoolId}`)).body.months[0];
    expect(onlyB.activeStudents).toEqual({ total: 14, schools: [{ schoolId: schools.B.schoolId, students: null }] });
    expect(onlyB.works[0].schools).toEqual([
      { schoolId: schools.B.schoolId, students: null, seconds: null, views: null, interactions: null, tasksDone: null },
    ]);
    const bySubject = (await report(OFFICIAL, '&subject=mathematics')).body.months[0];
    expect(bySubject.works.map((w: { workId: string }) => w.workId)).toEqual([MATH]);
    expect((await report(OFFICIAL, '&subject=history')).body.months[0].works).toEqual([]);
    expect((await report(OFFICIAL, `&workId=${FI_WORK}`)).body.months[0].works).toEqual([]);

    const csv = await get(host, `/api/stats/municipality/usage.csv?from=${month}&to=${month}`, await tokenOf(host, OFFICIAL));
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('month,workId,subjects,schoolId,students,seconds,views,interactions,tasksDone');
    expect(lines).toContain(`${month},,,all,14,,,,`);
    expect(lines).toContain(`${month},${MATH},mathematics,${schools.A.schoolId},7,420,7,7,0`);
    expect(lines).toContain(`${month},${MATH},mathematics,${schools.C.schoolId},,,,,`);
    expect(csv.text).not.toMatch(/student-\d|school-stat-d/);
  });

  it("ACL-8: 403 for another municipality's", async () => {
    expect((await report(OFFICIAL, `&schoolId=${schools.D.schoolId}`)).status).toBe(403);
    expect((await report(OTHER_OFFICIAL, `&schoolId=${schools.A.schoolId}`)).status).toBe(403);
    const other = await report(OTHER_OFFICIAL);
    expect(other.status).toBe(200);
    expect(other.body.months[0].activeStudents.schools).toEqual([{ schoolId: schools.D.schoolId, students: 6 }]);
    expect(other.text).not.toContain(schools.A.schoolId);
    // People without the municipality role, a school's own administrator included, get no OpiqStat report.
    for (const accountId of [demo.accounts.eeAdmin, demo.accounts.eeTeacher, schools.A.students[0]!])
      expect((await report(accountId)).status, accountId).toBe(403);
  });

  it('STAT-1: a period is whole months, at most 12, this month unless asked', async () => {
    const token = await tokenOf(host, OFFICIAL);
    const thisMonth = await get(host, '/api/stats/municipality/usage', token);
    expect(thisMonth.body.months.map((m: { month: string }) => m.month)).toEqual([month]);
    expect((await get(host, '/api/stats/municipality/usage?from=2026-05&to=2026-04', token)).body.error.code).toBe('statistics_period_invalid');
    expect((await get(host, '/api/stats/municipality/usage?from=2025-01&to=2026-01', token)).body.error.code).toBe('statistics_period_invalid');
    expect((await get(host, '/api/stats/municipality/usage?from=2026-1&to=2026-02', token)).status).toBe(400);
  });
});

describe('anonymous statistics for publishers (STAT-2)', () => {
  it('STAT-2: a publisher sees only its works', async () => {
    const token = await tokenOf(host, demo.accounts.cmsAuthor);
    const own = await get(host, `/api/stats/publishers/${demo.publishers.ee}/usage?from=${month}&to=${month}`, token);
    expect(own.status).toBe(200);
    const works = own.body.months[0].works;
    expect(works.map((w: { workId: string }) => w.workId)).toEqual([MATH]);
    expect(works[0]).toMatchObject({ workId: MATH, students: 20, seconds: 20 * 60, views: 20, interactions: 20, tasksDone: 0, exercises: [] });
    expect(works[0].chapters).toEqual([{ chapterId: 'ch-1', students: 20, seconds: 20 * 60, views: 20, interactions: 20 }]);
    expect(own.text).not.toMatch(/school|student-\d|Testvald/);
    expect((await get(host, `/api/stats/publishers/${demo.publishers.fi}/usage?from=${month}&to=${month}`, token)).status).toBe(403);
    const csv = await get(host, `/api/stats/publishers/${demo.publishers.ee}/usage.csv?from=${month}&to=${month}`, token);
    expect(csv.text.trim().split('\r\n')).toEqual([
      'month,workId,chapterId,exerciseId,students,seconds,views,interactions,tasksDone',
      `${month},${MATH},,,20,1200,20,20,0`,
      `${month},${MATH},ch-1,,20,1200,20,20,`,
    ]);
  });
});

describe('anonymous statistics for the ministry (STAT-2)', () => {
  it("STAT-2: the ministry's export: works and chapters over all publishers and regions, suppressed, operator administrators only", async () => {
    const national = await get(host, `/api/ops/stats/national?from=${month}&to=${month}`, await tokenOf(host, demo.accounts.operatorAdmin));
    expect(national.status).toBe(200);
    const [m] = national.body.months;
    // work-fi-math-7 had one student: left out.
    expect(m.works.map((w: { workId: string }) => w.workId)).toEqual([MATH]);
    expect(m.works[0]).toMatchObject({ workId: MATH, students: 20, seconds: 1200 });
    // Regions by country: the municipalities (EE and FI alike), the country's total of distinct students.
    expect(m.countries).toEqual([
      {
        country: 'EE',
        total: 20,
        regions: [
          { region: 'Muuvald', students: 6 },
          { region: 'Testvald', students: 14 },
        ],
      },
    ]);
    expect(national.text).not.toMatch(/school|student-\d/);
    for (const accountId of [OFFICIAL, demo.accounts.cmsAuthor, demo.accounts.supportStaff, demo.accounts.privacyOfficer]) {
      expect((await get(host, `/api/ops/stats/national?from=${month}&to=${month}`, await tokenOf(host, accountId))).status, accountId).toBe(403);
      expect((await get(host, `/api/ops/stats/national.csv?from=${month}&to=${month}`, await tokenOf(host, accountId))).status, accountId).toBe(403);
    }
  });

  it("STAT-2: the ministry's CSV: the same figures, a row per month and figure, hidden ones empty", async () => {
    const csv = await get(host, `/api/ops/stats/national.csv?from=${month}&to=${month}`, await tokenOf(host, demo.accounts.operatorAdmin));
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('month,level,workId,chapterId,exerciseId,country,region,students,seconds,views,interactions,tasksDone');
    expect(lines).toContain(`${month},work,${MATH},,,,,20,1200,20,20,0`);
    expect(lines).toContain(`${month},chapter,${MATH},ch-1,,,,20,1200,20,20,`);
    expect(lines).toContain(`${month},country,,,,EE,,20,,,,`);
    expect(lines).toContain(`${month},region,,,,EE,Muuvald,6,,,,`);
    expect(lines).toContain(`${month},region,,,,EE,Testvald,14,,,,`);
    expect(csv.text).not.toMatch(/school|student-\d|work-fi-math-7/);
  });
});

describe('a municipality of many schools, and a person of two schools (STAT-1)', () => {
  it('STAT-1: the report of a municipality of 20 schools reads within the route budget (one query, whatever the number of schools)', async () => {
    const many: School[] = [];
    for (let i = 0; i < 20; i++) many.push(await addSchool(host, `school-many-${String(i).padStart(2, '0')}`, 'Paljuvald', 11));
    // Five schools with 6 active students each; the other 15 quiet.
    for (const school of many.slice(0, 5)) for (const student of school.students.slice(0, 6)) await doTask(host, student, MATH);
    await host.bus.idle();
    const official = 'acc-official-paljuvald';
    await giveMunicipalityRole(
      host,
      demo.accounts.operatorAdmin,
      official,
      'Paljuvald',
      many.map((s) => s.schoolId),
    );
    const token = await tokenOf(host, official);
    for (const path of ['usage', 'usage.csv']) {
      const url = `${host.url}/api/stats/municipality/${path}?from=${month}&to=${month}`;
      // Twice: the first call may pay one-off costs (the SDK's container metadata), as the budget probes do.
      await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      const counts = parseCounts(response.headers.get('x-cosmos-ops') ?? '');
      const name = path === 'usage' ? 'stats-municipality' : 'stats-municipality-csv';
      expect(counts.pointRead + counts.write + counts.query + counts.crossPartitionQuery + counts.metadata, name).toBeLessThanOrEqual(
        budgetOf(name, ['GET']).max,
      );
    }
    const body = (await get(host, `/api/stats/municipality/usage?from=${month}&to=${month}`, token)).body;
    const m = body.months[0];
    expect(m.activeStudents.total).toBe(30);
    expect(m.activeStudents.schools).toHaveLength(20);
    // The 15 quiet schools are hidden, and their sum (0) would be the total minus the shown: one active school is hidden too.
    expect(m.activeStudents.schools.map((s: { students: number | null }) => s.students)).toEqual([null, 6, 6, 6, 6, ...Array(15).fill(null)]);
    // The enrolment snapshot (11 students) was the population: 6 of 11 leaves 5 out, so shown.
    expect(m.works[0]).toMatchObject({ workId: MATH, students: 30, views: 30, interactions: 30, tasksDone: 0 });
  });

  it('STAT-1: a person of two schools of the municipality counts once in its totals (and in the region), in each school once', async () => {
    const x = await addSchool(host, 'school-two-x', 'Kahevald', 12);
    const y = await addSchool(host, 'school-two-y', 'Kahevald', 12);
    const shared = x.students.slice(0, 6);
    for (const accountId of shared) {
      await host.services.db
        .collection('accounts')
        .patch(accountId, accountId, [{ op: 'add', path: '/schoolRoles/-', value: { schoolId: y.schoolId, role: 'student' } }]);
      await host.services.db.collection('schools').upsert({
        id: `membership:${accountId}:student`,
        type: 'membership',
        schoolId: y.schoolId,
        accountId,
        role: 'student',
        status: 'active',
        since: host.clock.now().toISOString(),
      });
    }
    for (const accountId of shared) await doTask(host, accountId, MATH);
    await host.bus.idle();
    const official = 'acc-official-kahevald';
    await giveMunicipalityRole(host, demo.accounts.operatorAdmin, official, 'Kahevald', [x.schoolId, y.schoolId]);
    const m = (await get(host, `/api/stats/municipality/usage?from=${month}&to=${month}`, await tokenOf(host, official))).body.months[0];
    expect(m.activeStudents).toEqual({
      // 6 people, not 6 + 6.
      total: 6,
      schools: [
        { schoolId: x.schoolId, students: 6 },
        { schoolId: y.schoolId, students: 6 },
      ],
    });
    // Their 6 page views, not 12: the municipality's own counts.
    expect(m.works[0]).toMatchObject({ workId: MATH, students: 6, views: 6, interactions: 6 });
    const national = await get(host, `/api/ops/stats/national?from=${month}&to=${month}`, await tokenOf(host, demo.accounts.operatorAdmin));
    const ee = national.body.months[0].countries.find((c: { country: string }) => c.country === 'EE');
    expect(ee.regions).toContainEqual({ region: 'Kahevald', students: 6 });
  });
});
