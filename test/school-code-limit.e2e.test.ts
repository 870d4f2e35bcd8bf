/**
 * ACC-5: a school administrator enters or corrects students' personal codes, at most SCHOOL_CODE_CHANGES_PER_WINDOW in
 * 15 minutes (a class's codes and typos, not a sweep of codes); past it 429 with Retry-After, then again once the
 * window has passed. On a host of its own with a limit of 3 and a clock it moves (the shared host allows more, as
 * every suite's new students get their codes from the one demo administrator).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { apiAt } from './helpers.js';
import { estonianCode } from './people.js';

let host: LocalHost;
const api = apiAt(() => host.url);
beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    sweepIntervalMs: 0,
    identityStandIns: false,
    maksekeskusStandIn: false,
    env: { SCHOOL_CODE_CHANGES_PER_WINDOW: '3' },
  });
});
afterAll(async () => host?.close());

const tokenOf = async (accountId: string) =>
  (await api<{ accessToken: string }>('/_local/tokens', { method: 'POST', json: { accountId } })).body.accessToken;

describe('ACC-5: personal codes a school administrator enters, limited per 15 minutes', () => {
  it('ACC-5: the fourth code within 15 minutes is 429 with Retry-After (names alone are not limited), and allowed again after the window', async () => {
    let admin = await tokenOf(demo.accounts.eeAdmin);
    const enter = (accountId: string, code: string | null) =>
      api(`/api/schools/${demo.schools.ee}/students/${accountId}`, {
        method: 'PATCH',
        token: admin,
        json: { personalCode: code && { country: 'EE', code } },
      });
    const year = new Date().getFullYear() - 11;
    for (const [i, student] of [demo.accounts.eeStudent, demo.accounts.eeStudent2, demo.accounts.eeStudent].entries())
      expect((await enter(student, estonianCode(`${year}-0${i + 1}-1${i}`))).status).toBe(200);
    const refused = await enter(demo.accounts.eeStudent2, null);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'too_many_attempts' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // A name correction names no code and is not counted.
    const renamed = await api(`/api/schools/${demo.schools.ee}/students/${demo.accounts.eeStudent2}`, {
      method: 'PATCH',
      token: admin,
      json: { firstName: 'Liisa' },
    });
    expect(renamed.status).toBe(200);

    host.clock.advance(31 * 60_000);
    admin = await tokenOf(demo.accounts.eeAdmin); // the access token lives 15 minutes
    expect((await enter(demo.accounts.eeStudent2, null)).status).toBe(200);
  });
});
