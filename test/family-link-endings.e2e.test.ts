import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AccountDoc, markFamilyLinkEnded } from '../shared/accounts/index.js';
import { eraseSubject } from '../shared/erasure/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { client } from './learning-fixtures.js';

/**
 * Issue 11, ACC-3, ACL-5: ending a parent link marks it ended on both accounts in the request (one patch each, no
 * read: the access ends and both family lists leave it out at once) and leaves taking the entries off to the queue
 * `family-link-endings`. On a host of this file's own (the demo's two confirmed links).
 */
let host: LocalHost;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
  call = client(host);
}, 60_000);
afterAll(async () => host?.close());

const account = async (id: string) => (await host.services.db.collection('accounts').read<AccountDoc>(id, id))!;
const linkOf = (parent: string, child: string) => `parent-link:${parent}:${child}`;

describe('ACC-3: ending a parent link', () => {
  it('ACC-3, ACL-5: the child ends the link: both sides marked at once, the access and both lists end at once, the entries go queued, within 5 operations', async () => {
    const { eeParent: parent, eeStudent: child } = demo.accounts;
    expect((await call(parent, 'GET', `children/${child}`)).status).toBe(200);

    const ended = await call(child, 'POST', `schools/${demo.schools.ee}/parent-links/${encodeURIComponent(linkOf(parent, child))}/end`);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const counts = parseCounts(ended.headers.get('x-cosmos-ops') ?? '');
    expect(counts.pointRead + counts.query + counts.write + counts.crossPartitionQuery).toBeLessThanOrEqual(5);
    for (const id of [parent, child]) expect((await account(id)).endedFamilyLinks).toContain(linkOf(parent, child));
    expect((await call(parent, 'GET', `children/${child}`)).status).toBe(403);
    expect((await call(parent, 'GET', 'me/children')).body.children).toEqual([]);
    expect((await call(child, 'GET', 'me/parents')).body.parents).toEqual([]);

    await host.bus.idle();
    for (const id of [parent, child]) expect((await account(id)).endedFamilyLinks).toEqual([]);
    expect((await account(parent)).children ?? []).toEqual([]);
    expect((await account(child)).parents ?? []).toEqual([]);
    expect(host.bus.deadLetters('family-link-endings')).toEqual([]);
  }, 60_000);

  it("ACC-3: the school's administrator ends a link: both sides marked at once, the entries go queued, within 5 operations", async () => {
    const { teacherParent: parent, eeStudent2: child } = demo.accounts;
    expect((await call(parent, 'GET', `children/${child}`)).status).toBe(200);
    const ended = await call(
      demo.accounts.eeAdmin,
      'POST',
      `schools/${demo.schools.ee}/parent-links/${encodeURIComponent(linkOf(parent, child))}/end`,
    );
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const counts = parseCounts(ended.headers.get('x-cosmos-ops') ?? '');
    expect(counts.pointRead + counts.query + counts.write + counts.crossPartitionQuery).toBeLessThanOrEqual(5);
    expect((await call(parent, 'GET', `children/${child}`)).status).toBe(403);
    expect((await call(parent, 'GET', 'me/children')).body.children).toEqual([]);
    expect((await call(child, 'GET', 'me/parents')).body.parents).toEqual([]);
    await host.bus.idle();
    expect((await account(parent)).children ?? []).toEqual([]);
    expect((await account(child)).parents ?? []).toEqual([]);
  }, 60_000);

  it('ACL-5: an entry written before names were kept reads the other account: a link named on one side only is not listed on either side', async () => {
    const { teacherParent: parent, eeStudent2: child } = demo.accounts;
    const accounts = host.services.db.collection('accounts');
    const link = { schoolId: demo.schools.ee, linkId: linkOf(parent, child) };
    const name = async (id: string, side: 'children' | 'parents', other: string | undefined) =>
      accounts.upsert<AccountDoc>({ ...(await account(id)), [side]: other ? [{ ...link, accountId: other }] : [] });
    await name(parent, 'children', child);
    await name(child, 'parents', parent);
    expect((await call(parent, 'GET', 'me/children')).body.children.map((c: { accountId: string }) => c.accountId)).toEqual([child]);
    expect((await call(child, 'GET', 'me/parents')).body.parents.map((p: { accountId: string }) => p.accountId)).toEqual([parent]);
    // The child's side gone, the parent's not yet (as between the request and its queued rest): neither lists it.
    await name(child, 'parents', undefined);
    expect((await call(parent, 'GET', 'me/children')).body.children).toEqual([]);
    expect((await call(parent, 'GET', `children/${child}`)).status).toBe(403);
    // And the other way round.
    await name(child, 'parents', parent);
    await name(parent, 'children', undefined);
    expect((await call(child, 'GET', 'me/parents')).body.parents).toEqual([]);
  }, 60_000);

  it('ACL-5: an account from before the mark list existed is marked by a read and a write; the mark alone ends the access', async () => {
    const { teacherParent: parent, eeStudent2: child } = demo.accounts;
    const accounts = host.services.db.collection('accounts');
    const link = { schoolId: demo.schools.ee, linkId: linkOf(parent, child) };
    const withoutMarks = async (id: string, side: 'children' | 'parents', other: string) => {
      const { endedFamilyLinks: _, ...rest } = await account(id);
      await accounts.upsert<AccountDoc>({ ...rest, [side]: [{ ...link, accountId: other, firstName: 'Nimi', lastName: 'Nimi' }] });
    };
    await withoutMarks(parent, 'children', child);
    await withoutMarks(child, 'parents', parent);
    expect((await call(parent, 'GET', `children/${child}`)).status).toBe(200);
    await markFamilyLinkEnded(host.services, child, link.linkId);
    expect((await account(child)).endedFamilyLinks).toEqual([link.linkId]);
    expect((await call(parent, 'GET', `children/${child}`)).status).toBe(403);
    expect((await call(child, 'GET', 'me/parents')).body.parents).toEqual([]);
  }, 60_000);

  it("PRIV-3: erasing a child takes their entry, which carries their names, off the parent's account", async () => {
    const { teacherParent: parent, eeStudent2: child } = demo.accounts;
    const accounts = host.services.db.collection('accounts');
    const link = { schoolId: demo.schools.ee, linkId: linkOf(parent, child) };
    const { firstName, lastName } = await account(child);
    await accounts.upsert<AccountDoc>({
      ...(await account(parent)),
      children: [{ ...link, accountId: child, firstName, lastName }],
      endedFamilyLinks: [],
    });
    await accounts.upsert<AccountDoc>({ ...(await account(child)), parents: [{ ...link, accountId: parent, firstName: 'Juha', lastName: 'Nimi' }] });
    expect((await call(parent, 'GET', 'me/children')).body.children).toEqual([expect.objectContaining({ accountId: child, firstName, lastName })]);

    await eraseSubject(host.services, { accountId: child, reason: 'request', by: demo.accounts.privacyOfficer });
    const after = await account(parent);
    expect(after.children).toEqual([]);
    expect(JSON.stringify(after)).not.toContain(child);
    expect((await call(parent, 'GET', 'me/children')).body.children).toEqual([]);
  }, 60_000);
});
