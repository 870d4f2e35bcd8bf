import { describe, expect, it } from 'vitest';

import { parseCounts } from '../shared/platform/operations.js';
import { api, type ApiResponse } from './helpers.js';
import { newPerson } from './people.js';

/**
 * Issue 11: the three routes that check a password, within the write budget (5) on their success path, and their
 * wrong-password paths no dearer than before (AUTH-2's throttle kept whole; shared/auth/throttle.ts).
 */
const PASSWORD = 'a long test password 42';
let ipSerial = 0;
const newIp = () => `198.51.100.${(++ipSerial % 250) + 1}`;
const opsOf = (answer: ApiResponse) => parseCounts(answer.headers.get('x-cosmos-ops') ?? '');
const totalOf = (answer: ApiResponse) => {
  const c = opsOf(answer);
  return c.pointRead + c.write + c.query + c.crossPartitionQuery;
};

const signIn = (email: string, password: string, ip: string) =>
  api('/api/auth/password/login', { method: 'POST', headers: { 'x-session-delivery': 'body', 'x-forwarded-for': ip }, json: { email, password } });
const changePassword = (token: string, currentPassword: string, ip: string) =>
  api('/api/me/password', {
    method: 'POST',
    token,
    headers: { 'x-forwarded-for': ip },
    json: { currentPassword, newPassword: 'another long password 43' },
  });

describe('issue 11: the password routes within budget', () => {
  it('AUTH-2, AUTH-4: a password sign-in costs 5 (login, reservation in the account partition, IP read, account, one batch that also removes the reservation); a wrong password 7 (was 8: its login-log entry goes in the batch that counts it in the bucket)', async () => {
    const person = await newPerson('Budgetsignin');
    const ip = newIp();
    const ok = await signIn(person.email, PASSWORD, ip);
    expect(ok.status).toBe(200);
    expect(opsOf(ok)).toMatchObject({ pointRead: 3, write: 2, query: 0, crossPartitionQuery: 0 });
    // The reservation went with the session: the next sign-in from the address reserves with one create again.
    const next = await signIn(person.email, PASSWORD, ip);
    expect(totalOf(next)).toBe(5);
    const wrong = await signIn(person.email, 'not the password at all', newIp());
    expect(wrong.status).toBe(401);
    // Login, account and IP bucket read; the reservation created, one batch of the failure in the bucket and its
    // login-log entry, the name's count on the login, the IP's.
    expect(opsOf(wrong)).toMatchObject({ pointRead: 3, write: 4, query: 0, crossPartitionQuery: 0 });
  }, 60_000);

  it('AUTH-2: the right password right after a mistyped one from the same address costs 5, like a clean sign-in (was 8: login, reservation by one conditional patch, IP read, account, one batch that also empties the bucket), and so does the next sign-in from there (was 7); a second wrong guess from there 7 (was 10, then 8)', async () => {
    const person = await newPerson('Budgetretry');
    const ip = newIp();
    expect((await signIn(person.email, 'not the password at all', ip)).status).toBe(401);
    const ok = await signIn(person.email, PASSWORD, ip);
    expect(ok.status).toBe(200);
    expect(opsOf(ok)).toMatchObject({ pointRead: 3, write: 2, query: 0, crossPartitionQuery: 0 });
    // The login still names this address's bucket as its last failure's, so the success kept it, emptied: the next
    // sign-in from there patches it again (5; the former code's create that met it, its read and replace: 7).
    const again = await signIn(person.email, PASSWORD, ip);
    expect(again.status).toBe(200);
    expect(opsOf(again)).toMatchObject({ pointRead: 3, write: 2, query: 0, crossPartitionQuery: 0 });

    const guesser = await newPerson('Budgetretrywrong');
    const guesses = newIp();
    expect((await signIn(guesser.email, 'not the password at all', guesses)).status).toBe(401);
    const second = await signIn(guesser.email, 'not the password either', guesses);
    expect(second.status).toBe(401);
    // The reservation one patch (the former code: a create that failed, a read and a replace); the failure and its
    // login-log entry one batch.
    expect(opsOf(second)).toMatchObject({ pointRead: 3, write: 4, query: 0, crossPartitionQuery: 0 });
  }, 60_000);

  it('AUTH-2: a password change costs 5 (authentication, login, reservation, login write, log batch); a wrong current password 7 for a first guess from an address (as before), 6 for the next (was 9); the right one after them 5 (was 8, then 6)', async () => {
    const changer = await newPerson('Budgetchanger');
    const changed = await changePassword(changer.token, PASSWORD, newIp());
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(opsOf(changed)).toMatchObject({ pointRead: 2, write: 3, query: 0, crossPartitionQuery: 0 });

    const guesser = await newPerson('Budgetguesser');
    const ip = newIp();
    const first = await changePassword(guesser.token, 'not the password at all', ip);
    expect(first.status).toBe(403);
    expect((first.body as { error: { code: string } }).error.code).toBe('wrong_password');
    // The IP bucket is not read (the caller holds a session of this one account); the failure is counted there by a
    // conditional patch, which finds no bucket on a first failure from the address, then a create.
    expect(opsOf(first)).toMatchObject({ pointRead: 2, write: 5, query: 0, crossPartitionQuery: 0 });
    const second = await changePassword(guesser.token, 'not the password either', ip);
    expect(second.status).toBe(403);
    // The login names this address's bucket as its last failure's: the reservation is one conditional patch on it.
    expect(opsOf(second)).toMatchObject({ pointRead: 2, write: 4, query: 0, crossPartitionQuery: 0 });
    // The right one after them: the reservation one patch, the login write, and the bucket (failures in it) removed in
    // the batch that writes the login-log entry: 5 (was 8, then 6 with the bucket settled by a write of its own).
    const right = await changePassword(guesser.token, PASSWORD, ip);
    expect(right.status, JSON.stringify(right.body)).toBe(200);
    expect(opsOf(right)).toMatchObject({ pointRead: 2, write: 3, query: 0, crossPartitionQuery: 0 });
  }, 60_000);

  it('PRIV-8: closing an account with its password costs 4 (authentication, login, reservation, the account write)', async () => {
    const person = await newPerson('Budgetcloser');
    const closed = await api('/api/me/account/close', {
      method: 'POST',
      token: person.token,
      json: { confirm: true, password: PASSWORD },
      headers: { 'x-forwarded-for': newIp() },
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(opsOf(closed)).toMatchObject({ pointRead: 2, write: 2, query: 0, crossPartitionQuery: 0 });
  }, 60_000);

  it('AUTH-2: wrong passwords at sign-in and at a password change count together: 3 + 2 from one address lock the name there (the right password too); from another address it signs in', async () => {
    const person = await newPerson('Budgetshared');
    const ip = newIp();
    for (let i = 0; i < 3; i++) expect((await signIn(person.email, `wrong guess ${i}`, ip)).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await changePassword(person.token, `wrong guess ${i + 3}`, ip)).status).toBe(403);
    const locked = await signIn(person.email, PASSWORD, ip);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
    expect((await changePassword(person.token, PASSWORD, ip)).status).toBe(429);
    expect((await signIn(person.email, PASSWORD, newIp())).status).toBe(200);
  }, 60_000);
});
