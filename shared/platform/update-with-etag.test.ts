import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type CosmosFault, type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { AdjustableClock } from './clock.js';
import { ConcurrentUpdateError, createDatabase, type Database, type Doc, type Stored, updateWithEtag } from './cosmos.js';
import { withOperationCounter } from './operations.js';

interface Counter extends Doc {
  accountId: string;
  n: number;
  by?: string[];
}

/**
 * Issue 16: the one read-change-write under an ETag, against the real embedded Cosmos server (genuine 412s), with
 * the fault hook for an answer lost after the write was applied.
 */
describe('updateWithEtag against the embedded server', () => {
  let cosmos: EmbeddedCosmos;
  let db: Database;
  const policy = { attemptTimeoutMs: 400, budgetMs: 1_500 };
  let script: { match: (r: { method: string; path: string }) => boolean; fault: CosmosFault }[] = [];

  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos(dataRegistry, 0, policy);
    db = createDatabase(cosmos.client, dataRegistry.database, storageRules, new AdjustableClock(), policy);
    cosmos.setFaultHook((request) => {
      const index = script.findIndex((s) => s.match(request));
      return index < 0 ? undefined : script.splice(index, 1)[0]?.fault;
    });
  });
  afterEach(() => {
    script = [];
  });
  afterAll(async () => cosmos?.close());

  const accounts = () => db.collection('accounts');
  const seed = (id: string, n = 0) => accounts().create<Counter>({ id, type: 'account', accountId: id, n });
  const stored = (id: string) => accounts().read<Counter>(id, id);
  const increment =
    (by: string) =>
    (c: Counter & Stored): Counter => ({ ...c, n: c.n + 1, by: [...(c.by ?? []), by] });

  it('two writers that both read the same version are both applied: the loser re-reads and re-applies', async () => {
    await seed('u-race');
    // Neither writer goes on until both have read version 0, so one of the two replaces is a genuine 412.
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    let firstReads = 0;
    const calls: string[] = [];
    const writer = (name: string) =>
      updateWithEtag<Counter>(accounts(), 'u-race', 'u-race', async (c) => {
        calls.push(`${name}@${c.n}`);
        if (c.n === 0 && ++firstReads === 2) release();
        if (c.n === 0) await bothRead;
        return increment(name)(c);
      });
    const [a, b] = await Promise.all([writer('a'), writer('b')]);
    expect([a?.changed, b?.changed]).toEqual([true, true]);
    const final = await stored('u-race');
    expect(final?.n).toBe(2);
    expect([...(final?.by ?? [])].sort()).toEqual(['a', 'b']);
    // Three calls: both at version 0, then the loser again at version 1.
    expect(calls).toHaveLength(3);
    expect(calls.filter((c) => c.endsWith('@1'))).toHaveLength(1);
  });

  it('many parallel writers on one document all land, each exactly once', async () => {
    await seed('u-crowd');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => updateWithEtag<Counter>(accounts(), 'u-crowd', 'u-crowd', increment(`w${i}`), { attempts: 30 })),
    );
    expect(results.every((r) => r?.changed)).toBe(true);
    const final = await stored('u-crowd');
    expect(final?.n).toBe(12);
    expect(new Set(final?.by).size).toBe(12);
  });

  it('"nothing to change" (undefined) writes nothing and returns the stored document as it was', async () => {
    const before = await seed('u-same', 7);
    const run = withOperationCounter(() => updateWithEtag<Counter>(accounts(), 'u-same', 'u-same', () => undefined));
    const result = await run.result;
    expect(result).toMatchObject({ changed: false, doc: { n: 7, _etag: before._etag } });
    expect(run.counts).toMatchObject({ pointRead: 1, write: 0 });
    expect((await stored('u-same'))?._etag).toBe(before._etag);
  });

  it('a domain error thrown by the change function reaches the caller and nothing is written', async () => {
    const before = await seed('u-refuse', 1);
    const refusal = new Error('refused by the domain');
    await expect(
      updateWithEtag<Counter>(accounts(), 'u-refuse', 'u-refuse', () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect((await stored('u-refuse'))?._etag).toBe(before._etag);
  });

  it('past its budget of conflicts it throws ConcurrentUpdateError (never returns as if it had written)', async () => {
    await seed('u-busy');
    let calls = 0;
    // A rival writes between every read and our replace, so every attempt meets a genuine 412.
    const error = await updateWithEtag<Counter>(
      accounts(),
      'u-busy',
      'u-busy',
      async (c) => {
        calls += 1;
        await accounts().replace<Counter>({ ...c, n: c.n + 100 });
        return increment('us')(c);
      },
      { attempts: 4 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrentUpdateError);
    expect(calls).toBe(4);
    const final = await stored('u-busy');
    expect(final?.n).toBe(400);
    expect(final?.by).toBeUndefined();
  });

  it('the default budget is five attempts; a larger one (revocation) keeps going', async () => {
    await seed('u-budget');
    let conflictsLeft = 12;
    let calls = 0;
    const rivalThenIncrement = async (c: Counter & Stored) => {
      calls += 1;
      if (conflictsLeft-- > 0) await accounts().replace<Counter>({ ...c, n: c.n + 100 });
      return increment('us')(c);
    };
    await expect(updateWithEtag<Counter>(accounts(), 'u-budget', 'u-budget', rivalThenIncrement)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(calls).toBe(5);
    calls = 0;
    const done = await updateWithEtag<Counter>(accounts(), 'u-budget', 'u-budget', rivalThenIncrement, { attempts: 50 });
    expect(done?.changed).toBe(true);
    expect(calls).toBe(8);
    expect((await stored('u-budget'))?.by).toEqual(['us']);
  });

  it('a missing document is its own outcome: undefined, the change function never called, nothing created', async () => {
    let called = false;
    const result = await updateWithEtag<Counter>(accounts(), 'u-missing', 'u-missing', (c) => {
      called = true;
      return c;
    });
    expect(result).toBeUndefined();
    expect(called).toBe(false);
    expect(await stored('u-missing')).toBeUndefined();
  });

  it('a document of another type under the id counts as missing when a type is asked for', async () => {
    await seed('u-typed', 3);
    const result = await updateWithEtag<Counter>(accounts(), 'u-typed', 'u-typed', increment('x'), { type: 'session' });
    expect(result).toBeUndefined();
    expect((await stored('u-typed'))?.n).toBe(3);
  });

  it('with `create`, a missing document is created; a rival creating it first is a conflict that is re-read and changed', async () => {
    const created = await updateWithEtag<Counter>(accounts(), 'u-new', 'u-new', increment('change'), {
      create: () => ({ id: 'u-new', type: 'account', accountId: 'u-new', n: 1, by: ['create'] }),
    });
    expect(created).toMatchObject({ changed: true, doc: { n: 1, by: ['create'] } });

    let creates = 0;
    // A rival's create lands just before ours, so ours finds the id taken (a genuine 409 from the server).
    const real = accounts();
    const rivalFirst = new Proxy(real, {
      get(target, property) {
        if (property !== 'create') return Reflect.get(target, property, target);
        return async (doc: Counter) => {
          await seed('u-new-race', 10);
          return target.create(doc);
        };
      },
    });
    const raced = await updateWithEtag<Counter>(rivalFirst, 'u-new-race', 'u-new-race', increment('change'), {
      create: () => {
        creates += 1;
        return { id: 'u-new-race', type: 'account', accountId: 'u-new-race', n: 1, by: ['create'] };
      },
    });
    expect(creates).toBe(1);
    expect(raced?.changed).toBe(true);
    expect(await stored('u-new-race')).toMatchObject({ n: 11, by: ['change'] });
  });

  it('`current` saves the first read; a stale one is just a conflict, re-read and re-applied', async () => {
    const fresh = await seed('u-known', 1);
    const run = withOperationCounter(() => updateWithEtag<Counter>(accounts(), 'u-known', 'u-known', increment('a'), { current: fresh }));
    expect((await run.result)?.doc.n).toBe(2);
    expect(run.counts).toMatchObject({ pointRead: 0, write: 1 });
    // `fresh` is now stale: its replace fails, the document is read and the change applied to what is stored.
    const again = await updateWithEtag<Counter>(accounts(), 'u-known', 'u-known', increment('b'), { current: fresh });
    expect(again?.doc).toMatchObject({ n: 3, by: ['a', 'b'] });
  });

  it('a write applied but whose answer was lost is recognised as our own: applied once, not a conflict', async () => {
    await seed('u-lost', 5);
    script = [{ match: (r) => r.method === 'PUT', fault: { kind: 'lose-answer' } }];
    let calls = 0;
    const result = await updateWithEtag<Counter>(accounts(), 'u-lost', 'u-lost', (c) => {
      calls += 1;
      return increment('once')(c);
    });
    expect(script).toEqual([]);
    expect(calls).toBe(1);
    expect(result?.changed).toBe(true);
    expect(await stored('u-lost')).toMatchObject({ n: 6, by: ['once'] });
  });
});
