import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { Browser } from '../shared/local/identity/browser.js';
import { demo } from '../shared/local/seed.js';
import { apiAt } from './helpers.js';

/**
 * OPS-3: MPASSid's roles beyond teacher (principal, staff) and the MPASSid school codes a school lists. Its own host:
 * it switches the Finnish school's trust in MPASSid roles and changes school codes.
 */
let host: LocalHost;
const school = demo.schools.fi;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0 });
});
afterAll(async () => host?.close());

const call = apiAt(() => host.url);

async function tokenFor(accountId: string): Promise<string> {
  return (await call('/_local/tokens', { method: 'POST', json: { accountId } })).body.accessToken as string;
}

async function signInWithMpassid(loginHint: string) {
  const browser = new Browser();
  const start = new URL(`${host.url}/api/auth/mpassid/login`);
  start.searchParams.set('loginHint', loginHint);
  start.searchParams.set('returnTo', '/');
  const callback = await browser.followUntil(start, `${host.url}/api/auth/mpassid/callback`);
  await browser.navigate(new URL(callback), { stopAt: host.config.PUBLIC_WEB_URL });
  const me = await browser.request(`${host.url}/api/me`);
  expect(me.status).toBe(200);
  return (await me.json()) as { id: string; schoolRoles: { schoolId: string; role: string }[] };
}

/** The school's pending MPASSid requests that this account claims. */
async function requestsOf(accountId: string) {
  const admin = await tokenFor(demo.accounts.twoSchools);
  const { body } = await call(`/api/schools/${school}/invitations?status=pending`, { token: admin });
  return (body.invitations as { id: string; role: string; inviter: { firstName: string }; claims?: { accountId: string }[] }[]).filter((i) =>
    i.claims?.some((c) => c.accountId === accountId),
  );
}

const toAdmin = (subject: string) => host.outbox.messages.filter((m) => m.to === 'helena.kaks@example.com' && m.subject === subject);

describe('OPS-3: MPASSid principals and staff', () => {
  it('OPS-3, ACC-2: a principal is never given the administrator role by MPASSid, even where the school trusts MPASSid roles: the school confirms it', async () => {
    const admin = await tokenFor(demo.accounts.twoSchools);
    expect((await call(`/api/schools/${school}/mpassid`, { method: 'PUT', token: admin, json: { trustMpassidRoles: true } })).status).toBe(200);

    // Sari is principal and teacher: the trusted teacher role at once, the administrator role only asked for.
    const principal = await signInWithMpassid('sari.niemi');
    expect(principal.schoolRoles.filter((r) => r.schoolId === school).map((r) => r.role)).toEqual(['teacher']);
    await host.bus.idle();
    const requests = await requestsOf(principal.id);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ role: 'schoolAdmin', inviter: { firstName: 'MPASSid' } });
    expect(toAdmin('Rehtori odottaa vahvistusta (MPASSid)')).toHaveLength(1);
    expect(toAdmin('Rehtori odottaa vahvistusta (MPASSid)')[0]!.text).toContain('koulun ylläpitäjä');

    // Again: nothing new is asked.
    await signInWithMpassid('sari.niemi');
    await host.bus.idle();
    expect(await requestsOf(principal.id)).toHaveLength(1);
    expect(toAdmin('Rehtori odottaa vahvistusta (MPASSid)')).toHaveLength(1);

    const confirmed = await call(`/api/schools/${school}/invitations/${encodeURIComponent(requests[0]!.id)}/claims/${principal.id}/confirm`, {
      method: 'POST',
      token: admin,
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ schoolId: school, role: 'schoolAdmin' });
    const after = await signInWithMpassid('sari.niemi');
    expect(after.schoolRoles.filter((r) => r.schoolId === school).map((r) => r.role)).toEqual(expect.arrayContaining(['teacher', 'schoolAdmin']));
    expect(await requestsOf(principal.id)).toHaveLength(0);
  });

  it("OPS-3, ACC-2: staff (Henkilökunta) are offered the teacher role on the school's confirmation, trust or not", async () => {
    const staff = await signInWithMpassid('pekka.heikkinen');
    expect(staff.schoolRoles).toEqual([]);
    await host.bus.idle();
    const requests = await requestsOf(staff.id);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ role: 'teacher' });
    expect(toAdmin('Henkilökunnan jäsen odottaa vahvistusta (MPASSid)')).toHaveLength(1);
  });
});

describe('OPS-3: an MPASSid school code belongs to one school', () => {
  // One token for all: both requests of a race reach the host at once.
  let staff: string;
  beforeAll(async () => {
    staff = await tokenFor(demo.accounts.operatorAdmin);
  });
  const patch = (schoolId: string, codes: string[]) =>
    call(`/api/ops/schools/${schoolId}`, { method: 'PATCH', token: staff, json: { mpassidSchoolCodes: codes } });

  async function newSchool(registryCode: string) {
    const created = await call('/api/ops/schools', {
      method: 'POST',
      token: staff,
      json: { name: `Koulu ${registryCode}`, country: 'FI', registryCode },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }

  it('OPS-3: two staff members listing one code for two schools at the same moment: one succeeds, the other is 409', async () => {
    const other = await newSchool('2345678-9');
    // Several rounds: each must have exactly one winner.
    for (const code of ['54321', '54322', '54323', '54324', '54325']) {
      const answers = await Promise.all([patch(demo.schools.ee, [code]), patch(other, [code])]);
      expect(answers.map((a) => a.status).sort(), code).toEqual([200, 409]);
      expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('organisation_mpassid_code_taken');
    }
    // A retry of the winner's request is answered as before.
    const index = await host.services.db
      .collection('schools')
      .read<{ id: string; type: string; holder: string }>('mpassid-code:54325', 'mpassid-codes');
    expect([demo.schools.ee, other]).toContain(index?.holder);
    expect((await patch(index!.holder, ['54325'])).status).toBe(200);
  });

  it('OPS-3: a code a school drops is free for another school; a claim whose school never listed the code is free after ten minutes', async () => {
    const first = await newSchool('3456789-0');
    const second = await newSchool('4567890-1');
    expect((await patch(first, ['65432'])).status).toBe(200);
    expect((await patch(second, ['65432'])).status).toBe(409);
    expect((await patch(first, [])).status).toBe(200);
    expect((await patch(second, ['65432'])).status).toBe(200);

    // A request that claimed the code and failed before the school's list was written.
    const schools = host.services.db.collection('schools');
    await schools.create({
      id: 'mpassid-code:76543',
      type: 'mpassid-code',
      schoolId: 'mpassid-codes',
      code: '76543',
      holder: first,
      claimedAt: host.clock.now().toISOString(),
    });
    expect((await patch(second, ['65432', '76543'])).status).toBe(409);
    host.clock.advance(11 * 60_000);
    expect((await patch(second, ['65432', '76543'])).status).toBe(200);
    expect((await schools.read<{ id: string; type: string; holder: string }>('mpassid-code:76543', 'mpassid-codes'))?.holder).toBe(second);
  });
});
