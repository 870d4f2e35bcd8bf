import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type CosmosFault, type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { AdjustableClock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { withOperationCounter } from '../platform/operations.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { applyChange, type CellChange, type DailyCellDoc } from './aggregates.js';

/**
 * Issue 14: how a batch's change reaches an aggregate cell, against the embedded Cosmos server: exactly once per
 * batch (a marker in the same transactional batch as the cell), and many batches on one cell in one commit.
 */
describe('aggregate cells: exact once, group commit (LOG-1)', () => {
  let cosmos: EmbeddedCosmos;
  let db: Database;
  const policy = { attemptTimeoutMs: 400, budgetMs: 2_000 };
  let faults: CosmosFault[] = [];

  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos(dataRegistry, 0, policy);
    db = createDatabase(cosmos.client, dataRegistry.database, storageRules, new AdjustableClock(), policy);
    cosmos.setFaultHook((request) =>
      request.method === 'POST' && !request.query && request.path.includes('/colls/stats/docs') ? faults.shift() : undefined,
    );
  });
  afterEach(() => {
    faults = [];
  });
  afterAll(async () => cosmos?.close());

  const change = (id: string, views: number): CellChange => ({
    scope: 'm:Testtown',
    id,
    type: 'usage-daily',
    fields: { day: '2026-11-30', month: '2026-11', workId: 'w-1', schoolId: 's-1', group: 'student' },
    counts: { views, seconds: views, searches: 0, interactions: 0 },
  });
  const cell = (id: string) => db.collection('stats').read<DailyCellDoc>(id, 'm:Testtown');

  it('LOG-1: 150 batches on one hot cell at once: each counted once, in a handful of commits instead of 150 conflicting writes', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => `batch-${String(i).padStart(10, '0')}`);
    const run = withOperationCounter(() => Promise.all(keys.map((key) => applyChange({ db }, change('hot', 1), key))));
    await run.result;
    expect((await cell('hot'))!.views).toBe(150);
    // The first alone, then the 149 that waited for it in commits of at most 50.
    expect(run.counts.write).toBe(4);
    expect(run.counts.pointRead, 'the cell read once; then this instance knows its ETag').toBe(1);

    // Redeliveries, racing each other and long after their first delivery: nothing added. Each costs a commit that
    // fails on its marker (Cosmos names only the first failing operation), which the batch record makes rare.
    await Promise.all([0, 0, 1, 100, 149].map((i) => applyChange({ db }, change('hot', 1), keys[i]!)));
    expect((await cell('hot'))!.views).toBe(150);
    // Whole groups of redeliveries with one new batch after them: each leaves its group, the new one is counted.
    await Promise.all([
      applyChange({ db }, change('hot', 1), keys[0]!),
      ...keys.slice(0, 60).map((k) => applyChange({ db }, change('hot', 1), k)),
      applyChange({ db }, change('hot', 1), 'batch-new-00000001'),
    ]);
    expect((await cell('hot'))!.views).toBe(151);
  });

  it('LOG-1: a commit whose answer was lost is retried and meets its own marker: counted once', async () => {
    await applyChange({ db }, change('lost', 2), 'batch-lost-0001');
    faults = [{ kind: 'lose-answer' }];
    await applyChange({ db }, change('lost', 5), 'batch-lost-0002');
    expect(faults, 'the fault happened').toEqual([]);
    expect((await cell('lost'))!.views).toBe(7);
  });
});
