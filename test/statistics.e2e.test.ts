import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
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
      schools: [
        { schoolId: schools.A.schoolId, students: 7, seconds: 7 * 60, views: 7, interactions: 7 },
        { schoolId: schools.B.schoolId, students: null, seconds: null, views: null, interactions: null },
        { schoolId: schools.C.schoolId, students: null, seconds: null, views: null, interactions: null },
      ],
    });
    // Never a row about a person, nor another municipality's school.
    expect(text).not.toMatch(/student-\d|Number\d|school-stat-d/);
  });

  it('STAT-1: every filter picks from the same suppressed figures; CSV download', async () => {
    const onlyB = (await report(OFFICIAL, `&schoolId=${schools.B.schoolId}`)).body.months[0];
    expect(onlyB.activeStudents).toEqual({ total: 14, schools: [{ schoolId: schools.B.schoolId, students: null }] });
    expect(onlyB.works[0].schools).toEqual([{ schoolId: schools.B.schoolId, students: null, seconds: null, views: null, interactions: null }]);
    const bySubject = (await report(OFFICIAL, '&subject=mathematics')).body.months[0];
    expect(bySubject.works.map((w: { workId: string }) => w.workId)).toEqual([MATH]);
    expect((await report(OFFICIAL, '&subject=history')).body.months[0].works).toEqual([]);
    expect((await report(OFFICIAL, `&workId=${FI_WORK}`)).body.months[0].works).toEqual([]);

    const csv = await get(host, `/api/stats/municipality/usage.csv?from=${month}&to=${month}`, await tokenOf(host, OFFICIAL));
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('month,workId,subjects,schoolId,students,seconds,views,interactions');
    expect(lines).toContain(`${month},,,all,14,,,`);
    expect(lines).toContain(`${month},${MATH},mathematics,${schools.A.schoolId},7,420,7,7`);
    expect(lines).toContain(`${month},${MATH},mathematics,${schools.C.schoolId},,,,`);
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
    expect(works[0]).toMatchObject({ workId: MATH, students: 20, seconds: 20 * 60, views: 20, interactions: 20 });
    expect(works[0].chapters).toEqual([{ chapterId: 'ch-1', students: 20, seconds: 20 * 60, views: 20, interactions: 20 }]);
    expect(own.text).not.toMatch(/school|student-\d|Testvald/);
    expect((await get(host, `/api/stats/publishers/${demo.publishers.fi}/usage?from=${month}&to=${month}`, token)).status).toBe(403);
    const csv = await get(host, `/api/stats/publishers/${demo.publishers.ee}/usage.csv?from=${month}&to=${month}`, token);
    expect(csv.text.trim().split('\r\n')).toEqual([
      'month,workId,chapterId,students,seconds,views,interactions',
      `${month},${MATH},,20,1200,20,20`,
      `${month},${MATH},ch-1,20,1200,20,20`,
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
    expect(m.regions).toEqual({
      total: 20,
      municipalities: [
        { municipality: 'Muuvald', students: 6 },
        { municipality: 'Testvald', students: 14 },
      ],
    });
    expect(national.text).not.toMatch(/school|student-\d/);
    for (const accountId of [OFFICIAL, demo.accounts.cmsAuthor, demo.accounts.supportStaff, demo.accounts.privacyOfficer])
      expect((await get(host, `/api/ops/stats/national?from=${month}&to=${month}`, await tokenOf(host, accountId))).status, accountId).toBe(403);
  });
});
