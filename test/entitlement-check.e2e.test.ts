/**
 * The entitlement check (STORE-4) reads the caller's entitlement in the same Cosmos request as the account that
 * authenticates them (issue 11, `readWithAccount`): what it answers, what it costs, and that nothing read ahead
 * reaches a caller whose session does not hold.
 */
import { describe, expect, it } from 'vitest';

import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { api, sessionFor, signedTokenWithoutSession } from './helpers.js';

const licensed = demo.schoolLicence.workId;
const check = (workId: string, token: string) => api(`/api/licences/works/${encodeURIComponent(workId)}/access`, { token });

describe('issue 11: the entitlement check reads the entitlement with the account', () => {
  it('STORE-4: a licensed and an unlicensed work are answered at two point reads each (one request when licensed)', async () => {
    const { accessToken } = await sessionFor(demo.accounts.eeStudent);
    const yes = await check(licensed, accessToken);
    expect(yes.status).toBe(200);
    expect(yes.body).toMatchObject({ allowed: true, until: expect.any(String) });
    expect(parseCounts(yes.headers.get('x-cosmos-ops')!)).toMatchObject({ pointRead: 2, write: 0, query: 0 });

    const no = await check('work-fi-never-sold', accessToken);
    expect(no.status).toBe(200);
    expect(no.body).toEqual({ allowed: false });
    expect(parseCounts(no.headers.get('x-cosmos-ops')!)).toMatchObject({ pointRead: 2, write: 0, query: 0 });
  });

  it("STORE-4: another person's licence is not found through the caller's token (the read is in the caller's own partition)", async () => {
    // The teacher holds the school licence too; a student without it asks for the same work.
    const { accessToken } = await sessionFor(demo.accounts.eeStudent2);
    expect((await check(licensed, accessToken)).body).toEqual({ allowed: false });
  });

  it('AUTH-2: an ended session gets 401 and nothing read ahead; a token without a session too', async () => {
    const session = await sessionFor(demo.accounts.eeStudent);
    expect((await check(licensed, session.accessToken)).body.allowed).toBe(true);
    const ended = await api(`/api/me/sessions/${session.sessionId}`, { method: 'DELETE', token: session.accessToken });
    expect(ended.status).toBeLessThan(300);
    const after = await check(licensed, session.accessToken);
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ error: expect.objectContaining({ code: 'session_revoked' }) });
    expect(JSON.stringify(after.body)).not.toContain('until');

    const forged = await check(licensed, await signedTokenWithoutSession(demo.accounts.eeStudent));
    expect(forged.status).toBe(401);
    expect(forged.body).not.toHaveProperty('allowed');
  });

  it('a path that is not an id is 400 after the one read that authenticates, reading nothing ahead', async () => {
    const { accessToken } = await sessionFor(demo.accounts.eeStudent);
    const bad = await check('x'.repeat(300), accessToken);
    expect(bad.status).toBe(400);
    expect(parseCounts(bad.headers.get('x-cosmos-ops')!)).toMatchObject({ pointRead: 1, write: 0, query: 0 });
  });
});
