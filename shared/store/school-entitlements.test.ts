import { describe, expect, it } from 'vitest';

import { entitlingMemberships, mightHold, seatHoldersOf } from './school-entitlements.js';

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
});
