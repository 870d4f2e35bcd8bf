import { describe, expect, it } from 'vitest';

import type { AccountDoc } from '../accounts/model.js';
import { demo, demoDocuments } from '../local/seed.js';
import { authorize, rolesOf } from './authorize.js';
import type { Capability } from './capabilities.js';

/** The seeded people, as the wrapper reads them: the rules are checked on real role summaries. */
const accounts = new Map(
  demoDocuments()
    .filter((d) => d.container === 'accounts' && d.doc.type === 'account')
    .map((d) => [d.doc.id, d.doc as AccountDoc]),
);
const person = (id: string) => accounts.get(id)!;
const load = async (id: string) => accounts.get(id);
const allowed = async (who: string, capability: Capability, target: Parameters<typeof authorize>[2]) =>
  (await authorize(person(who), capability, target, load, new Date('2026-11-22T12:00:00Z'))).length > 0;

const A = demo.accounts;
const S = demo.schools;
const C = demo.classes;

describe('the capability table on the seeded people', () => {
  it('ACL-2: a teacher reads the journals of their own subject in their own school only', async () => {
    expect(await allowed(A.eeTeacher, 'journal.read', { schoolId: S.ee, subject: 'estonian', classId: C.ee5a })).toBe(true);
    expect(await allowed(A.eeTeacher, 'journal.read', { schoolId: S.ee, subject: 'mathematics', classId: C.ee6b })).toBe(false);
    expect(await allowed(A.eeTeacher, 'journal.read', { schoolId: S.fi, subject: 'estonian' })).toBe(false);
    expect(await allowed(A.eeTeacher, 'journal.write', { schoolId: S.ee, subject: 'estonian' })).toBe(true);
  });

  it("ACL-3: a class teacher also reads every journal of their class, whatever the subject, but not another class's", async () => {
    expect(await allowed(A.eeClassTeacher, 'journal.read', { schoolId: S.ee, subject: 'estonian', classId: C.ee5a })).toBe(true);
    expect(await allowed(A.eeClassTeacher, 'journal.read', { schoolId: S.ee, subject: 'estonian', classId: C.ee6b })).toBe(false);
    expect(await allowed(A.eeClassTeacher, 'journal.write', { schoolId: S.ee, subject: 'estonian', classId: C.ee5a })).toBe(false);
  });

  it('ACL-4: a student reads their own journals and submits their own tasks, and nobody else’s', async () => {
    expect(await allowed(A.eeStudent, 'journal.read', { accountId: A.eeStudent })).toBe(true);
    expect(await allowed(A.eeStudent, 'journal.read', { accountId: A.eeStudent2 })).toBe(false);
    expect(await allowed(A.eeStudent, 'task.submit', { accountId: A.eeStudent })).toBe(true);
    expect(await allowed(A.eeStudent, 'school.members.read', { schoolId: S.ee })).toBe(false);
  });

  it('ACL-5: a parent reads the confirmed child’s journals but never submits or writes in the child’s name', async () => {
    expect(await allowed(A.eeParent, 'journal.read', { accountId: A.eeStudent })).toBe(true);
    expect(await allowed(A.eeParent, 'journal.read', { accountId: A.eeStudent2 })).toBe(false);
    expect(await allowed(A.eeParent, 'task.submit', { accountId: A.eeStudent })).toBe(false);
    expect(await allowed(A.eeParent, 'journal.write', { schoolId: S.ee, accountId: A.eeStudent })).toBe(false);
    expect(await allowed(A.eeParent, 'material.annotate', { accountId: A.eeStudent })).toBe(false);
  });

  it('ACL-6: private users and CMS people reach only their own data and their own publisher’s materials', async () => {
    expect(rolesOf(person(A.privateUser))).toEqual(new Set(['user', 'privateUser']));
    expect(await allowed(A.privateUser, 'material.annotate', { accountId: A.privateUser })).toBe(true);
    expect(await allowed(A.privateUser, 'school.read', { schoolId: S.ee })).toBe(false);
    expect(await allowed(A.cmsAuthor, 'material.edit', { publisherId: demo.publishers.ee })).toBe(true);
    expect(await allowed(A.cmsAuthor, 'material.edit', { publisherId: demo.publishers.fi })).toBe(false);
    expect(await allowed(A.cmsAuthor, 'catalog.work.withdraw', { publisherId: demo.publishers.fi })).toBe(false);
  });

  it('ACL-8: a municipality official gets aggregates of its own schools and no person', async () => {
    expect(await allowed(A.municipality, 'stats.aggregate.read', { schoolId: S.ee })).toBe(true);
    expect(await allowed(A.municipality, 'stats.aggregate.read', { schoolId: S.fi })).toBe(false);
    expect(await allowed(A.municipality, 'school.members.read', { schoolId: S.ee })).toBe(false);
    expect(await allowed(A.municipality, 'journal.read', { schoolId: S.ee, accountId: A.eeStudent })).toBe(false);
  });

  it('ACC-1: one person, two schools: each role counts only in its own school', async () => {
    expect(await allowed(A.twoSchools, 'school.members.manage', { schoolId: S.fi })).toBe(true);
    expect(await allowed(A.twoSchools, 'school.members.manage', { schoolId: S.ee })).toBe(false);
    expect(await allowed(A.twoSchools, 'journal.read', { schoolId: S.ee, subject: 'history' })).toBe(true);
    expect(await allowed(A.twoSchools, 'journal.read', { schoolId: S.fi, subject: 'history' })).toBe(true);
  });
});
