import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROUTE_BUDGETS } from '../shared/http/budgets.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { client } from './learning-fixtures.js';

/**
 * Issue 11, PRIV-7: a requester withdrawing a request the school controls writes the request and frees the officer's
 * slot in the request; the school's list follows through the queue `rights-projections`. On a host of this file's own.
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
  it("PRIV-7: the student withdraws: within 5 operations; the school's list shows it withdrawn once the queue ran; a new request of the type is taken at once", async () => {
    const made = await call(demo.accounts.eeStudent, 'POST', 'me/privacy/requests', { requestType: 'rectification', details: 'My class is wrong' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.state).toBe('waiting-for-school');
    expect((await schoolList()).find((r) => r.requestId === made.body.id)?.state).toBe('waiting-for-school');

    const cancelled = await call(demo.accounts.eeStudent, 'POST', `me/privacy/requests/${encodeURIComponent(made.body.id)}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(total(cancelled.headers)).toBeLessThanOrEqual(5);
    // The slot is free in the request itself: the same type again is a new request, not 409.
    const again = await call(demo.accounts.eeStudent, 'POST', 'me/privacy/requests', { requestType: 'rectification', details: 'Still wrong' });
    expect(again.status, JSON.stringify(again.body)).toBe(201);

    await host.bus.idle();
    expect((await schoolList()).find((r) => r.requestId === made.body.id)?.state).toBe('cancelled');
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

  it("PRIV-7: the parent withdraws the request they made for the child: the school's list follows queued", async () => {
    const path = `children/${demo.accounts.eeStudent2}/privacy/requests`;
    const made = await call(demo.accounts.teacherParent, 'POST', path, { requestType: 'access' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const cancelled = await call(demo.accounts.teacherParent, 'POST', `${path}/${encodeURIComponent(made.body.id)}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(total(cancelled.headers)).toBeLessThanOrEqual(ROUTE_BUDGETS['rights-children-cancel']?.exception?.measured ?? 5);
    await host.bus.idle();
    expect((await schoolList()).find((r) => r.requestId === made.body.id)?.state).toBe('cancelled');
  }, 60_000);
});
