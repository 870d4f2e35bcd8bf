import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { activeMemberships, copyNamesToMemberships, rectifyIdentity } from '../shared/schools/index.js';
import type { MembershipDoc } from '../shared/schools/members.js';

/**
 * Issue 11, ACC-5: a rename's name copies on the memberships are written by the queue `member-name-copies`, from the
 * account as it is when the message runs and under each membership's ETag: one ended meanwhile stays ended.
 */
let host: LocalHost;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
}, 60_000);
afterAll(async () => host?.close());

describe('ACC-5: name copies on memberships', () => {
  const schools = () => host.services.db.collection('schools');
  const rename = (accountId: string, lastName: string) =>
    rectifyIdentity(host.services, { accountId, by: 'acc-test-admin', source: { kind: 'school', schoolId: demo.schools.ee }, names: { lastName } });

  it('ACC-5: the active memberships get the new name once the queue ran', async () => {
    const read = await activeMemberships(host.services, demo.schools.ee, demo.accounts.eeStudent);
    expect(read.length).toBeGreaterThan(0);
    await rename(demo.accounts.eeStudent, 'Uusnimi');
    await host.bus.idle();
    for (const m of read) expect((await schools().read<MembershipDoc>(m.id, m.schoolId))?.lastName).toBe('Uusnimi');
    expect(host.bus.deadLetters('member-name-copies')).toEqual([]);
  }, 60_000);

  it('ACC-5: a membership ended before the copy is written stays ended and keeps its old snapshot; a repeat writes nothing', async () => {
    const accountId = demo.accounts.eeStudent2;
    const [membership] = await activeMemberships(host.services, demo.schools.ee, accountId);
    await schools().upsert<MembershipDoc>({
      ...membership!,
      status: 'ended',
      endedAt: host.services.clock.now().toISOString(),
      endedBy: 'acc-test-admin',
    });

    const account = await rename(accountId, 'Parandatud');
    await host.bus.idle();
    expect(account.lastName).toBe('Parandatud');
    const after = await schools().read<MembershipDoc>(membership!.id, demo.schools.ee);
    expect(after?.status).toBe('ended');
    expect(after?.lastName).toBe(membership!.lastName);
    const etag = after?._etag;
    await copyNamesToMemberships(host.services, { accountId });
    expect((await schools().read<MembershipDoc>(membership!.id, demo.schools.ee))?._etag).toBe(etag);
  }, 60_000);
});
