import { describe, expect, it } from 'vitest';

import { demo } from '../shared/local/seed.js';
import { localDate } from '../shared/store/dates.js';
import { api, tokenFor } from './helpers.js';
import { newPerson } from './people.js';

/**
 * Issue 9 on the shared host: idempotency keys on creating routes, per-person limits, paging with sealed tokens, and
 * bodies that cannot be read one way only.
 */

const post = (path: string, token: string, json: unknown, key?: string) =>
  api(path, { method: 'POST', token, json, ...(key ? { headers: { 'idempotency-key': key } } : {}) });

describe('idempotency keys, limits, paging and strict bodies (issue 9)', () => {
  it('ACC-6: with an Idempotency-Key a repeated support request, message and reply is made once; the key for something else is 409', async () => {
    const user = await newPerson('Kordaja', { language: 'en' });
    const first = await post('/api/me/support-requests', user.token, { subject: 'Twice sent', message: 'Hello once' }, 'support-key-0001');
    expect(first.status).toBe(201);
    const again = await post('/api/me/support-requests', user.token, { subject: 'Twice sent', message: 'Hello once' }, 'support-key-0001');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await post('/api/me/support-requests', user.token, { subject: 'Something else', message: 'Hello' }, 'support-key-0001');
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await post('/api/me/support-requests', user.token, { subject: 'Bad key', message: 'x' }, 'no')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_idempotency_key' } },
    });

    const id = encodeURIComponent(first.body.id);
    for (let i = 0; i < 2; i++)
      expect((await post(`/api/me/support-requests/${id}/messages`, user.token, { message: 'Follow-up' }, 'message-key-0001')).status).toBe(200);
    const staff = await tokenFor(demo.accounts.staff);
    for (let i = 0; i < 2; i++)
      expect(
        (await post(`/api/ops/accounts/${user.accountId}/support-requests/${id}/replies`, staff, { message: 'Answer' }, 'reply-key-00001')).status,
      ).toBe(200);
    const listed = await api('/api/me/support-requests', { token: user.token });
    expect(listed.body.requests).toHaveLength(1);
    expect(listed.body.requests[0].messages.map((m: { text: string }) => m.text)).toEqual(['Hello once', 'Follow-up', 'Answer']);
    const mails = (await api<{ to: string; subject: string }[]>('/_local/outbox')).body.filter(
      (m) => m.to === user.email.toLowerCase() && m.subject.includes('Twice sent'),
    );
    expect(mails).toHaveLength(1);
  });

  it('ACC-2: with an Idempotency-Key a repeated invitation is the same one and e-mailed once; the key for another address is 409', async () => {
    const admin = await tokenFor(demo.accounts.eeAdmin);
    const email = `kutse-${Date.now()}@example.com`;
    const path = `/api/schools/${demo.schools.ee}/invitations`;
    const first = await post(path, admin, { email, role: 'student', classId: demo.classes.ee5a }, 'invite-key-0001');
    expect(first.status).toBe(201);
    const again = await post(path, admin, { email, role: 'student', classId: demo.classes.ee5a }, 'invite-key-0001');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect((await post(path, admin, { email: `other-${email}`, role: 'student', classId: demo.classes.ee5a }, 'invite-key-0001')).status).toBe(409);
    const mails = (await api<{ to: string }[]>('/_local/outbox')).body.filter((m) => m.to === email);
    expect(mails).toHaveLength(1);
  });

  it('the OpenAPI document names the Idempotency-Key header on the routes that honour it', async () => {
    const doc = (await api('/api/openapi.json')).body;
    const header = (path: string, method: string) =>
      (doc.paths[path][method].parameters as { name: string }[]).some((p) => p.name === 'Idempotency-Key');
    expect(header('/api/store/orders', 'post')).toBe(true);
    expect(header('/api/me/support-requests', 'post')).toBe(true);
    expect(header('/api/me/support-requests/{requestId}/messages', 'post')).toBe(true);
    expect(header('/api/me/support-requests', 'get')).toBe(false);
  });

  it('ACC-6: one person can keep at most 20 open support requests and 40 messages in one; the list is paged with a sealed continuation', async () => {
    const user = await newPerson('Piirang');
    for (let i = 0; i < 20; i++)
      expect((await post('/api/me/support-requests', user.token, { subject: `Request ${i}`, message: 'x'.repeat(100) })).status).toBe(201);
    const refused = await post('/api/me/support-requests', user.token, { subject: 'One too many', message: 'x' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('support_request_limit');

    const seen = new Set<string>();
    let continuation: string | undefined;
    let pages = 0;
    do {
      const page = await api(`/api/me/support-requests?pageSize=7${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ''}`, {
        token: user.token,
      });
      expect(page.status).toBe(200);
      expect(page.body.requests.length).toBeLessThanOrEqual(7);
      for (const r of page.body.requests) seen.add(r.id);
      continuation = page.body.continuation;
      pages += 1;
    } while (continuation);
    expect(seen.size).toBe(20);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect((await api('/api/me/support-requests?pageSize=21', { token: user.token })).status).toBe(400);

    const [target] = [...seen];
    const id = encodeURIComponent(target!);
    for (let i = 1; i < 40; i++)
      expect((await post(`/api/me/support-requests/${id}/messages`, user.token, { message: `More ${i}` })).status).toBe(200);
    const full = await post(`/api/me/support-requests/${id}/messages`, user.token, { message: 'The 41st' });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('support_request_full');
  });

  it('ACL-1: the school members list is paged by role document with a sealed continuation', async () => {
    const admin = await tokenFor(demo.accounts.eeAdmin);
    const ids: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await api(
        `/api/schools/${demo.schools.ee}/members?pageSize=2${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ''}`,
        { token: admin },
      );
      expect(page.status).toBe(200);
      expect(page.body.members.length).toBeLessThanOrEqual(2);
      ids.push(...page.body.members.map((m: { accountId: string }) => m.accountId));
      continuation = page.body.continuation;
    } while (continuation);
    const a = demo.accounts;
    // Staff of the school (other files end students' roles on this shared host).
    for (const member of [a.eeAdmin, a.eeClassTeacher, a.eeTeacher]) expect(ids).toContain(member);
  });

  it('STORE-7: a checkout body with acknowledgeNoWithdrawal twice is 400, whichever comes last, and orders nothing', async () => {
    const { token } = await newPerson('Kahene');
    const fields = `"publisherId":"${demo.publishers.ee}","packageId":"package-ee-est-5","months":1,"startDate":"${localDate(new Date())}","paymentMethod":{"type":"card"}`;
    for (const body of [
      `{${fields},"acknowledgeNoWithdrawal":false,"acknowledgeNoWithdrawal":true}`,
      `{${fields},"acknowledgeNoWithdrawal":true,"acknowledgeNoWithdrawal":false}`,
    ]) {
      const r = await api('/api/store/orders', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('duplicate_json_key');
    }
    const lone = await api('/api/me/support-requests', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: '{"subject":"Lone \\ud800 surrogate","message":"x"}',
    });
    expect(lone.status).toBe(400);
    expect(lone.body.error.code).toBe('invalid_text');
    expect((await api('/api/store/orders', { token })).body.orders).toEqual([]);
  });
});
