import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdjustableClock } from '../platform/clock.js';
import { createDatabase, type Database, type Doc } from '../platform/cosmos.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from './cosmos-server.js';
import { TtlSweeper } from './ttl-sweeper.js';

const DAY_MS = 86_400_000;

describe('TtlSweeper against the embedded Cosmos server', () => {
  let cosmos: EmbeddedCosmos;

  /** Each test moves its own clock, starting from real time (the server stamps _ts with real time). */
  const fresh = (): { clock: AdjustableClock; db: Database; sweeper: TtlSweeper } => {
    const clock = new AdjustableClock();
    return {
      clock,
      db: createDatabase(cosmos.client, dataRegistry.database, storageRules, clock),
      sweeper: new TtlSweeper(cosmos.client, dataRegistry, clock),
    };
  };

  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos();
  });
  afterAll(async () => {
    await cosmos?.close();
  });

  it('RET-6: removes a fixed-retention document (timer-run, 400 days) only once _ts + ttl has passed', async () => {
    const { clock, db, sweeper } = fresh();
    const jobs = db.collection('jobs');
    const stored = await jobs.create<Doc>({ id: 'timer-run:sweep-test', type: 'timer-run', accountId: 'system', name: 'x' });
    expect(stored.ttl).toBe(400 * 86_400);

    clock.advance(399 * DAY_MS);
    expect(await sweeper.sweepOnce()).toEqual({});
    expect(await jobs.read('timer-run:sweep-test', 'system')).toBeDefined();

    clock.advance(1 * DAY_MS + 5_000);
    expect(await sweeper.sweepOnce()).toEqual({ jobs: 1 });
    expect(await jobs.read('timer-run:sweep-test', 'system')).toBeUndefined();
    // A second sweep finds nothing more to do.
    expect(await sweeper.sweepOnce()).toEqual({});
  });

  it('RET-1: removes an event-retention document whose explicit ttl passed, and keeps unexpired, ttl-less and ttl -1 ones', async () => {
    const { clock, db, sweeper } = fresh();
    const accounts = db.collection('accounts');
    await accounts.create({ id: 'expired', type: 'account', accountId: 'acc-expired', ttl: 60 });
    await accounts.create({ id: 'not-yet', type: 'account', accountId: 'acc-not-yet', ttl: 3600 });
    await accounts.create({ id: 'no-ttl', type: 'account', accountId: 'acc-no-ttl' });
    await accounts.create({ id: 'never', type: 'account', accountId: 'acc-never', ttl: -1 });
    const noTtl = await accounts.read('no-ttl', 'acc-no-ttl');
    expect(noTtl?.ttl).toBeUndefined();

    clock.advance(120_000);
    const removed = await sweeper.sweepOnce();
    expect(removed).toEqual({ accounts: 1 });

    expect(await accounts.read('expired', 'acc-expired')).toBeUndefined();
    expect(await accounts.read('not-yet', 'acc-not-yet')).toBeDefined();
    expect(await accounts.read('no-ttl', 'acc-no-ttl')).toBeDefined();
    expect(await accounts.read('never', 'acc-never')).toBeDefined();

    // Years later, only the one with a positive ttl goes; "no ttl" and -1 mean never in a container with defaultTtl -1.
    clock.advance(10 * 365 * DAY_MS);
    expect(await sweeper.sweepOnce()).toEqual({ accounts: 1 });
    expect(await accounts.read('not-yet', 'acc-not-yet')).toBeUndefined();
    expect(await accounts.read('no-ttl', 'acc-no-ttl')).toBeDefined();
    expect(await accounts.read('never', 'acc-never')).toBeDefined();
  });

  it('leaves documents in a container without TTL alone, even with a ttl field (as Cosmos ignores item ttl there)', async () => {
    const { clock, sweeper } = fresh();
    // catalog holds only indefinite types, so it is created without defaultTtl; write raw, past the adapter.
    const catalog = cosmos.client.database(dataRegistry.database).container('catalog');
    await catalog.items.create({ id: 'raw-work', type: 'work', publisherId: 'pub-1', ttl: 1 });
    clock.advance(DAY_MS);
    const removed = await sweeper.sweepOnce();
    expect(removed.catalog).toBeUndefined();
    const { resource } = await catalog.item('raw-work', 'pub-1').read();
    expect(resource?.id).toBe('raw-work');
  });
});

describe('TtlSweeper under a clock moved years ahead (the retention run)', () => {
  it('RET-6: a document written after the clock jumped expires its ttl after that write, not after the machine time', async () => {
    const clock = new AdjustableClock();
    const cosmos = await startEmbeddedCosmos(dataRegistry, 0, undefined, clock);
    try {
      const db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
      const sweeper = new TtlSweeper(cosmos.client, dataRegistry, clock);
      clock.advance(3 * 365 * DAY_MS);
      const stored = await db.collection('jobs').create<Doc>({ id: 'timer-run:later', type: 'timer-run', accountId: 'system', name: 'x' });
      expect(stored._ts).toBe(Math.floor(clock.now().getTime() / 1000));
      clock.advance(399 * DAY_MS);
      expect(await sweeper.sweepOnce(), 'written 399 days ago by the clock: kept').toEqual({});
      clock.advance(DAY_MS + 5_000);
      expect(await sweeper.sweepOnce()).toEqual({ jobs: 1 });
    } finally {
      await cosmos.close();
    }
  });
});
