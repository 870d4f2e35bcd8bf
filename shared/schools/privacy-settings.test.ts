import { describe, expect, it } from 'vitest';

import { isMinorAccount } from '../accounts/age.js';
import type { AccountDoc } from '../accounts/model.js';
import { authorize } from '../acl/authorize.js';
import { privacyManagedByParent } from './privacy-settings.js';

const now = new Date('2026-09-01T12:00:00Z');
const base = (id: string, extra: Partial<AccountDoc> = {}): AccountDoc => ({
  id,
  type: 'account',
  accountId: id,
  firstName: 'A',
  lastName: 'B',
  language: 'et',
  country: 'EE',
  status: 'active',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...extra,
});
const link = { schoolId: 's', linkId: 'parent-link:p:c' };

describe('age from the personal code or the birth date', () => {
  it('ACC-3: prefers a valid personal code, falls back to the birth date, and is unknown without either', () => {
    // 50001010006: a valid isikukood of someone born on 2000-01-01.
    expect(isMinorAccount({ personalCode: { country: 'EE', code: '50001010006' } }, now)).toBe(false);
    expect(isMinorAccount({ birthDate: '2014-03-09' }, now)).toBe(true);
    expect(isMinorAccount({ birthDate: '2008-09-01' }, now)).toBe(false);
    expect(isMinorAccount({ birthDate: '2008-09-02' }, now)).toBe(true);
    expect(isMinorAccount({}, now)).toBeUndefined();
    expect(isMinorAccount({ birthDate: 'not a date' }, now)).toBeUndefined();
  });
});

describe('who manages privacy settings', () => {
  it('ACC-3: a minor with a confirmed parent does not; an adult, a minor without a parent, or an unknown age does', () => {
    const parents = [{ accountId: 'p', ...link }];
    expect(privacyManagedByParent({ birthDate: '2014-03-09', parents }, now)).toBe(true);
    expect(privacyManagedByParent({ birthDate: '2014-03-09', parents: [] }, now)).toBe(false);
    expect(privacyManagedByParent({ birthDate: '2000-03-09', parents }, now)).toBe(false);
    expect(privacyManagedByParent({ parents }, now)).toBe(false);
  });
});

describe('parent scopes in authorize', () => {
  const parent = base('p', { children: [{ accountId: 'c', ...link }] });
  const child = (extra: Partial<AccountDoc>) => base('c', { parents: [{ accountId: 'p', ...link }], ...extra });
  const run = (c: AccountDoc, capability: 'child.read' | 'child.privacy.update') =>
    authorize(parent, capability, { accountId: 'c' }, async (id) => (id === 'c' ? c : undefined), now);

  it('ACC-4: hiding data from parents ends child.read at once, but a minor’s parent can still manage the settings', async () => {
    const hidden = child({ birthDate: '2014-03-09', privacy: { shareWithParents: false, shareWithPublishers: false } });
    expect(await run(hidden, 'child.read')).toEqual([]);
    expect(await run(hidden, 'child.privacy.update')).toEqual([{ role: 'parent', scope: 'ownMinorChild', schoolId: 's' }]);
  });

  it('ACC-3: the parent of an adult (or of a child whose age is unknown) does not manage their settings', async () => {
    expect(await run(child({ birthDate: '2000-03-09' }), 'child.privacy.update')).toEqual([]);
    expect(await run(child({}), 'child.privacy.update')).toEqual([]);
    expect(await run(child({ birthDate: '2000-03-09' }), 'child.read')).toHaveLength(1);
  });

  it('ACC-3: a link on one side only counts for nothing', async () => {
    expect(await run(base('c', { birthDate: '2014-03-09' }), 'child.read')).toEqual([]);
    expect(await run(base('c', { birthDate: '2014-03-09' }), 'child.privacy.update')).toEqual([]);
  });
});
