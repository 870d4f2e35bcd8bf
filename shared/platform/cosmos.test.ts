import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { AdjustableClock } from './clock.js';
import { ConcurrentUpdateError, createDatabase, type Database, type Doc, DocumentExistsError, UndeclaredDocumentError } from './cosmos.js';
import { emptyCounts, withOperationCounter } from './operations.js';

describe('Cosmos adapter against the embedded server', () => {
  let cosmos: EmbeddedCosmos;
  let db: Database;
  const raw = (container: string) => cosmos.client.database(dataRegistry.database).container(container);
  const rawCount = async (container: string) => (await raw(container).items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0];

  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos();
    db = createDatabase(cosmos.client, dataRegistry.database, storageRules, new AdjustableClock());
  });
  afterAll(async () => {
    await cosmos?.close();
  });

  it('an id Cosmos could never hold (from a URL) is simply not found, without asking the service', async () => {
    const accounts = db.collection('accounts');
    for (const id of ['a#1', 'a/b', 'a\\b', 'what?', 'x'.repeat(256), '']) {
      expect(await accounts.read(id, 'a1')).toBeUndefined();
      expect(await accounts.delete(id, 'a1')).toBe(false);
    }
  });

  it("PRIV-3: deleteMany removes a partition's documents in batches of 100 and answers which went; one already gone falls back to one by one", async () => {
    const events = db.collection('events');
    const ids = Array.from({ length: 130 }, (_, i) => `dm-${i}`);
    for (const id of ids) await events.create<Doc>({ id, type: 'usage-event', accountId: 'dm-person' });
    await events.create<Doc>({ id: 'dm-other', type: 'usage-event', accountId: 'dm-bystander' });
    expect((await events.deleteMany(ids.slice(0, 120), 'dm-person')).sort()).toEqual(ids.slice(0, 120).sort());
    // 120..129 are there, 0..9 are gone: the batch fails as a whole and each is tried once.
    const again = await events.deleteMany([...ids.slice(0, 10), ...ids.slice(120)], 'dm-person');
    expect(again.sort()).toEqual(ids.slice(120).sort());
    expect((await events.query<Doc>('dm-person')).items).toEqual([]);
    expect(await events.read('dm-other', 'dm-bystander')).toBeDefined();
  });

  it("LOG-1: writeTogether writes a partition's documents all or none: a stale ETag or an existing id leaves nothing written", async () => {
    const stats = db.collection('stats');
    const scope = 'm:wt-town';
    const cell = await stats.create<Doc>({ id: 'wt-cell', type: 'usage-daily', scope, views: 1 });
    const marker = (n: number) => ({ id: `a|wt-cell|${n}`, type: 'usage-applied', scope });

    const done = await stats.writeTogether(scope, [{ create: marker(1) }, { replace: { ...cell, views: 2 } }]);
    expect(done.ok).toBe(true);
    const now = (await stats.read<Doc & { views: number }>('wt-cell', scope))!;
    expect(now.views).toBe(2);

    // The replace fails (the version read is stale): the marker created before it in the batch is undone.
    expect(await stats.writeTogether(scope, [{ create: marker(2) }, { replace: { ...cell, views: 3 } }])).toEqual({
      ok: false,
      failedIndex: 1,
      status: 412,
    });
    expect(await stats.read(marker(2).id, scope)).toBeUndefined();
    // The marker exists (a redelivery): the replace after it does not happen.
    expect(await stats.writeTogether(scope, [{ create: marker(1) }, { replace: { ...now, views: 3 } }])).toEqual({
      ok: false,
      failedIndex: 0,
      status: 409,
    });
    // A create after a successful one fails: the first is undone, the replaced document is back as it was.
    expect(await stats.writeTogether(scope, [{ replace: { ...now, views: 4 } }, { create: marker(1) }])).toMatchObject({ ok: false, failedIndex: 1 });
    expect(await stats.read('wt-cell', scope)).toMatchObject({ views: 2, _etag: now._etag });
  });

  describe('the data registry guards every write', () => {
    it('refuses a document type the registry does not declare and writes nothing', async () => {
      const accounts = db.collection('accounts');
      const before = await rawCount('accounts');
      await expect(accounts.create({ id: 'u1', type: 'shadow-profile', accountId: 'a1' })).rejects.toBeInstanceOf(UndeclaredDocumentError);
      await expect(accounts.upsert({ id: 'u1', type: 'shadow-profile', accountId: 'a1' })).rejects.toBeInstanceOf(UndeclaredDocumentError);
      await expect(accounts.upsert({ id: 'u2', accountId: 'a1' } as never)).rejects.toBeInstanceOf(UndeclaredDocumentError);
      expect(await rawCount('accounts')).toBe(before);
      expect(await accounts.read('u1', 'a1')).toBeUndefined();
    });

    it('refuses a declared type written to a container it is not declared for', async () => {
      await expect(db.collection('accounts').create({ id: 't1', type: 'timer-run', accountId: 'system' })).rejects.toBeInstanceOf(
        UndeclaredDocumentError,
      );
      expect(await db.collection('accounts').read('t1', 'system')).toBeUndefined();
    });

    it('refuses a document without its partition key field', async () => {
      const jobs = db.collection('jobs');
      await expect(jobs.create({ id: 'no-pk', type: 'timer-run' })).rejects.toThrow(/partition key accountId/);
      await expect(jobs.create({ id: 'empty-pk', type: 'timer-run', accountId: '' })).rejects.toThrow(/partition key/);
      expect((await raw('jobs').items.query({ query: "SELECT * FROM c WHERE c.id IN ('no-pk','empty-pk')" }).fetchAll()).resources).toEqual([]);
    });
  });

  describe('retention TTL on write', () => {
    it('RET-6: fixed retention sets ttl = days * 86400 and overrides an explicit ttl', async () => {
      const jobs = db.collection('jobs');
      const plain = await jobs.create<Doc>({ id: 'run-a', type: 'timer-run', accountId: 'system' });
      expect(plain.ttl).toBe(400 * 86_400);
      const explicit = await jobs.upsert({ id: 'run-b', type: 'timer-run', accountId: 'system', ttl: 5 });
      expect(explicit.ttl).toBe(400 * 86_400);
      expect((await jobs.read('run-b', 'system'))?.ttl).toBe(400 * 86_400);
    });

    it('RET-1: event retention keeps an explicit ttl and leaves ttl absent otherwise', async () => {
      const accounts = db.collection('accounts');
      await accounts.create({ id: 'ev-1', type: 'account', accountId: 'ev-1', ttl: 3600 });
      await accounts.create({ id: 'ev-2', type: 'account', accountId: 'ev-2' });
      expect((await accounts.read('ev-1', 'ev-1'))?.ttl).toBe(3600);
      const stored = await accounts.read('ev-2', 'ev-2');
      expect(stored).toBeDefined();
      expect('ttl' in stored!).toBe(false);
    });

    it('indefinite retention drops a ttl the caller set', async () => {
      const catalog = db.collection('catalog');
      await catalog.create({ id: 'w-1', type: 'work', publisherId: 'p-1', ttl: 10 });
      expect('ttl' in (await catalog.read('w-1', 'p-1'))!).toBe(false);
    });
  });

  describe('concurrency and idempotency', () => {
    it('replace with a stale _etag throws ConcurrentUpdateError and leaves the stored document unchanged', async () => {
      const accounts = db.collection('accounts');
      const v1 = await accounts.create({ id: 'etag-1', type: 'account', accountId: 'etag-1', name: 'first' });
      const v2 = await accounts.replace({ ...v1, name: 'second' });
      expect(v2._etag).not.toBe(v1._etag);
      await expect(accounts.replace({ ...v1, name: 'stale writer' })).rejects.toBeInstanceOf(ConcurrentUpdateError);
      const stored = await accounts.read<{ id: string; type: string; name: string }>('etag-1', 'etag-1');
      expect(stored?.name).toBe('second');
      expect(stored?._etag).toBe(v2._etag);
    });

    it('create twice throws DocumentExistsError and keeps the first document', async () => {
      const accounts = db.collection('accounts');
      await accounts.create({ id: 'dup-1', type: 'account', accountId: 'dup-1', name: 'original' });
      await expect(accounts.create({ id: 'dup-1', type: 'account', accountId: 'dup-1', name: 'again' })).rejects.toBeInstanceOf(DocumentExistsError);
      expect((await accounts.read<{ id: string; type: string; name: string }>('dup-1', 'dup-1'))?.name).toBe('original');
    });

    it('delete is idempotent: true the first time, false once gone, never an error', async () => {
      const accounts = db.collection('accounts');
      await accounts.create({ id: 'del-1', type: 'account', accountId: 'del-1' });
      expect(await accounts.delete('del-1', 'del-1')).toBe(true);
      expect(await accounts.delete('del-1', 'del-1')).toBe(false);
      expect(await accounts.read('del-1', 'del-1')).toBeUndefined();
    });
  });

  describe('queries', () => {
    beforeAll(async () => {
      const schools = db.collection('schools');
      for (let i = 0; i < 7; i++) await schools.create({ id: `m-a-${i}`, type: 'membership', schoolId: 'school-a', accountId: `acc-${i}`, n: i });
      for (let i = 0; i < 3; i++) await schools.create({ id: `m-b-${i}`, type: 'membership', schoolId: 'school-b', accountId: `acc-${i}`, n: i });
    });

    it("returns only the given partition's rows; the embedded server, like Cosmos, evaluates a query only in its partition", async () => {
      // The embedded server ignored the partitionKey option until the local host scoped it (shared/local/cosmos-server.ts,
      // issue 13); a bare query with only the option now sees that partition alone, as in Cosmos. Across partitions it
      // still sees everything.
      const scoped = await raw('schools').items.query('SELECT * FROM c', { partitionKey: 'school-a' }).fetchAll();
      expect(scoped.resources.map((d) => d.schoolId as string).sort()).toEqual(Array.from({ length: 7 }, () => 'school-a'));
      const across = await raw('schools').items.query('SELECT * FROM c').fetchAll();
      expect(across.resources.some((d) => d.schoolId === 'school-b')).toBe(true);

      const page = await db.collection('schools').query<{ id: string; schoolId: string }>('school-a');
      expect(page.items).toHaveLength(7);
      expect(page.items.every((d) => d.schoolId === 'school-a')).toBe(true);
      expect(page.continuation).toBeUndefined();
    });

    it('PRIV-3: a query plan request is answered from the query text, as the Cosmos gateway does, without running the query over the container', async () => {
      const ask = (body: unknown) =>
        fetch(new URL(`dbs/${dataRegistry.database}/colls/schools/docs`, cosmos.endpoint), {
          method: 'POST',
          headers: { 'content-type': 'application/query+json', 'x-ms-cosmos-is-query-plan-request': 'True', 'x-ms-documentdb-isquery': 'True' },
          body: JSON.stringify(body),
        });
      const answer = await ask({ query: 'SELECT VALUE c.id FROM c WHERE c.n >= 0', parameters: [] });
      expect(answer.status).toBe(200);
      const plan = (await answer.json()) as Record<string, unknown> & { queryInfo: { hasSelectValue: boolean } };
      // The server ran the query for it before: the plan was the container's matching documents.
      expect(plan).not.toHaveProperty('Documents');
      expect(plan.queryInfo.hasSelectValue).toBe(true);
      expect(plan.queryRanges).toEqual([{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }]);
      expect((await ask({})).status).toBe(400);
    });

    it('ANDs an extra condition after the partition filter', async () => {
      const rows = await db
        .collection('schools')
        .queryAll<{ id: string }>('school-b', { where: 'c.n >= @min', parameters: [{ name: '@min', value: 1 }] });
      expect(rows.map((r) => r.id).sort()).toEqual(['m-b-1', 'm-b-2']);
    });

    it('pages with pageSize and continuation, returning every row exactly once', async () => {
      const schools = db.collection('schools');
      const ids: string[] = [];
      const sizes: number[] = [];
      let continuation: string | undefined;
      do {
        const page = await schools.query<{ id: string }>('school-a', { pageSize: 3, continuation, orderBy: 'c.n' });
        sizes.push(page.items.length);
        ids.push(...page.items.map((d) => d.id));
        continuation = page.continuation;
      } while (continuation);
      expect(sizes).toEqual([3, 3, 1]);
      expect(ids).toEqual(Array.from({ length: 7 }, (_, i) => `m-a-${i}`));

      const all = await schools.queryAll<{ id: string }>('school-a', { pageSize: 2 });
      expect(all.map((d) => d.id).sort()).toEqual([...ids].sort());
    });
  });

  it("issue 11: readTogether reads one partition's documents in one request, in the order asked; a missing one costs a second request for the rest", async () => {
    const accounts = db.collection('accounts');
    await accounts.create<Doc>({ id: 'rt-person', type: 'account', accountId: 'rt-person' });
    await accounts.create<Doc>({ id: 'entitlement:rt-work', type: 'entitlement', accountId: 'rt-person', workId: 'rt-work', periods: [] });
    await accounts.create<Doc>({ id: 'rt-other', type: 'account', accountId: 'rt-other' });
    const requests: string[] = [];
    cosmos.setFaultHook((request) => {
      if (request.path.includes('/colls/accounts/docs')) requests.push(request.method);
      return undefined;
    });
    try {
      const both = withOperationCounter(() => accounts.readTogether('rt-person', ['entitlement:rt-work', 'rt-person']));
      expect((await both.result).map((d) => d?.id)).toEqual(['entitlement:rt-work', 'rt-person']);
      expect(both.counts).toEqual({ ...emptyCounts(), pointRead: 2 });
      expect(requests).toHaveLength(1);

      // Missing first: Cosmos runs nothing after it (424), so only its read counts; the account is read alone after.
      requests.length = 0;
      const missingFirst = withOperationCounter(() => accounts.readTogether('rt-person', ['entitlement:none', 'rt-person']));
      expect((await missingFirst.result).map((d) => d?.id)).toEqual([undefined, 'rt-person']);
      expect(missingFirst.counts).toEqual({ ...emptyCounts(), pointRead: 2 });
      expect(requests).toHaveLength(2);

      // Missing last: the read before it ran, and is run again with the rest.
      requests.length = 0;
      const missingLast = withOperationCounter(() => accounts.readTogether('rt-person', ['rt-person', 'entitlement:rt-work', 'entitlement:none']));
      expect((await missingLast.result).map((d) => d?.id)).toEqual(['rt-person', 'entitlement:rt-work', undefined]);
      expect(missingLast.counts).toEqual({ ...emptyCounts(), pointRead: 5 });
      expect(requests).toHaveLength(2);

      // Another person's document is never found through this partition; ids Cosmos could not hold are not asked.
      requests.length = 0;
      expect((await accounts.readTogether('rt-person', ['rt-other', 'a/b', 'rt-person', 'rt-person'])).map((d) => d?.id)).toEqual([
        undefined,
        undefined,
        'rt-person',
        'rt-person',
      ]);
      expect(requests).toHaveLength(2);
      expect(await accounts.readTogether('rt-person', ['nothing-1', 'nothing-2'])).toEqual([undefined, undefined]);
    } finally {
      cosmos.setFaultHook(undefined);
    }
  });

  it('issue 11: writeTogether applies a conditional patch with a create in one write, all or none: an unmet condition (412), a missing document (404) or a taken id (409) writes nothing', async () => {
    const orders = db.collection('orders');
    const accountId = 'wt-patch-buyer';
    const counter = await orders.create<Doc>({ id: 'wt-counter', type: 'order-limit', accountId, n_1: 1 });
    const order = (n: number) => ({ id: `wt-order-${n}`, type: 'order', accountId });
    const count = (limit: number) => ({
      id: 'wt-counter',
      operations: [{ op: 'incr' as const, path: '/n_1', value: 1 }],
      condition: `FROM c WHERE c.n_1 < ${limit}`,
    });

    const run = withOperationCounter(() => orders.writeTogether(accountId, [{ patch: count(2) }, { create: order(1) }]));
    const done = await run.result;
    expect(run.counts).toEqual({ ...emptyCounts(), write: 1 });
    expect(done).toMatchObject({ ok: true, docs: [{ id: 'wt-counter', n_1: 2 }, { id: 'wt-order-1' }] });

    expect(await orders.writeTogether(accountId, [{ patch: count(2) }, { create: order(2) }])).toEqual({ ok: false, failedIndex: 0, status: 412 });
    expect(await orders.read('wt-order-2', accountId)).toBeUndefined();
    expect(await orders.writeTogether(accountId, [{ patch: { ...count(9), id: 'wt-none' } }, { create: order(2) }])).toEqual({
      ok: false,
      failedIndex: 0,
      status: 404,
    });
    // The order exists: the patch before it in the batch is undone.
    expect(await orders.writeTogether(accountId, [{ patch: count(9) }, { create: order(1) }])).toEqual({ ok: false, failedIndex: 1, status: 409 });
    expect(await orders.read('wt-counter', accountId)).toMatchObject({ n_1: 2 });
    expect((await orders.read('wt-counter', accountId))!._etag).not.toBe(counter._etag);
  });

  it('issue 11: a transactional batch throttled (429), refused as unavailable (503) or reset is retried like every operation, and the retry still finds what its patch and replace name', async () => {
    const orders = db.collection('orders');
    const accountId = 'wt-retry';
    const counter = await orders.create<Doc>({ id: 'wt-retry-counter', type: 'order-limit', accountId });
    const noted = await orders.create<Doc>({ id: 'wt-retry-noted', type: 'order-limit', accountId, round: 0 });
    let round = 0;
    for (const fault of [{ kind: 'status', status: 429, retryAfterMs: 5 }, { kind: 'status', status: 503 }, { kind: 'reset' }] as const) {
      let faults = 0;
      cosmos.setFaultHook((request) =>
        request.method === 'POST' && !request.query && request.path.includes('/colls/orders/docs') && faults++ === 0 ? fault : undefined,
      );
      round += 1;
      try {
        const current = (await orders.read<Doc>(noted.id, accountId))!;
        const written = await orders.writeTogether(accountId, [
          { patch: { id: counter.id, operations: [{ op: 'incr', path: '/n_1', value: 1 }], condition: 'FROM c WHERE (c.n_1 ?? 0) < 10' } },
          { replace: { ...current, round } },
          { create: { id: `wt-retried-${round}`, type: 'order', accountId } },
        ]);
        expect(written, fault.kind).toMatchObject({ ok: true });
        expect(faults).toBe(2);
      } finally {
        cosmos.setFaultHook(undefined);
      }
    }
    expect(await orders.read(counter.id, accountId)).toMatchObject({ n_1: 3 });
    expect(await orders.read(noted.id, accountId)).toMatchObject({ round: 3 });
  });

  it('issue 11: a batch whose attempt timed out is retried as it was meant: its patch still finds its document', async () => {
    const orders = db.collection('orders');
    const accountId = 'wt-late';
    const counter = await orders.create<Doc>({ id: 'wt-late-counter', type: 'order-limit', accountId });
    let faults = 0;
    // Held past the attempt time (3 s): the client gives up on the attempt and sends the batch again.
    cosmos.setFaultHook((request) =>
      request.method === 'POST' && !request.query && request.path.includes('/colls/orders/docs') && faults++ === 0
        ? { kind: 'delay', ms: 3_500 }
        : undefined,
    );
    try {
      const written = await orders.writeTogether(accountId, [
        { patch: { id: counter.id, operations: [{ op: 'incr', path: '/n_1', value: 1 }], condition: 'FROM c WHERE (c.n_1 ?? 0) < 10' } },
        { create: { id: 'wt-late-marker', type: 'order', accountId } },
      ]);
      // The SDK rewrites each operation's partition key in place: a retry sending the same objects missed the counter (404).
      expect(written).toMatchObject({ ok: true });
      expect(faults).toBe(2);
    } finally {
      cosmos.setFaultHook(undefined);
    }
    expect(await orders.read(counter.id, accountId)).toMatchObject({ n_1: 1 });
  }, 15_000);

  describe('conditional patch (issue 11)', () => {
    const logins = () => db.collection('logins');
    const bucket = (id: string, failures: number) => ({ id, type: 'login-throttle', failures, windowStart: '2026-01-01T00:00:00.000Z' });

    it('applies the operations when the condition holds and answers the patched document, as Cosmos does', async () => {
      await logins().create<Doc>(bucket('cp-holds', 1));
      const patched = await logins().patchIf<Doc & { failures: number; fresh?: number }>(
        'cp-holds',
        'cp-holds',
        [
          { op: 'incr', path: '/failures', value: 1 },
          { op: 'set', path: '/fresh', value: 7 },
        ],
        'FROM c WHERE c.failures < 5',
      );
      expect(patched).toMatchObject({ failures: 2, fresh: 7, _etag: expect.any(String) });
      expect(await logins().read('cp-holds', 'cp-holds')).toMatchObject({ failures: 2, fresh: 7 });
    });

    it("answers 'unmet' (412) and changes nothing when the condition fails, and undefined (404) when the document is absent", async () => {
      const stored = await logins().create<Doc>(bucket('cp-unmet', 5));
      expect(await logins().patchIf('cp-unmet', 'cp-unmet', [{ op: 'incr', path: '/failures', value: 1 }], 'FROM c WHERE c.failures < 5')).toBe(
        'unmet',
      );
      expect(await logins().read('cp-unmet', 'cp-unmet')).toMatchObject({ failures: 5, _etag: stored._etag });
      expect(
        await logins().patchIf('cp-absent', 'cp-absent', [{ op: 'incr', path: '/failures', value: 1 }], 'FROM c WHERE c.failures < 5'),
      ).toBeUndefined();
      expect(await logins().read('cp-absent', 'cp-absent')).toBeUndefined();
    });

    it('incr creates an absent field; NOT IS_DEFINED and numeric comparisons on nested fields work in the condition', async () => {
      // Lower-case names only: the local server lower-cases the clause before parsing it.
      await logins().create<Doc>({ ...bucket('cp-nested', 0), window: { start_ms: 1000 } });
      expect(
        await logins().patchIf('cp-nested', 'cp-nested', [{ op: 'incr', path: '/hits', value: 1 }], 'FROM c WHERE c.window.start_ms > 2000'),
      ).toBe('unmet');
      const first = await logins().patchIf<Doc & { hits: number }>(
        'cp-nested',
        'cp-nested',
        [{ op: 'incr', path: '/hits', value: 1 }],
        'FROM c WHERE NOT IS_DEFINED(c.hits) AND c.window.start_ms > 500',
      );
      expect(first).toMatchObject({ hits: 1 });
      expect(await logins().patchIf('cp-nested', 'cp-nested', [{ op: 'incr', path: '/hits', value: 1 }], 'FROM c WHERE NOT IS_DEFINED(c.hits)')).toBe(
        'unmet',
      );
      expect(await logins().read('cp-nested', 'cp-nested')).toMatchObject({ hits: 1 });
    });

    it('check and change are one step: of 20 parallel patches conditioned on a count below 5, exactly 5 apply', async () => {
      await logins().create<Doc>(bucket('cp-race', 0));
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () =>
          logins().patchIf('cp-race', 'cp-race', [{ op: 'incr', path: '/failures', value: 1 }], 'FROM c WHERE c.failures < 5'),
        ),
      );
      expect(outcomes.filter((o) => o !== 'unmet' && o !== undefined)).toHaveLength(5);
      expect(await logins().read('cp-race', 'cp-race')).toMatchObject({ failures: 5 });
    });

    it('is counted as one write', async () => {
      await logins().create<Doc>(bucket('cp-count', 0));
      const run = withOperationCounter(() =>
        logins().patchIf('cp-count', 'cp-count', [{ op: 'incr', path: '/failures', value: 1 }], 'FROM c WHERE c.failures < 5'),
      );
      await run.result;
      expect(run.counts).toEqual({ ...emptyCounts(), write: 1 });
    });
  });

  describe('operation counting', () => {
    it('counts exactly the operations done inside withOperationCounter, by kind, and none outside it', async () => {
      const accounts = db.collection('accounts');
      const schools = db.collection('schools');
      const outside = withOperationCounter(async () => undefined);
      await outside.result;
      await accounts.read('outside', 'outside'); // not counted anywhere scoped

      const run = withOperationCounter(async () => {
        await accounts.read('nope', 'nope'); // a 404 is still a point read
        await accounts.upsert({ id: 'ops-1', type: 'account', accountId: 'ops-1' });
        await accounts.read('ops-1', 'ops-1');
        await accounts.delete('ops-1', 'ops-1');
        await schools.query('school-b');
        await schools.crossPartitionQuery('SELECT * FROM c WHERE c.type = @t', [{ name: '@t', value: 'membership' }]);
        return 'done';
      });
      await accounts.read('also-outside', 'x');
      expect(await run.result).toBe('done');
      await accounts.upsert({ id: 'ops-2', type: 'account', accountId: 'ops-2' });

      // Counted on the wire: each query also asked Cosmos for its query plan (metadata).
      expect(run.counts).toEqual({ pointRead: 2, write: 2, query: 1, crossPartitionQuery: 1, metadata: 2 });
      expect(outside.counts).toEqual(emptyCounts());
    });

    it('issue 11: queryAll asks for one query plan however many pages it reads, and the health ping is counted', async () => {
      const schools = db.collection('schools');
      const paged = withOperationCounter(() => schools.queryAll<{ id: string }>('school-a', { pageSize: 2 }));
      expect(await paged.result).toHaveLength(7);
      expect(paged.counts.query).toBeGreaterThanOrEqual(4);
      expect(paged.counts.metadata).toBe(1);

      const ping = withOperationCounter(() => db.ping());
      await ping.result;
      expect(ping.counts).toEqual({ ...emptyCounts(), metadata: 1 });
    });

    it('keeps concurrent counters apart', async () => {
      const accounts = db.collection('accounts');
      const a = withOperationCounter(async () => {
        await Promise.all([accounts.read('x1', 'x1'), accounts.read('x2', 'x2'), accounts.read('x3', 'x3')]);
      });
      const b = withOperationCounter(async () => {
        await accounts.upsert({ id: 'conc', type: 'account', accountId: 'conc' });
      });
      await Promise.all([a.result, b.result]);
      expect(a.counts).toEqual({ ...emptyCounts(), pointRead: 3 });
      expect(b.counts).toEqual({ ...emptyCounts(), write: 1 });
    });
  });
});
