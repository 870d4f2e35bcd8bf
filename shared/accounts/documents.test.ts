import { describe, expect, it } from 'vitest';

import { withFamilyLink, withFamilyNames, withoutFamilyLink } from './documents.js';
import { type AccountDoc, familyLinksOf } from './model.js';

const base = { id: 'acc-p', type: 'account', accountId: 'acc-p', firstName: 'P', lastName: 'Q' } as AccountDoc;
const link = { accountId: 'acc-c', schoolId: 'school-1', linkId: 'parent-link:acc-p:acc-c', firstName: 'Mari', lastName: 'Maasikas' };

describe('family entries on the account (issue 11, ACL-5)', () => {
  it('ACL-5: a confirmed link is added once, with the mark list an ending appends to, and the school noted', () => {
    const linked = withFamilyLink(base, 'children', link);
    expect(linked.children).toEqual([link]);
    expect(linked.endedFamilyLinks).toEqual([]);
    expect(linked.schoolPartitions).toEqual(['school-1']);
    expect(withFamilyLink(linked, 'children', link)).toBe(linked);
    // An account from before the mark list gets it, without a second entry.
    const old = { ...linked, endedFamilyLinks: undefined };
    expect(withFamilyLink(old, 'children', link)).toMatchObject({ children: [link], endedFamilyLinks: [] });
  });

  it('ACL-5: a marked link is not in force; taking it off removes the entry and the mark, and a repeat changes nothing', () => {
    const other = { ...link, accountId: 'acc-d', linkId: 'parent-link:acc-p:acc-d' };
    const marked = { ...base, children: [link, other], endedFamilyLinks: [link.linkId, link.linkId] };
    expect(familyLinksOf(marked, 'children')).toEqual([other]);
    expect(familyLinksOf(marked, 'parents')).toEqual([]);
    const removed = withoutFamilyLink(marked, 'children', link.linkId);
    expect(removed).toMatchObject({ children: [other], endedFamilyLinks: [] });
    expect(withoutFamilyLink(removed, 'children', link.linkId)).toBe(removed);
    // The entry gone already, the mark still there (a half-done repeat): the mark goes too.
    expect(withoutFamilyLink({ ...removed, endedFamilyLinks: [link.linkId] }, 'children', link.linkId).endedFamilyLinks).toEqual([]);
  });

  it('ACC-5: a rename is copied onto the entries naming that person, and only when it differs', () => {
    const linked = { ...base, children: [link, { ...link, accountId: 'acc-d', linkId: 'l2', firstName: 'Jaan' }] };
    const renamed = withFamilyNames(linked, 'children', { accountId: 'acc-c', firstName: 'Mari', lastName: 'Uus' });
    expect(renamed.children?.map((l) => [l.accountId, l.firstName, l.lastName])).toEqual([
      ['acc-c', 'Mari', 'Uus'],
      ['acc-d', 'Jaan', 'Maasikas'],
    ]);
    expect(withFamilyNames(renamed, 'children', { accountId: 'acc-c', firstName: 'Mari', lastName: 'Uus' })).toBe(renamed);
    expect(withFamilyNames(renamed, 'parents', { accountId: 'acc-c', firstName: 'X', lastName: 'Y' })).toBe(renamed);
  });
});
