import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type CosmosFault, type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { AdjustableClock } from './clock.js';
import { ConcurrentUpdateError, createDatabase, type Database, type Doc, DocumentExistsError, StoreUnavailableError } from './cosmos.js';

/**
 * STORE-2 / issue 9: the adapter against the faults Cosmos DB really produces, injected into the embedded server.
 * Transient failures are retried inside one budget per operation; a write whose answer was lost is recognised as our
 * own when the retry meets it; past the budget the caller gets StoreUnavailableError (HTTP: 503 + Retry-After).
 */
describe('Cosmos adapter under injected faults', () => {
  let cosmos: EmbeddedCosmos;
  let db: Database;
  const policy = { attemptTimeoutMs: 400, budgetMs: 1_500 };
  /** Faults for the next matching requests, in order; then requests pass. */
  let script: { match: (r: { method: string; path: string }) => boolean; fault: CosmosFault }[] = [];
  const seen: string[] = [];

  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos(dataRegistry, 0, policy);
    db = createDatabase(cosmos.client, dataRegistry.database, storageRules, new AdjustableClock(), policy);
    cosmos.setFaultHook((request) => {
      seen.push(`${request.method} ${request.path}`);
      const index = script.findIndex((s) => s.match(request));
      if (index < 0) return undefined;
      return script.splice(index, 1)[0]?.fault;
    });
  });
  afterEach(() => {
    script = [];
    seen.length = 0;
  });
  afterAll(async () => cosmos?.close());

  const docs = (r: { method: string; path: string }) => r.path.includes('/docs');
  const times = (n: number, fault: CosmosFault, match = docs) => Array.from({ length: n }, () => ({ match, fault }));

  it('STORE-2: a 429 with x-ms-retry-after-ms is retried after that wait, then succeeds', async () => {
    const accounts = db.collection('accounts');
    await accounts.upsert<Doc>({ id: 't429', type: 'account', accountId: 't429' });
    script = times(2, { kind: 'status', status: 429, retryAfterMs: 30 });
    expect((await accounts.read<Doc>('t429', 't429'))?.id).toBe('t429');
    expect(script).toEqual([]);
  });

  it('STORE-2: 503 and connection resets are retried, for reads and writes', async () => {
    const accounts = db.collection('accounts');
    script = [...times(1, { kind: 'status', status: 503 }), ...times(1, { kind: 'reset' })];
    await accounts.upsert<Doc>({ id: 't503', type: 'account', accountId: 't503' });
    script = [...times(1, { kind: 'reset' }), ...times(1, { kind: 'status', status: 503 })];
    expect((await accounts.read<Doc>('t503', 't503'))?.id).toBe('t503');
    script = times(2, { kind: 'status', status: 503 });
    expect((await accounts.query<Doc>('t503')).items.map((d) => d.id)).toEqual(['t503']);
  });

  it('STORE-2: persistent throttling or unavailability ends in StoreUnavailableError with a retry-after, within the budget', async () => {
    const accounts = db.collection('accounts');
    script = times(1000, { kind: 'status', status: 429, retryAfterMs: 200 });
    const error = await accounts.read('t-busy', 't-busy').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    script = times(1000, { kind: 'status', status: 503 });
    await expect(accounts.upsert<Doc>({ id: 't-busy', type: 'account', accountId: 't-busy' })).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('STORE-2: a store that holds a request longer than the attempt timeout is asked again, not waited on for 60 s', async () => {
    const accounts = db.collection('accounts');
    await accounts.upsert<Doc>({ id: 't-held', type: 'account', accountId: 't-held' });
    script = times(1, { kind: 'delay', ms: 1_200 });
    expect((await accounts.read<Doc>('t-held', 't-held'))?.id).toBe('t-held');
    script = times(1000, { kind: 'delay', ms: 2_000 });
    await expect(accounts.read('t-held', 't-held')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('STORE-2: a create applied but whose answer was lost is recognised as our own on retry (no DocumentExistsError)', async () => {
    const accounts = db.collection('accounts');
    script = times(1, { kind: 'lose-answer' }, (r) => r.method === 'POST' && docs(r));
    const created = await accounts.create<Doc>({ id: 't-lost', type: 'account', accountId: 't-lost', n: 1 });
    expect(created).toMatchObject({ id: 't-lost', n: 1 });
    expect(seen.filter((s) => s.startsWith('POST')).length).toBe(2);
    // Someone else's document under that id is still a conflict.
    script = times(1, { kind: 'lose-answer' }, (r) => r.method === 'POST' && docs(r));
    await expect(accounts.create<Doc>({ id: 't-lost', type: 'account', accountId: 't-lost', n: 2 })).rejects.toBeInstanceOf(DocumentExistsError);
  });

  it("STORE-2, issue 11: a conditional patch applied but whose answer was lost is retried and meets its own change: 'unmet', applied once (so callers mark their claim to know it)", async () => {
    const logins = db.collection('logins');
    await logins.create<Doc>({ id: 't-patch', type: 'login-throttle', failures: 0, windowStart: '2026-01-01T00:00:00.000Z' });
    script = times(1, { kind: 'lose-answer' }, (r) => r.method === 'PATCH');
    const answer = await logins.patchIf<Doc>(
      't-patch',
      't-patch',
      [
        { op: 'incr', path: '/failures', value: 1 },
        { op: 'set', path: '/claim', value: 'mine' },
      ],
      'FROM c WHERE NOT IS_DEFINED(c.claim)',
    );
    expect(answer).toBe('unmet');
    expect(seen.filter((s) => s.startsWith('PATCH')).length).toBe(2);
    expect(await logins.read<Doc>('t-patch', 't-patch')).toMatchObject({ failures: 1, claim: 'mine' });
  });

  it('STORE-2: an ETag replace applied but whose answer was lost is our own success, not a concurrent update', async () => {
    const accounts = db.collection('accounts');
    const doc = await accounts.create<Doc>({ id: 't-rep', type: 'account', accountId: 't-rep', n: 1 });
    script = times(1, { kind: 'lose-answer' }, (r) => r.method === 'PUT');
    const replaced = await accounts.replace<Doc>({ ...doc, n: 2 });
    expect(replaced.n).toBe(2);
    expect((await accounts.read<Doc>('t-rep', 't-rep'))?.n).toBe(2);
    // The stale ETag of someone who did not write it is still refused.
    await expect(accounts.replace<Doc>({ ...doc, n: 3 })).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });
});
