import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { subjectDocuments } from '../shared/privacy/subject-documents.js';
import { client } from './learning-fixtures.js';
import { birthDateIn, estonianCode } from './people.js';
import { writeTestAccount } from './unit-account.js';

/**
 * Issue 11: a parent asking for a child by personal code (ACC-3) counts the request on their own account (read by
 * the authentication) instead of a bucket of its own, whose create-or-patch cost two operations once it existed.
 */
const S = demo.schools;
const A = demo.accounts;

let host: LocalHost;
let call: ReturnType<typeof client>;

async function parent(schoolPartitions?: string[]): Promise<string> {
  const accountId = `acc-linkcost-${randomUUID().slice(0, 8)}`;
  await writeTestAccount(host.services.db, host.clock, accountId, {
    firstName: 'Vanem',
    lastName: 'Proov',
    ...(schoolPartitions ? { schoolPartitions } : {}),
  });
  return accountId;
}

/** A personal code of the demo student, indexed as a verified code is. */
async function codeOf(accountId: string): Promise<string> {
  const code = estonianCode(birthDateIn(2013));
  await host.services.db.collection('logins').upsert({
    id: `pcode:EE:${code}`,
    type: 'login-index',
    accountId,
    kind: 'personal-code',
    verification: 'eid',
    linkedAt: host.clock.now().toISOString(),
  });
  return code;
}

const ask = (parentId: string, code: string) => call(parentId, 'POST', 'me/children', { personalCode: { country: 'EE', code } });
const opsOf = (headers: Headers) => {
  const c = parseCounts(headers.get('x-cosmos-ops') ?? '');
  return { total: c.pointRead + c.write + c.query + c.crossPartitionQuery, ...c };
};

async function exportedLinks(accountId: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for await (const part of subjectDocuments(host.services, accountId)) if (part.spec.type === 'parent-link') found.push(...part.documents);
  return found;
}

let student: string;
let student2: string;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  call = client(host);
  student = await codeOf(A.eeStudent);
  student2 = await codeOf(A.eeStudent2);
}, 60_000);
afterAll(async () => host?.close());

describe('ACC-3, issue 11: a link request counted on the asking account', () => {
  it('ACC-3: 5 operations for a parent whose account names the school, the first request of the window and the next alike', async () => {
    const p = await parent([S.ee]);
    const first = await ask(p, student);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    // Authentication, the count (a replace: the window starts), the code index, the child's account, the link.
    expect(opsOf(first.headers)).toMatchObject({ total: 5, pointRead: 3, write: 2, query: 0, crossPartitionQuery: 0 });
    const second = await ask(p, student2);
    expect(second.status).toBe(202);
    // The count is one conditional patch now that the window is open (the bucket's create-then-patch was two).
    expect(opsOf(second.headers)).toMatchObject({ total: 5, pointRead: 3, write: 2 });
    const stored = await host.services.db.collection('accounts').read<AccountDoc & Record<string, unknown>>(p, p);
    expect(stored).toMatchObject({ link_requests_count: 2 });
    expect((await exportedLinks(p)).map((l) => l.childAccountId).sort()).toEqual([A.eeStudent, A.eeStudent2].sort());
  });

  it("PRIV-2: a parent's first request in a school the account does not name yet costs 6 (the school noted, from the count's write) and is in the export at once", async () => {
    const p = await parent();
    const asked = await ask(p, student);
    expect(asked.status).toBe(202);
    // The note is written from the account the count wrote (its ETag), so no conflict and no read again.
    expect(opsOf(asked.headers)).toMatchObject({ total: 6, pointRead: 3, write: 3 });
    expect((await host.services.db.collection('accounts').read<AccountDoc>(p, p))?.schoolPartitions).toEqual([S.ee]);
    expect(await exportedLinks(p)).toEqual([expect.objectContaining({ parentAccountId: p, childAccountId: A.eeStudent, status: 'requested' })]);
  });

  it('ACC-3: 20 requests at once: at most 10 are counted (and only those look anyone up), the rest refused (429); once locked a request costs the authenticating read only', async () => {
    const p = await parent([S.ee]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(p, estonianCode(birthDateIn(2012)))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(10);
    expect(
      statuses.every((s) => s === 202 || s === 429),
      JSON.stringify(statuses),
    ).toBe(true);
    // Every request answered 202 was counted before it looked anyone up; the count stops at the limit and locks.
    const stored = await host.services.db.collection('accounts').read<AccountDoc & Record<string, unknown>>(p, p);
    expect(stored?.link_requests_count).toBe(statuses.filter((s) => s === 202).length);
    expect(Number(stored?.link_requests_locked_ms)).toBeGreaterThan(host.clock.now().getTime());
    const locked = await ask(p, estonianCode(birthDateIn(2012)));
    expect([locked.status, locked.body.error.code]).toEqual([429, 'too_many_attempts']);
    expect(opsOf(locked.headers)).toMatchObject({ total: 1, pointRead: 1, write: 0 });
  });

  it("ACC-3: a student's request for a parent counts on the student's account too (one count per person for both directions)", async () => {
    const p = await parent([S.ee]);
    const before = await host.services.db.collection('accounts').read<AccountDoc & Record<string, unknown>>(A.eeStudent, A.eeStudent);
    const asked = await call(A.eeStudent, 'POST', 'me/parents', { parentEmail: `${p}@example.com` });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    const after = await host.services.db.collection('accounts').read<AccountDoc & Record<string, unknown>>(A.eeStudent, A.eeStudent);
    expect(Number(after?.link_requests_count ?? 0)).toBe(Number(before?.link_requests_count ?? 0) + 1);
  });

  it('ACC-3: a student whose count is locked is answered 429 too_many_attempts on the parent request (a declared answer, not a 500), nothing looked up', async () => {
    const accounts = host.services.db.collection('accounts');
    const current = await accounts.read<AccountDoc & Record<string, unknown>>(A.eeStudent, A.eeStudent);
    await accounts.upsert({ ...current!, link_requests_count: 10, link_requests_locked_ms: host.clock.now().getTime() + 15 * 60_000 });
    const p = await parent([S.ee]);
    const refused = await call(A.eeStudent, 'POST', 'me/parents', { parentEmail: `${p}@example.com` });
    expect([refused.status, refused.body.error?.code]).toEqual([429, 'too_many_attempts']);
    expect(opsOf(refused.headers)).toMatchObject({ total: 1, write: 0 });
  });
});
