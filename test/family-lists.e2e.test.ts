import { beforeAll, describe, expect, it, vi } from 'vitest';

import { demo } from '../shared/local/seed.js';
import { type OperationCounts, parseCounts } from '../shared/platform/operations.js';
import { api } from './helpers.js';
import { adminToken, birthDateIn, confirmedLink, newPerson, newStudent, type Person } from './people.js';

/**
 * Issue 11, ACC-3, ACL-5: the family lists read only the caller's account (the entries carry the other person's names,
 * copied at confirmation and refreshed by `member-name-copies` on a rename); an ending marks both accounts before it
 * answers, so neither list shows an ended link. On the shared host, with fresh people.
 */
const total = (c: OperationCounts) => c.pointRead + c.write + c.query + c.crossPartitionQuery;
const countsOf = (r: { headers: Headers }) => parseCounts(r.headers.get('x-cosmos-ops') ?? '');

type Member = { accountId: string; firstName: string; lastName: string; linkId: string };
const children = async (parent: Person) => api<{ children: Member[] }>('/api/me/children', { token: parent.token });
const parentsOf = async (child: Person) => (await api<{ parents: Member[] }>('/api/me/parents', { token: child.token })).body.parents;

let parent: Person;
let kids: (Person & { personalCode: string })[];
const linkIds = new Map<string, string>();

beforeAll(async () => {
  parent = await newPerson('Perevanem');
  kids = [];
  for (const name of ['Esimene', 'Teine', 'Kolmas']) kids.push(await newStudent(name, birthDateIn(new Date().getFullYear() - 13)));
  for (const kid of kids) linkIds.set(kid.accountId, await confirmedLink(parent, kid));
}, 120_000);

describe('issue 11: family lists from the own account', () => {
  it('ACL-5, ACC-3: a parent of 3 children lists them with their names in the one read that authenticates (<= 3 operations)', async () => {
    const listed = await children(parent);
    expect(listed.status).toBe(200);
    expect(listed.body.children.map((c) => [c.accountId, c.firstName, c.lastName]).sort()).toEqual(
      kids.map((k) => [k.accountId, k.firstName, k.lastName]).sort(),
    );
    const counts = countsOf(listed);
    expect(total(counts)).toBeLessThanOrEqual(3);
    // Nothing but the account authentication reads, however many children.
    expect(counts).toMatchObject({ pointRead: 1, write: 0, query: 0, crossPartitionQuery: 0 });
    for (const kid of kids) expect(await parentsOf(kid)).toEqual([expect.objectContaining({ accountId: parent.accountId, firstName: 'Perevanem' })]);
  });

  it("ACC-5: a parent's own rename and the school's rename of a child show in the other's list once the queue ran", async () => {
    const renamed = await api('/api/me/profile', { method: 'PATCH', token: parent.token, json: { lastName: 'Uuesti' } });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const rectified = await api(`/api/schools/${demo.schools.ee}/students/${kids[0]!.accountId}`, {
      method: 'PATCH',
      token: await adminToken(),
      json: { firstName: 'Parandatud' },
    });
    expect(rectified.status, JSON.stringify(rectified.body)).toBe(200);
    await vi.waitFor(
      async () => {
        for (const kid of kids) expect((await parentsOf(kid))[0]?.lastName).toBe('Uuesti');
        const listed = (await children(parent)).body.children;
        expect(listed.find((c) => c.accountId === kids[0]!.accountId)?.firstName).toBe('Parandatud');
      },
      { timeout: 20_000, interval: 200 },
    );
  }, 60_000);

  it('ACL-5, ACC-3: an ending takes the link off both lists and ends the access before it answers (<= 5 operations)', async () => {
    const kid = kids[2]!;
    expect((await api(`/api/children/${kid.accountId}`, { token: parent.token })).status).toBe(200);
    const ended = await api(`/api/schools/${demo.schools.ee}/parent-links/${encodeURIComponent(linkIds.get(kid.accountId)!)}/end`, {
      method: 'POST',
      token: kid.token,
    });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(total(countsOf(ended))).toBeLessThanOrEqual(5);
    // Before the queue ran or not: both sides leave it out at once.
    expect((await children(parent)).body.children.map((c) => c.accountId).sort()).toEqual([kids[0]!.accountId, kids[1]!.accountId].sort());
    expect(await parentsOf(kid)).toEqual([]);
    expect((await api(`/api/children/${kid.accountId}`, { token: parent.token })).status).toBe(403);
  }, 60_000);
});
