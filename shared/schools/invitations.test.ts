import { describe, expect, it } from 'vitest';

import type { Grant } from '../acl/authorize.js';
import { hashToken, invitableRolesFor, invitationIdOf, invitationStatus, linkToken, parseInvitationToken } from './invitations.js';

const token = 'A'.repeat(40) + '_-9';

describe('invitation tokens (ACC-2)', () => {
  it('carries the school id so acceptance is a point read in its partition', () => {
    expect(parseInvitationToken(linkToken('school-ee-kuusiku', token))).toEqual({ schoolId: 'school-ee-kuusiku', token });
    // A school id with dots still parses: the token part never contains one.
    expect(parseInvitationToken(linkToken('school.with.dots', token))).toEqual({ schoolId: 'school.with.dots', token });
  });

  it('refuses malformed tokens before any read', () => {
    for (const bad of [
      '',
      token,
      `.${token}`,
      'school-1.short',
      `school-1.${token}x`,
      `school/1.${token}`,
      `school 1.${token}`,
      `school-1.${token.slice(0, 42)}=`,
    ])
      expect(parseInvitationToken(bad), bad).toBeUndefined();
  });

  it('stores only a hash of the token, usable as a Cosmos id', () => {
    const id = invitationIdOf(hashToken(token));
    expect(id).toMatch(/^invitation:[A-Za-z0-9_-]{43}$/);
    expect(id).not.toContain(token);
  });
});

describe('invitation status', () => {
  const expiresAt = '2026-09-15T08:00:00.000Z';
  it('ACC-2: a pending invitation reads as expired from its expiry on; closed ones keep their status', () => {
    expect(invitationStatus({ status: 'pending', expiresAt }, new Date('2026-09-15T07:59:59.999Z'))).toBe('pending');
    expect(invitationStatus({ status: 'pending', expiresAt }, new Date(expiresAt))).toBe('expired');
    expect(invitationStatus({ status: 'accepted', expiresAt }, new Date('2027-01-01T00:00:00Z'))).toBe('accepted');
    expect(invitationStatus({ status: 'revoked', expiresAt }, new Date('2027-01-01T00:00:00Z'))).toBe('revoked');
  });
});

describe('who may invite into which role', () => {
  const grant = (role: Grant['role']): Grant => ({ role, scope: 'ownSchool', schoolId: 's' });
  it('ACC-2: administrators any role, teachers and class teachers students only, others nothing', () => {
    expect(invitableRolesFor([grant('schoolAdmin')])).toEqual(['student', 'teacher', 'classTeacher', 'schoolAdmin']);
    expect(invitableRolesFor([grant('teacher')])).toEqual(['student']);
    expect(invitableRolesFor([grant('classTeacher')])).toEqual(['student']);
    expect(invitableRolesFor([grant('teacher'), grant('schoolAdmin')])).toHaveLength(4);
    expect(invitableRolesFor([])).toEqual([]);
  });
});
