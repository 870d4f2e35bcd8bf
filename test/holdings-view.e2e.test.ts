import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { countSubjectDocuments } from '../shared/privacy/index.js';
import { countHoldings, HOLDINGS_COUNTS_FRESH_MINUTES } from '../shared/rights/holdings-counts.js';
import { client } from './learning-fixtures.js';

/**
 * Issue 11, PRIV-1: the what-we-hold view reads the person's counts kept by the queue `holdings-counts` (one point read
 * after the one that authenticates); missing or over 10 minutes old, it asks for a count and says `preparing` with
 * every count null. The counts are the export's finding type by type. On a host of this file's own (its clock moves).
 */
let host: LocalHost;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
  call = client(host);
}, 60_000);
afterAll(async () => host?.close());

type View = {
  preparing?: boolean;
  countedAt?: string;
  categories: { category: string; holdsData: boolean | null; documentTypes: { type: string; count: number | null }[] }[];
};
const countsOf = (view: View) => new Map(view.categories.flatMap((c) => c.documentTypes).map((d) => [d.type, d.count]));
const account = async (id: string) => (await host.services.db.collection('accounts').read<AccountDoc>(id, id))!;
const opsOf = (r: { headers: Headers }) => parseCounts(r.headers.get('x-cosmos-ops') ?? '');
const noWork = { write: 0, query: 0, crossPartitionQuery: 0 };

describe('PRIV-1: what we hold, counted by the queue', () => {
  const student = demo.accounts.eeStudent;

  it('PRIV-1: the first view says preparing with every count null (the account aside), in 2 operations; once the queue ran, the counts are the export’s', async () => {
    const asked = host.clock.now().getTime();
    const first = await call(student, 'GET', 'me/privacy/data');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const preparing = first.body as View;
    expect(preparing.preparing).toBe(true);
    expect(preparing.countedAt).toBeUndefined();
    for (const [type, count] of countsOf(preparing)) expect(count, type).toBe(type === 'account' ? 1 : null);
    expect(opsOf(first)).toMatchObject({ pointRead: 2, ...noWork });

    await host.bus.idle();
    const counted = await call(student, 'GET', 'me/privacy/data');
    const view = counted.body as View;
    expect(view.preparing).toBeUndefined();
    expect(Date.parse(view.countedAt!)).toBeGreaterThanOrEqual(asked);
    expect(Date.parse(view.countedAt!)).toBeLessThanOrEqual(host.clock.now().getTime());
    expect(opsOf(counted)).toMatchObject({ pointRead: 2, ...noWork });
    const truth = await countSubjectDocuments(host.services, await account(student));
    const shown = countsOf(view);
    for (const [type, count] of truth) if (shown.has(type) && type !== 'account') expect(shown.get(type), type).toBe(count);
    expect(shown.get('membership')).toBeGreaterThanOrEqual(1);
    expect(host.bus.deadLetters('holdings-counts')).toEqual([]);
  }, 60_000);

  it("PRIV-1, ACL-5: a parent sees their child's counted view within 3 operations", async () => {
    const path = `children/${student}/privacy/data`;
    const r = await call(demo.accounts.eeParent, 'GET', path);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((r.body as View).preparing).toBeUndefined();
    const ops = opsOf(r);
    expect(ops).toMatchObject(noWork);
    expect(ops.pointRead).toBeLessThanOrEqual(3);
  }, 60_000);

  it('PRIV-1: counts older than 10 minutes are made again: a support request opened since is counted then, never a number older than that', async () => {
    const opened = await call(student, 'POST', 'me/support-requests', { subject: 'Holdings', message: 'Counted?' });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const before = countsOf((await call(student, 'GET', 'me/privacy/data')).body as View).get('support-request')!;

    host.clock.advance((HOLDINGS_COUNTS_FRESH_MINUTES + 1) * 60_000);
    const stale = await call(student, 'GET', 'me/privacy/data');
    expect((stale.body as View).preparing).toBe(true);
    await host.bus.idle();
    const recounted = (await call(student, 'GET', 'me/privacy/data')).body as View;
    expect(countsOf(recounted).get('support-request')).toBe(before + 1);
    expect(recounted.categories.find((c) => c.category === 'support')?.holdsData).toBe(true);
  }, 60_000);

  it('PRIV-1: a count asked for before the kept one was made counts nothing again (a repeat or a late message)', async () => {
    const jobs = host.services.db.collection('jobs');
    const id = `holdings-counts:${student}`;
    const kept = (await jobs.read<{ id: string; type: string; countedAt: string }>(id, student))!;
    await countHoldings(host.services, { accountId: student, requestedAt: new Date(Date.parse(kept.countedAt) - 1).toISOString() });
    expect((await jobs.read(id, student))?._etag).toBe(kept._etag);
  }, 60_000);
});
