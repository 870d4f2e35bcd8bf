import { describe, expect, it, vi } from 'vitest';

import { budgetOf } from '../shared/http/budgets.js';
import { parseCounts } from '../shared/platform/operations.js';
import { api } from './helpers.js';
import { newPerson, newStudent } from './people.js';

/** Issue 12's closure gaps on the shared host (PRIV-8). */
describe('PRIV-8: a refused self-closure writes nothing', () => {
  it('PRIV-8: a school user asking to close their own account is refused (403 account_closed_by_school) with no write, at no more than the success path', async () => {
    const student = await newStudent('Sulgur', '2010-05-05');
    const refused = await api('/api/me/account/close', {
      method: 'POST',
      token: student.token,
      json: { confirm: true, password: 'a long test password 42' },
      headers: { 'x-forwarded-for': '203.0.113.77' },
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect((refused.body as { error: { code: string } }).error.code).toBe('account_closed_by_school');
    const counts = parseCounts(refused.headers.get('x-cosmos-ops') ?? '');
    expect(counts.write).toBe(0);
    expect(counts.pointRead + counts.query + counts.write + counts.crossPartitionQuery).toBeLessThanOrEqual(budgetOf('accounts-close', ['POST']).max);
  }, 60_000);

  it('PRIV-8, AUTH-2: a wrong password refuses the closure (403 wrong_password): only the sign-in throttle is written, at 7 operations for a first guess from an address (as before) and 6 for the next (was 9, then 8), and the account stays open', async () => {
    const person = await newPerson('Valeparool');
    const guess = () =>
      api('/api/me/account/close', {
        method: 'POST',
        token: person.token,
        json: { confirm: true, password: 'not the password at all' },
        headers: { 'x-forwarded-for': '203.0.113.78' },
      });
    const refused = await guess();
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect((refused.body as { error: { code: string } }).error.code).toBe('wrong_password');
    // The writes are AUTH-2's count of a wrong guess (the name + IP bucket reserved and settled, the name's count on
    // its login and the IP bucket counted): without them this route would be a password oracle with no throttle.
    // Nothing else is written; what was read before the check is reused. The IP slow-down is not read (the caller holds
    // a session of this one account), but the failure counts on the IP bucket: a conditional patch, which on a first
    // failure from the address finds no bucket, then a create. So 2 reads (authentication, login) and 5 writes: 7 (was
    // 12, then 9, then 8, then 7).
    const counts = parseCounts(refused.headers.get('x-cosmos-ops') ?? '');
    expect(counts).toMatchObject({ pointRead: 2, write: 5, query: 0, crossPartitionQuery: 0 });
    // The next guess finds both buckets: the login names the name + IP bucket as its last failure's, so the
    // reservation is one conditional patch on it (was a create that met it, its read and replace); the IP's count one
    // conditional patch (was 9: the IP bucket read and written).
    const again = parseCounts((await guess()).headers.get('x-cosmos-ops') ?? '');
    expect(again).toMatchObject({ pointRead: 2, write: 4, query: 0, crossPartitionQuery: 0 });
    const me = await api('/api/me', { token: person.token });
    expect(me.status).toBe(200);
    expect((me.body as { status?: string }).status).not.toBe('closed');
  }, 60_000);
});

describe('PRIV-1: what we hold counts every registry type the person has', () => {
  it('PRIV-1: a student sees counts for the documents kept in the school, the sign-in log and the rest, not only accounts and orders; single-partition reads only', async () => {
    const student = await newStudent('Loendur', '2011-03-03');
    // The first view asks the queue to count (issue 11); the counted view follows.
    let view = await api('/api/me/privacy/data', { token: student.token });
    await vi.waitFor(
      async () => {
        view = await api('/api/me/privacy/data', { token: student.token });
        expect((view.body as { preparing?: boolean }).preparing).toBeUndefined();
      },
      { timeout: 30_000, interval: 250 },
    );
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    const body = view.body as {
      counted: string[];
      categories: { category: string; holdsData: boolean | null; documentTypes: { type: string; count: number | null }[] }[];
    };
    const count = (type: string) => body.categories.flatMap((c) => c.documentTypes).find((d) => d.type === type)?.count;
    // The membership is in the school's partition, the invitation too: counted now (they were null).
    expect(count('membership')).toBeGreaterThanOrEqual(1);
    expect(count('answer')).toBe(0);
    expect(body.categories.find((c) => c.category === 'school-role')?.holdsData).toBe(true);
    expect(body.counted).toEqual(expect.arrayContaining(['accounts', 'schools']));
    const counts = parseCounts(view.headers.get('x-cosmos-ops') ?? '');
    expect(counts.crossPartitionQuery).toBe(0);
    expect(counts.write).toBe(0);
    expect(counts.pointRead + counts.query).toBeLessThanOrEqual(3);
  }, 60_000);
});
