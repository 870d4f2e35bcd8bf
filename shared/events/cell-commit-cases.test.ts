import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { AdjustableClock } from '../platform/clock.js';
import { ConcurrentUpdateError, createDatabase, type Database, type Doc } from '../platform/cosmos.js';
import { withOperationCounter } from '../platform/operations.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { applyChange, type CellChange, type DailyCellDoc, type MonthlyCellDoc } from './aggregates.js';

/**
 * LOG-1, STAT-1: the group committer's exact results (issue 19, module `events`): every count summed, a monthly cell
 * counting one person per batch, another instance's write met by reading again, a failure reported to each waiting
 * batch and the cell read afresh after it. Against the embedded Cosmos server in the worker; two databases are two
 * instances (each has its own committer and cache of recent cells).
 */
let cosmos: EmbeddedCosmos;
let db: Database;
let other: Database;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos(dataRegistry, 0);
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, new AdjustableClock());
  other = createDatabase(cosmos.client, dataRegistry.database, storageRules, new AdjustableClock());
});
afterAll(async () => cosmos?.close());

const SCOPE = 'm:Cases';
const daily = (id: string, counts: Partial<DailyCellDoc> = {}): CellChange => ({
  scope: SCOPE,
  id,
  type: 'usage-daily',
  fields: { day: '2026-11-30', month: '2026-11', workId: 'w-1', schoolId: 's-1', group: 'student' },
  counts: { views: 0, seconds: 0, searches: 0, interactions: 0, tasks: 0, ...counts },
});
const monthly = (id: string): CellChange => ({
  scope: SCOPE,
  id,
  type: 'usage-monthly',
  fields: { month: '2026-11', level: 'all-works', group: 'student' },
});
const read = <T extends Doc>(id: string) => db.collection('stats').read<T>(id, SCOPE);
const counts = ({ views, seconds, searches, interactions, tasks }: DailyCellDoc) => ({ views, seconds, searches, interactions, tasks });

describe('the group committer: exact results (LOG-1, STAT-1)', () => {
  it('LOG-1: each count of each batch is summed into the cell, in one commit or several; the cell keeps the fields that name it', async () => {
    const id = 'd|sums';
    await applyChange({ db }, daily(id, { views: 1, seconds: 30 }), 'sum-1');
    // The next three wait for the first and go together.
    await Promise.all([
      applyChange({ db }, daily(id, { views: 2, seconds: 7, searches: 1 }), 'sum-2'),
      applyChange({ db }, daily(id, { interactions: 3 }), 'sum-3'),
      applyChange({ db }, daily(id, { tasks: 4, searches: 2 }), 'sum-4'),
    ]);
    const cell = (await read<DailyCellDoc>(id))!;
    expect(counts(cell)).toEqual({ views: 3, seconds: 37, searches: 3, interactions: 3, tasks: 4 });
    expect(cell).toMatchObject({
      type: 'usage-daily',
      scope: SCOPE,
      day: '2026-11-30',
      month: '2026-11',
      workId: 'w-1',
      schoolId: 's-1',
      group: 'student',
    });
  });

  it('LOG-1: a change without counts adds nothing to a count cell', async () => {
    const id = 'd|no-counts';
    const { counts: _none, ...bare } = daily(id);
    await applyChange({ db }, bare, 'bare-1');
    await applyChange({ db }, daily(id, { views: 2 }), 'bare-2');
    await applyChange({ db }, bare, 'bare-3');
    expect(counts((await read<DailyCellDoc>(id))!)).toEqual({ views: 2, seconds: 0, searches: 0, interactions: 0, tasks: 0 });
  });

  it('STAT-1: a monthly cell counts one person per batch that marked them, created and grown, in groups too', async () => {
    const id = 'm|people';
    await Promise.all(['p-1', 'p-2', 'p-3', 'p-2'].map((key) => applyChange({ db }, monthly(id), key)));
    const cell = (await read<MonthlyCellDoc>(id))!;
    expect(cell).toMatchObject({ type: 'usage-monthly', people: 3, month: '2026-11', level: 'all-works', group: 'student' });
    expect(cell).not.toHaveProperty('views');
    await applyChange({ db }, monthly(id), 'p-4');
    expect((await read<MonthlyCellDoc>(id))!.people).toBe(4);
  });

  it('LOG-1: a cell written before the markers loses its list of recent batches on its next change', async () => {
    const id = 'd|legacy';
    await db
      .collection('stats')
      .create({ ...daily(id).fields, ...daily(id, { views: 5 }).counts, id, scope: SCOPE, type: 'usage-daily', applied: ['old'] } as never);
    await applyChange({ db }, daily(id, { views: 1 }), 'legacy-1');
    const cell = (await read<DailyCellDoc>(id))!;
    expect(cell.views).toBe(6);
    expect(cell).not.toHaveProperty('applied');
  });

  it("LOG-1: another instance's change of a cell this instance knows is read again and kept: nothing lost", async () => {
    const id = 'd|two-instances';
    await applyChange({ db }, daily(id, { views: 1 }), 'two-1');
    await applyChange({ db: other }, daily(id, { views: 10 }), 'two-2');
    // This instance's copy is stale now: its replace fails on the ETag, it reads again.
    const run = withOperationCounter(() => applyChange({ db }, daily(id, { views: 100 }), 'two-3'));
    await run.result;
    expect(run.counts.pointRead).toBe(1);
    expect((await read<DailyCellDoc>(id))!.views).toBe(111);
    // Known again now: no read.
    const next = withOperationCounter(() => applyChange({ db }, daily(id, { views: 1000 }), 'two-4'));
    await next.result;
    expect(next.counts.pointRead).toBe(0);
    expect((await read<DailyCellDoc>(id))!.views).toBe(1111);
  });

  it('LOG-1: a cell deleted behind this instance (an operator) is created again with the new change', async () => {
    const id = 'd|deleted';
    await applyChange({ db }, daily(id, { views: 3 }), 'del-1');
    await other.collection('stats').delete(id, SCOPE);
    await applyChange({ db }, daily(id, { views: 4 }), 'del-2');
    expect((await read<DailyCellDoc>(id))!.views).toBe(4);
  });

  it('LOG-1: two instances creating the same cell at once: both counted', async () => {
    const id = 'd|created-twice';
    await Promise.all([applyChange({ db }, daily(id, { views: 1 }), 'race-1'), applyChange({ db: other }, daily(id, { views: 2 }), 'race-2')]);
    expect((await read<DailyCellDoc>(id))!.views).toBe(3);
  });

  it('LOG-1: a commit that fails for good (on the cell or on a marker) fails every batch of its group; the cell is read afresh after it and the next batch counts', async () => {
    for (const [id, at] of [
      ['d|failing-cell', 'cell'],
      ['d|failing-marker', 'marker'],
    ] as const) {
      const store = scripted(db);
      await applyChange(store, daily(id, { views: 1 }), 'fail-1');
      // The second commit (the group of the two waiting) fails with a status no retry mends.
      store.answers.push(undefined, (writes) => ({ ok: false, failedIndex: at === 'cell' ? writes.length - 1 : 0, status: 400 }));
      const results = await Promise.allSettled([
        applyChange(store, daily(id, { views: 1 }), 'fail-2'),
        applyChange(store, daily(id, { views: 50 }), 'fail-3'),
        applyChange(store, daily(id, { views: 60 }), 'fail-4'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/failed with 400/);
      expect((await read<DailyCellDoc>(id))!.views).toBe(2);
      const after = withOperationCounter(() => applyChange(store, daily(id, { views: 5 }), 'fail-5'));
      await after.result;
      expect(after.counts.pointRead, at).toBe(1);
      expect((await read<DailyCellDoc>(id))!.views).toBe(7);
    }
  });

  it('LOG-1: a marker refused with a status that is not a repeat (409) fails the group, whatever the status', async () => {
    const store = scripted(db);
    await applyChange(store, daily('d|marker-404', { views: 1 }), 'm404-1');
    store.answers.push(() => ({ ok: false, failedIndex: 0, status: 404 }));
    await expect(applyChange(store, daily('d|marker-404', { views: 1 }), 'm404-2')).rejects.toThrow(/failed with 404/);
    expect((await read<DailyCellDoc>('d|marker-404'))!.views).toBe(1);
  });

  it('LOG-1: redeliveries leave their group without a read or a write of the cell of their own', async () => {
    const id = 'd|redelivered';
    await applyChange({ db }, daily(id, { views: 1 }), 'again-1');
    await applyChange({ db }, daily(id, { views: 1 }), 'again-2');
    // Alone: the commit fails on its marker and writes nothing more.
    const alone = withOperationCounter(() => applyChange({ db }, daily(id, { views: 1 }), 'again-1'));
    await alone.result;
    expect(alone.counts).toMatchObject({ pointRead: 0, write: 1 });
    // With a new batch behind two redeliveries: one failed commit per redelivery, then the new one, on the cell as known.
    const mixed = withOperationCounter(() =>
      Promise.all([
        applyChange({ db }, daily(id, { views: 1 }), 'again-3'),
        applyChange({ db }, daily(id, { views: 1 }), 'again-1'),
        applyChange({ db }, daily(id, { views: 1 }), 'again-2'),
        applyChange({ db }, daily(id, { views: 1 }), 'again-4'),
      ]),
    );
    await mixed.result;
    expect(mixed.counts).toMatchObject({ pointRead: 0, write: 4 });
    expect((await read<DailyCellDoc>(id))!.views).toBe(4);
  });

  it('LOG-1: a store failure that is not an Error still fails the batch with one', async () => {
    const store = scripted(db);
    store.answers.push(() => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless library may throw
      throw 'socket gone';
    });
    await expect(applyChange(store, daily('d|thrown', { views: 1 }), 'thrown-1')).rejects.toThrow('A usage cell commit failed');
  });

  it('LOG-1: a cell that other writers keep changing gives up after 50 conflicts, not before, with a concurrent-update error', async () => {
    const store = scripted(db);
    const conflict: Answer = (writes) => ({ ok: false, failedIndex: writes.length - 1, status: 412 });
    store.answers.push(...Array.from({ length: 49 }, () => conflict));
    await applyChange(store, daily('d|hot-49', { views: 1 }), 'hot-1');
    expect(store.calls).toBe(50);
    expect((await read<DailyCellDoc>('d|hot-49'))!.views).toBe(1);

    const busy = scripted(db);
    busy.answers.push(...Array.from({ length: 60 }, () => conflict));
    const gaveUp = applyChange(busy, daily('d|hot-50', { views: 1 }), 'hot-2');
    await expect(gaveUp).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(gaveUp).rejects.toThrow('The document in stats was changed by someone else');
    expect(busy.calls).toBe(50);
  });
});

type Together = Parameters<ReturnType<Database['collection']>['writeTogether']>[1];
type Answer = ((writes: Together) => { ok: false; failedIndex: number; status: number }) | undefined;

/**
 * The database with its stats container's transactional batches answered from a script, one answer a call (undefined:
 * the real store answers); a new object, so a committer and cache of its own (another instance).
 */
function scripted(real: Database) {
  const answers: Answer[] = [];
  const services = {
    answers,
    calls: 0,
    db: {
      ...real,
      collection(name: Parameters<Database['collection']>[0]) {
        const target = real.collection(name);
        if (name !== 'stats') return target;
        return new Proxy(target, {
          get(t, prop, receiver) {
            if (prop !== 'writeTogether') {
              const value = Reflect.get(t, prop, receiver);
              return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
            }
            return async (partition: string, writes: Together) => {
              services.calls += 1;
              const answer = answers.shift();
              return answer ? answer(writes) : t.writeTogether(partition, writes);
            };
          },
        });
      },
    },
  };
  return services;
}
