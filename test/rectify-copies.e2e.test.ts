import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { activeMemberships, rectifyIdentity } from '../shared/schools/index.js';
import type { MembershipDoc } from '../shared/schools/members.js';

/**
 * Issue 11 item 3, ACC-5: a school's rename writes the name copies on the memberships from the memberships its check
 * read at the start of the request; one ended in between must stay ended (written under the ETag of that read).
 */
let host: LocalHost;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
}, 60_000);
afterAll(async () => host?.close());

describe('ACC-5: name copies on memberships', () => {
  const rename = (accountId: string, lastName: string, docs: MembershipDoc[]) =>
    rectifyIdentity(host.services, {
      accountId,
      by: 'acc-test-admin',
      source: { kind: 'school', schoolId: demo.schools.ee },
      names: { lastName },
      memberships: { schoolId: demo.schools.ee, docs },
    });

  it('ACC-5: the active memberships the check read get the new name', async () => {
    const read = await activeMemberships(host.services, demo.schools.ee, demo.accounts.eeStudent);
    expect(read.length).toBeGreaterThan(0);
    await rename(demo.accounts.eeStudent, 'Uusnimi', read);
    for (const m of read) expect((await host.services.db.collection('schools').read<MembershipDoc>(m.id, m.schoolId))?.lastName).toBe('Uusnimi');
  }, 60_000);

  it('ACC-5: a membership ended after the rename read it stays ended; the account is renamed', async () => {
    const schoolId = demo.schools.ee;
    const accountId = demo.accounts.eeStudent2;
    const read = await activeMemberships(host.services, schoolId, accountId);
    expect(read.length).toBeGreaterThan(0);
    const [ended, ...others] = read;
    const schools = host.services.db.collection('schools');
    await schools.upsert<MembershipDoc>({ ...ended!, status: 'ended', endedAt: host.services.clock.now().toISOString(), endedBy: 'acc-test-admin' });

    const account = await rename(accountId, 'Parandatud', read);

    expect(account.lastName).toBe('Parandatud');
    const after = await schools.read<MembershipDoc>(ended!.id, schoolId);
    expect(after?.status).toBe('ended');
    for (const m of others) expect((await schools.read<MembershipDoc>(m.id, schoolId))?.lastName).toBe('Parandatud');
  }, 60_000);
});
