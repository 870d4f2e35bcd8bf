import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { officerQueue } from '../shared/rights/index.js';
import { client } from './learning-fixtures.js';

/**
 * Issue 11, PRIV-7: a requester withdrawing a request the school controls writes the request; the officer's queue
 * entry and the school's list follow through the queue `rights-projections`, and a new request of the type takes the
 * slot over at once. On a host of this file's own.
 */
let host: LocalHost;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
  call = client(host);
}, 60_000);
afterAll(async () => host?.close());

const total = (h: Headers) => {
  const c = parseCounts(h.get('x-cosmos-ops') ?? '');
  return c.pointRead + c.query + c.write + c.crossPartitionQuery;
};
const schoolList = async () =>
  (await call(demo.accounts.eeAdmin, 'GET', `schools/${demo.schools.ee}/privacy/requests`)).body.requests as { requestId: string; state: string }[];

describe("PRIV-7: withdrawing a school's request", () => {
  it("PRIV-7: the student withdraws in 3 operations; the school's list shows it withdrawn once the queue ran; a new request of the type is taken at once", async () => {
    const made = await call(demo.accounts.eeStudent, 'POST', 'me/privacy/requests', { requestType: 'rectification', details: 'My class is wrong' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.state).toBe('waiting-for-school');
    expect((await schoolList()).find((r) => r.requestId === made.body.id)?.state).toBe('waiting-for-school');

    const cancelled = await call(demo.accounts.eeStudent, 'POST', `me/privacy/requests/${encodeURIComponent(made.body.id)}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(total(cancelled.headers)).toBe(3);
    // The slot of a closed request is taken over: the same type again is a new request, not 409, before the queue ran.
    const again = await call(demo.accounts.eeStudent, 'POST', 'me/privacy/requests', { requestType: 'rectification', details: 'Still wrong' });
    expect(again.status, JSON.stringify(again.body)).toBe(201);

    await host.bus.idle();
    expect((await schoolList()).find((r) => r.requestId === made.body.id)?.state).toBe('cancelled');
    // The queued freeing left the new request's entry in the officer's queue, and the withdrawn one is not there.
    const queued = (await officerQueue(host.services, {})).items.map((e) => e.requestId);
    expect(queued).toContain(again.body.id);
    expect(queued).not.toContain(made.body.id);
    // Deciding on the withdrawn request is refused by the request itself.
    const decided = await call(
      demo.accounts.eeAdmin,
      'POST',
      `schools/${demo.schools.ee}/privacy/requests/${encodeURIComponent(made.body.id)}/decision`,
      {
        outcome: 'approve',
      },
    );
    expect(decided.status).toBe(409);
    expect(decided.body.error.code).toBe('rights_request_transition');
  }, 60_000);

  it("PRIV-7: the parent withdraws the request they made for the child in 4 operations: the officer's queue and the school's list follow queued", async () => {
    const path = `children/${demo.accounts.eeStudent2}/privacy/requests`;
    const made = await call(demo.accounts.teacherParent, 'POST', path, { requestType: 'access' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const cancelled = await call(demo.accounts.teacherParent, 'POST', `${path}/${encodeURIComponent(made.body.id)}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(total(cancelled.headers)).toBe(4);
    expect((await officerQueue(host.services, {})).items.map((e) => e.requestId)).toContain(made.body.id);
    await host.bus.idle();
    expect((await schoolList()).find((r) => r.requestId === made.body.id)?.state).toBe('cancelled');
    expect((await officerQueue(host.services, {})).items.map((e) => e.requestId)).not.toContain(made.body.id);
  }, 60_000);
});
