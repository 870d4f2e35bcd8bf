import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import type { LocalHost } from '../shared/local/host.js';
import { startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { type JobDoc, runJob } from '../shared/platform/jobs.js';
import { client } from './learning-fixtures.js';

/**
 * RET-9 inactive accounts under the local clock, on a host of this file's own (the clock jumps to next summer):
 * 30 June nothing, 1 July the notice (Estonian time), 1 August the closure of those still inactive.
 */
let host: LocalHost;
let call: ReturnType<typeof client>;

const longAgo = '2021-05-03T10:00:00.000Z'; // more than 5 years before 1 August 2027
const year = 2027;
const ids = {
  inactive: 'acc-ret-inactive',
  returner: 'acc-ret-returner',
  legacy: 'acc-ret-legacy-no-sign-in-kept',
  recent: 'acc-ret-recent',
  teacher: 'acc-ret-teacher',
  // RET-9 names only a school role as keeping an account: operator staff unused for 5 years are closed too (README).
  staff: 'acc-ret-staff-support',
};

async function jumpTo(iso: string) {
  const delta = Date.parse(iso) - host.clock.now().getTime();
  expect(delta, `the clock only moves on: ${iso}`).toBeGreaterThan(0);
  host.clock.advance(delta);
}

const account = async (id: string) => (await host.services.db.collection('accounts').read<AccountDoc>(id, id))!;
const noticesTo = async (to: string) => {
  await host.bus.idle();
  return host.outbox.messages.filter((m) => m.to === to && /Opiq/.test(m.subject) && /(closed|suletakse|suljetaan)/.test(m.subject));
};
const runTimer = async () => {
  await host.timers.fire('retention-inactive-accounts');
  await host.bus.idle();
};

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  call = client(host);
  const accounts = host.services.db.collection('accounts');
  const base = { type: 'account' as const, country: 'EE' as const, status: 'active' as const, createdAt: longAgo, updatedAt: longAgo };
  const person = (id: string, extra: Partial<AccountDoc>): AccountDoc => ({
    ...base,
    id,
    accountId: id,
    firstName: 'Mari',
    lastName: 'Maasikas',
    email: `${id}@example.com`,
    language: 'et',
    ...extra,
  });
  await accounts.upsert(person(ids.inactive, { lastSignInAt: longAgo }));
  await accounts.upsert(person(ids.returner, { lastSignInAt: longAgo, language: 'fi', country: 'FI' }));
  await accounts.upsert(person(ids.legacy, { language: 'en' })); // never signed in since lastSignInAt was kept
  await accounts.upsert(person(ids.recent, { lastSignInAt: '2023-01-10T08:00:00.000Z' }));
  await accounts.upsert(person(ids.teacher, { lastSignInAt: longAgo, schoolRoles: [{ schoolId: demo.schools.ee, role: 'teacher' }] }));
  await accounts.upsert(person(ids.staff, { lastSignInAt: longAgo, staffRoles: ['support'] }));
});
afterAll(async () => host?.close());

describe('RET-9: inactive accounts are noticed on 1 July and closed on 1 August', () => {
  it('RET-9: signing in records the last sign-in on the account', async () => {
    const before = host.clock.now().toISOString();
    await call(ids.recent, 'GET', 'me');
    const signedIn = (await account(ids.recent)).lastSignInAt;
    expect(signedIn && signedIn >= before).toBe(true);
    // Back to a sign-in six years ago for the rest of the story.
    await host.services.db.collection('accounts').upsert<AccountDoc>({ ...(await account(ids.recent)), lastSignInAt: '2023-01-10T08:00:00.000Z' });
  });

  it('RET-9: on 30 June (23:59 in Tallinn) nothing is sent yet', async () => {
    await jumpTo('2027-06-30T20:59:00Z');
    await runTimer();
    expect(await noticesTo(`${ids.inactive}@example.com`)).toHaveLength(0);
    expect((await account(ids.inactive)).inactivityNotice).toBeUndefined();
  });

  it('RET-9: on 1 July (Estonian/Finnish time) the inactive accounts without a school role get one notice in their language, even when the job runs twice', async () => {
    await jumpTo('2027-06-30T21:30:00Z'); // 00:30 on 1 July in Tallinn and Helsinki
    await runTimer();
    await runTimer();
    const et = await noticesTo(`${ids.inactive}@example.com`);
    expect(et).toHaveLength(1);
    expect(et[0]!.subject).toMatch(/suletakse/);
    expect(et[0]!.text).toContain('2027-08-01');
    expect((await noticesTo(`${ids.returner}@example.com`))[0]?.subject).toMatch(/suljetaan/);
    expect(await noticesTo(`${ids.returner}@example.com`)).toHaveLength(1);
    expect(await noticesTo(`${ids.legacy}@example.com`)).toHaveLength(1);
    expect(await noticesTo(`${ids.recent}@example.com`)).toHaveLength(0);
    expect(await noticesTo(`${ids.teacher}@example.com`)).toHaveLength(0);
    expect(await noticesTo(`${ids.staff}@example.com`), 'RET-9: operator staff without a school role').toHaveLength(1);
    expect((await account(ids.inactive)).inactivityNotice?.year).toBe(year);
  });

  it('RET-9: operators see the notice job done with its counts (ops/jobs)', async () => {
    const seen = await call(demo.accounts.privacyOfficer, 'GET', 'ops/jobs');
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    const job = (seen.body.jobs as { name: string; period: string; state: string; counts: Record<string, number> }[]).find(
      (j) => j.name === 'inactive-accounts-notice' && j.period === String(year),
    );
    expect(job).toMatchObject({ state: 'done', resumable: false });
    expect(job!.counts.noticed).toBeGreaterThanOrEqual(3);
    expect((await call(demo.accounts.eeStudent, 'GET', 'ops/jobs')).status).toBe(403);
  });

  it('RET-9: even with its job record gone, a rerun sends no second notice: each account carries its mark for the year', async () => {
    await host.services.db.collection('jobs').delete(`job:inactive-accounts-notice:${year}`, 'system');
    await runTimer();
    for (const id of [ids.inactive, ids.returner, ids.legacy]) expect(await noticesTo(`${id}@example.com`), id).toHaveLength(1);
    const rerun = await host.services.db.collection('jobs').read<JobDoc>(`job:inactive-accounts-notice:${year}`, 'system');
    expect(rerun?.counts.noticed, 'no account noticed twice').toBeUndefined();
    expect(rerun?.counts.skipped).toBeGreaterThanOrEqual(3);
  });

  it('RET-9: on 1 August those still inactive are closed; one who signed in after the notice keeps the account', async () => {
    await jumpTo('2027-07-15T09:00:00Z');
    await call(ids.returner, 'GET', 'me'); // the sign-in after the notice
    await jumpTo('2027-07-31T20:59:00Z'); // still 31 July in Tallinn
    await runTimer();
    expect((await account(ids.inactive)).status).toBe('active');
    await jumpTo('2027-07-31T22:00:00Z'); // 01:00 on 1 August
    await runTimer();
    await runTimer();
    for (const id of [ids.inactive, ids.legacy, ids.staff]) {
      const closed = await account(id);
      expect(closed.status, id).toBe('closed');
      expect(closed.closure).toMatchObject({ as: 'inactivity', by: 'system' });
      expect(await host.services.db.collection('jobs').read(`account-closure:${id}`, id)).toMatchObject({
        type: 'account-closure',
        as: 'inactivity',
      });
    }
    for (const id of [ids.returner, ids.recent, ids.teacher]) expect((await account(id)).status, id).toBe('active');
  });
});

describe('RET-9: retention jobs are resumable and run once per period', () => {
  it('RET-9: a job killed after its first page resumes at the checkpoint, and a second run of a done period does nothing', async () => {
    const pages: (string | undefined)[] = [];
    const job = { name: 'test-resumable', period: 'p1' };
    let fail = true;
    const page = async (checkpoint: string | undefined) => {
      pages.push(checkpoint);
      if (checkpoint === 'b' && fail) throw new Error('killed');
      return { counts: { seen: 1 }, next: checkpoint === undefined ? 'b' : checkpoint === 'b' ? 'c' : undefined };
    };
    await expect(runJob(host.services, job, page)).rejects.toThrow('killed');
    const stopped = await host.services.db.collection('jobs').read<JobDoc>('job:test-resumable:p1', 'system');
    expect(stopped).toMatchObject({ state: 'running', checkpoint: 'b', pages: 1, counts: { seen: 1 } });
    fail = false;
    const resumed = await runJob(host.services, job, page);
    expect(resumed.ran).toBe(true);
    expect(resumed.job).toMatchObject({ state: 'done', pages: 3, counts: { seen: 3 } });
    expect(pages).toEqual([undefined, 'b', 'b', 'c']);
    const again = await runJob(host.services, job, page);
    expect(again.ran).toBe(false);
    expect(pages).toHaveLength(4);
  });

  it('RET-6: a sweep job (again) keeps one document, starts afresh once done, stops after maxPages and the next run goes on from its checkpoint', async () => {
    const job = { name: 'test-sweep', period: 'sweep' };
    const seen: (string | undefined)[] = [];
    const page = async (checkpoint: string | undefined) => {
      seen.push(checkpoint);
      const pages: Record<string, string | undefined> = { '': 'b', b: 'c', c: undefined };
      const next = pages[checkpoint ?? ''];
      return { counts: { seen: 1 }, next };
    };
    const first = await runJob(host.services, job, page, { again: true, maxPages: 2 });
    expect(first.job).toMatchObject({ state: 'running', checkpoint: 'c', pages: 2, counts: { seen: 2 } });
    const rest = await runJob(host.services, job, page, { again: true, maxPages: 2 });
    expect(rest.job).toMatchObject({ state: 'done', pages: 3, counts: { seen: 3 } });
    expect(seen).toEqual([undefined, 'b', 'c']);
    const fresh = await runJob(host.services, job, page, { again: true });
    expect(fresh.ran).toBe(true);
    expect(fresh.job).toMatchObject({ state: 'done', pages: 3, counts: { seen: 3 } });
    expect(seen).toEqual([undefined, 'b', 'c', undefined, 'b', 'c']);
    const docs = await host.services.db.collection('jobs').queryAll<JobDoc>('system', { where: "c.type = 'job' AND c.name = 'test-sweep'" });
    expect(docs).toHaveLength(1);
  });
});
