import { describe, expect, it } from 'vitest';

import type { AccountDoc } from '../accounts/model.js';
import { gradeOnScale } from './grades.js';
import { journalIdFor, journalTarget } from './journal-ids.js';
import { allowedScales, isArchived, journalRoleOf, schoolYearEnd, schoolYearOf } from './journals.js';
import type { AnswerDoc, TaskDoc } from './model.js';
import { STATS_CAVEAT, taskStats } from './stats.js';

const S = 'school-1';
const person = (schoolRoles: AccountDoc['schoolRoles']) => ({ accountId: 'me', schoolRoles });
const journal = { schoolId: S, teacherIds: ['me', 'co'], classId: 'class-5a' };

describe('journals: who sees a journal, and when it ends', () => {
  it('LRN-1, ACL-2: its teachers while they hold a teacher role in its school; ACC-4: an ended role sees nothing', () => {
    expect(journalRoleOf(journal, person([{ schoolId: S, role: 'teacher', subjects: ['math'] }]))).toBe('teacher');
    expect(journalRoleOf(journal, person([]))).toBeUndefined();
    expect(journalRoleOf(journal, person([{ schoolId: 'school-2', role: 'teacher', subjects: ['math'] }]))).toBeUndefined();
  });

  it('ACL-3: the class teacher of its class, of its school only; ACL-1: the administrator of its school', () => {
    const other = { ...journal, teacherIds: ['someone'] };
    expect(journalRoleOf(other, person([{ schoolId: S, role: 'classTeacher', classId: 'class-5a' }]))).toBe('classTeacher');
    expect(journalRoleOf(other, person([{ schoolId: S, role: 'classTeacher', classId: 'class-6b' }]))).toBeUndefined();
    expect(journalRoleOf(other, person([{ schoolId: 'school-2', role: 'classTeacher', classId: 'class-5a' }]))).toBeUndefined();
    expect(journalRoleOf({ ...other, classId: undefined }, person([{ schoolId: S, role: 'classTeacher', classId: 'class-5a' }]))).toBeUndefined();
    expect(journalRoleOf(other, person([{ schoolId: S, role: 'schoolAdmin' }]))).toBe('admin');
    expect(journalRoleOf(other, person([{ schoolId: S, role: 'student', classId: 'class-5a' }]))).toBeUndefined();
  });

  it('LRN-1: a school year runs to 1 August; a journal is archived from then, or when archived by hand', () => {
    expect(schoolYearOf(new Date('2026-11-30T12:00:00Z'))).toBe('2026/2027');
    expect(schoolYearOf(new Date('2027-07-31T23:59:59Z'))).toBe('2026/2027');
    expect(schoolYearOf(new Date('2027-08-01T00:00:00Z'))).toBe('2027/2028');
    expect(schoolYearEnd('2026/2027')).toBe('2027-08-01T00:00:00.000Z');
    const endsAt = schoolYearEnd('2026/2027');
    expect(isArchived({ endsAt }, new Date('2027-07-31T23:59:59Z'))).toBe(false);
    expect(isArchived({ endsAt }, new Date('2027-08-01T00:00:00Z'))).toBe(true);
    expect(isArchived({ endsAt, archivedAt: '2027-01-01T00:00:00Z' }, new Date('2027-02-01T00:00:00Z'))).toBe(true);
  });

  it("LRN-3: a school grades on its country's scale, pass/fail or a percentage", () => {
    expect(allowedScales('EE')).toEqual(['ee-1-5', 'pass-fail', 'percentage']);
    expect(allowedScales('FI')).toEqual(['fi-4-10', 'pass-fail', 'percentage']);
    expect([1, 2, 3, 4, 5].every((g) => gradeOnScale('ee-1-5', g))).toBe(true);
    expect([0, 6, 4.5, 'pass' as const].some((g) => gradeOnScale('ee-1-5', g))).toBe(false);
    expect([4, 7.5, 8.25, 8.75, 10].every((g) => gradeOnScale('fi-4-10', g))).toBe(true);
    expect([3.75, 10.25, 8.1, 'fail' as const].some((g) => gradeOnScale('fi-4-10', g))).toBe(false);
    expect(gradeOnScale('pass-fail', 'fail') && !gradeOnScale('pass-fail', 1)).toBe(true);
    expect(
      gradeOnScale('percentage', 0) && gradeOnScale('percentage', 100) && !gradeOnScale('percentage', -1) && !gradeOnScale('percentage', 'pass'),
    ).toBe(true);
  });
});

describe('journal ids: the door learns subject and class from the path', () => {
  it('ACL-2, ACL-3: an id made for a subject and class names them back; a group journal has no class; anything else names neither', () => {
    const id = journalIdFor('mathematics', 'class-ee-5a', 'abc');
    expect(id).toMatch(/^j\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.abc$/);
    expect(journalTarget(S, id)).toEqual({ schoolId: S, subject: 'mathematics', classId: 'class-ee-5a' });
    expect(journalTarget(S, journalIdFor('eesti keel', undefined, 'x'))).toEqual({ schoolId: S, subject: 'eesti keel' });
    for (const junk of ['j-none', 'j..x.y', 'x.a.b.c', 'j.a.b.c.d']) expect(journalTarget(S, junk)).toEqual({ schoolId: S });
  });
});

describe('statistics', () => {
  const task = { id: 't-1', journalId: 'j', studentIds: ['a', 'b', 'c', 'd'], maxPoints: 4 } as TaskDoc;
  const answer = (studentId: string, score: number, results: [string, number, boolean | 'pending'][], extra: Partial<AnswerDoc> = {}) =>
    ({
      studentId,
      status: 'submitted',
      score,
      maxScore: 4,
      results: results.map(([exerciseId, s, correct]) => ({ exerciseId, score: s, maxScore: 2, correct, feedback: [] })),
      ...extra,
    }) as unknown as AnswerDoc;

  it('LRN-5: completion, late, score bands and per-exercise difficulty, hardest first, with the caveat', () => {
    const stats = taskStats(task, [
      answer('a', 4, [
        ['e1', 2, true],
        ['e2', 2, true],
      ]),
      answer(
        'b',
        2,
        [
          ['e1', 2, true],
          ['e2', 0, false],
        ],
        { late: true },
      ),
      answer('c', 0, [], { status: 'draft' }),
      // Not assigned any more: left out.
      answer('z', 0, [
        ['e1', 0, false],
        ['e2', 0, false],
      ]),
    ]);
    expect(stats).toMatchObject({ assigned: 4, submitted: 2, late: 1, drafts: 1, completion: 50, averagePercent: 75 });
    expect(stats.scoreDistribution).toEqual({ '0-19': 0, '20-39': 0, '40-59': 1, '60-79': 0, '80-100': 1 });
    expect(stats.exercises).toEqual([
      { exerciseId: 'e2', answered: 2, correctPercent: 50, averagePercent: 50, pending: 0 },
      { exerciseId: 'e1', answered: 2, correctPercent: 100, averagePercent: 100, pending: 0 },
    ]);
    expect(stats.caveat).toBe(STATS_CAVEAT);
  });

  it('LRN-5: open answers waiting for the teacher count as pending, not wrong; no submissions give no average', () => {
    const stats = taskStats(task, [
      answer('a', 2, [
        ['e1', 2, true],
        ['open', 0, 'pending'],
      ]),
    ]);
    expect(stats.exercises.find((e) => e.exerciseId === 'open')).toMatchObject({ pending: 1, correctPercent: 0 });
    expect(taskStats(task, []).averagePercent).toBeUndefined();
  });
});
