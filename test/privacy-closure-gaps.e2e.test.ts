import { describe, expect, it } from 'vitest';

import { budgetOf, ROUTE_BUDGETS } from '../shared/http/budgets.js';
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

  it('PRIV-8, AUTH-2: a wrong password refuses the closure (403 wrong_password): only the sign-in throttle is written (4), at no more than a closure that succeeds, and the account stays open', async () => {
    const person = await newPerson('Valeparool');
    const refused = await api('/api/me/account/close', {
      method: 'POST',
      token: person.token,
      json: { confirm: true, password: 'not the password at all' },
      headers: { 'x-forwarded-for': '203.0.113.78' },
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect((refused.body as { error: { code: string } }).error.code).toBe('wrong_password');
    // The 4 writes are AUTH-2's count of a wrong guess (the name + IP bucket reserved and settled, the name and IP
    // buckets counted): without them this route would be a password oracle with no throttle. Nothing else is written;
    // the buckets read before the check are reused, so the refusal costs no more than a closure that succeeds (was 12).
    const counts = parseCounts(refused.headers.get('x-cosmos-ops') ?? '');
    expect(counts.write).toBe(4);
    expect(counts.pointRead + counts.query + counts.write + counts.crossPartitionQuery).toBeLessThanOrEqual(
      ROUTE_BUDGETS['accounts-close']!.exception!.measured,
    );
    const me = await api('/api/me', { token: person.token });
    expect(me.status).toBe(200);
    expect((me.body as { status?: string }).status).not.toBe('closed');
  }, 60_000);
});
