import { describe, expect, it } from 'vitest';

import { entitlingMemberships, mightHold, schoolEntitlementMessageSchema, seatHoldersOf } from './school-entitlements.js';

const m = (id: string, accountId: string, role: string, since: string, classId?: string) => ({
  id,
  accountId,
  role,
  since: `2026-09-0${since}T08:00:00.000Z`,
  ...(classId ? { classId } : {}),
});

describe('school licences: who is entitled (pure)', () => {
  const class7a = { audience: { kind: 'classes' as const, classIds: ['7a'] } };

  it('ACC-1: teachers and class teachers of the school are entitled to every licence; students only in its audience', () => {
    expect(entitlingMemberships(class7a, [m('t', 'teacher', 'teacher', '1')], undefined)).toEqual(['t']);
    expect(entitlingMemberships(class7a, [m('ct', 'x', 'classTeacher', '1', '7b')], undefined)).toEqual(['ct']);
    expect(entitlingMemberships(class7a, [m('s', 'x', 'student', '1', '7a')], undefined)).toEqual(['s']);
    expect(entitlingMemberships(class7a, [m('s', 'x', 'student', '1', '7b')], undefined)).toEqual([]);
    // ACL-1: an administrator is not a teacher: no licence through that role.
    expect(entitlingMemberships({ audience: { kind: 'school' } }, [m('a', 'x', 'schoolAdmin', '1')], undefined)).toEqual([]);
    expect(entitlingMemberships({ audience: { kind: 'students', accountIds: ['x'] } }, [m('s', 'x', 'student', '1', '7b')], undefined)).toEqual([
      's',
    ]);
    expect(entitlingMemberships({ audience: { kind: 'students', accountIds: ['y'] } }, [m('s', 'x', 'student', '1', '7b')], undefined)).toEqual([]);
  });

  it('STORE-4: seats go to the earliest members of the audience, then by account id; teachers take none; named students need none', () => {
    const rows = [
      m('1', 'c', 'student', '3', '7a'),
      m('2', 'b', 'student', '1', '7a'),
      m('3', 'a', 'student', '1', '7a'),
      m('4', 'd', 'student', '1', '7b'),
      m('5', 't', 'teacher', '1'),
    ];
    expect([...seatHoldersOf({ ...class7a, seats: 2 }, rows)!]).toEqual(['a', 'b']);
    expect([...seatHoldersOf({ ...class7a, seats: 0 }, rows)!]).toEqual([]);
    expect(seatHoldersOf(class7a, rows)).toBeUndefined();
    expect(seatHoldersOf({ audience: { kind: 'students', accountIds: ['c'] }, seats: 0 }, rows)).toBeUndefined();
    const seats = seatHoldersOf({ ...class7a, seats: 2 }, rows);
    expect(entitlingMemberships({ ...class7a, seats: 2 }, [rows[0]!], seats)).toEqual([]);
    expect(entitlingMemberships({ ...class7a, seats: 2 }, [rows[1]!], seats)).toEqual(['2']);
  });

  it('STORE-4: a fan-out reads only teachers and students of an audience the licence has ever had', () => {
    const licence = {
      audience: { kind: 'classes' as const, classIds: ['7b'] },
      reached: [
        { kind: 'classes' as const, classIds: ['7a'] },
        { kind: 'classes' as const, classIds: ['7b'] },
      ],
    };
    expect(mightHold(licence, [m('s', 'x', 'student', '1', '7a')])).toBe(true);
    expect(mightHold(licence, [m('s', 'x', 'student', '1', '7c')])).toBe(false);
    expect(mightHold(licence, [m('t', 'x', 'teacher', '1')])).toBe(true);
    expect(mightHold(licence, [m('a', 'x', 'schoolAdmin', '1')])).toBe(false);
    expect(mightHold({ audience: { kind: 'classes', classIds: ['7a'] } }, [m('s', 'x', 'student', '1', '7a')])).toBe(true);
  });

  it('STORE-4: the memberships through which a person holds a licence are listed in order, whatever order they were read in', () => {
    const school = { audience: { kind: 'school' as const } };
    expect(entitlingMemberships(school, [m('z-teacher', 'x', 'teacher', '1'), m('a-student', 'x', 'student', '1', '7a')], undefined)).toEqual([
      'a-student',
      'z-teacher',
    ]);
  });

  it('STORE-4: a teacher who joined first takes no seat, even of a whole-school licence', () => {
    const rows = [m('1', 't', 'teacher', '1'), m('2', 's', 'student', '2', '7a'), m('3', 'c', 'classTeacher', '1', '7a')];
    expect([...seatHoldersOf({ audience: { kind: 'school' }, seats: 1 }, rows)!]).toEqual(['s']);
  });

  it('STORE-4: a student with two memberships in the audience counts from the earlier; equal starts go by account id', () => {
    const both = { audience: { kind: 'classes' as const, classIds: ['7a', '7b'] }, seats: 1 };
    // x joined 7B on the 1st and 7A on the 5th: x is earlier than y (the 3rd), whichever membership is read first.
    expect([
      ...seatHoldersOf(both, [m('1', 'x', 'student', '5', '7a'), m('2', 'x', 'student', '1', '7b'), m('3', 'y', 'student', '3', '7a')])!,
    ]).toEqual(['x']);
    expect([
      ...seatHoldersOf(both, [m('2', 'x', 'student', '1', '7b'), m('1', 'x', 'student', '5', '7a'), m('3', 'y', 'student', '3', '7a')])!,
    ]).toEqual(['x']);
    expect([...seatHoldersOf(both, [m('1', 'b', 'student', '1', '7a'), m('2', 'a', 'student', '1', '7a')])!]).toEqual(['a']);
    expect([...seatHoldersOf(both, [m('1', 'a', 'student', '3', '7a'), m('2', 'b', 'student', '1', '7a')])!]).toEqual(['b']);
    expect([
      ...seatHoldersOf({ ...both, seats: 2 }, [
        m('1', 'c', 'student', '1', '7a'),
        m('2', 'a', 'student', '1', '7a'),
        m('3', 'b', 'student', '1', '7a'),
      ])!,
    ]).toEqual(['a', 'b']);
  });

  it('STORE-4: a fan-out reads a teacher with other memberships too; an administrator never, even of a whole-school licence', () => {
    const class7a = { audience: { kind: 'classes' as const, classIds: ['7a'] } };
    expect(mightHold(class7a, [m('t', 'x', 'teacher', '1'), m('s', 'x', 'student', '1', '7c')])).toBe(true);
    expect(mightHold({ audience: { kind: 'school' } }, [m('a', 'x', 'schoolAdmin', '1')])).toBe(false);
  });

  it('STORE-4: the queue message is one of the two kinds, complete; anything else is refused', () => {
    const licence = { kind: 'licence', schoolId: 's', licenceId: 'l', revision: 2, after: 'acc-1' };
    expect(schoolEntitlementMessageSchema.parse(licence)).toEqual(licence);
    expect(schoolEntitlementMessageSchema.parse({ kind: 'member', schoolId: 's', accountId: 'a' })).toEqual({
      kind: 'member',
      schoolId: 's',
      accountId: 'a',
    });
    for (const bad of [
      { kind: 'licence', schoolId: 's', licenceId: 'l' },
      { kind: 'member', schoolId: 's' },
      { kind: 'other', schoolId: 's', accountId: 'a' },
      {},
    ])
      expect(schoolEntitlementMessageSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('STORE-4: the seat holders are the same whatever order the memberships are read in', () => {
    const rows = [
      m('1', 'e', 'student', '1', '7a'),
      m('2', 'd', 'student', '2', '7a'),
      m('3', 'c', 'student', '1', '7a'),
      m('4', 'b', 'student', '3', '7a'),
      m('5', 'a', 'student', '2', '7a'),
      m('6', 'f', 'student', '1', '7a'),
    ];
    const licence = { audience: { kind: 'school' as const }, seats: 4 };
    // By start, then account id: c, e, f (the 1st), then a (the 2nd, before d).
    for (const order of [rows, [...rows].reverse(), [rows[3]!, rows[0]!, rows[4]!, rows[2]!, rows[5]!, rows[1]!]])
      expect([...seatHoldersOf(licence, order)!].sort(), order.map((r) => r.accountId).join('')).toEqual(['a', 'c', 'e', 'f']);
  });
});
