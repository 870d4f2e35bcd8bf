import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { AdjustableClock } from '../platform/clock.js';
import { createDatabase, type Database, type Doc } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { emptyCounts, withOperationCounter } from '../platform/operations.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import type { OrderDoc } from './model.js';
import { createCountedOrder, ORDER_LIMIT_ID, ORDERS_PER_WINDOW } from './order-limit.js';

/**
 * Issue 11: the per-person limit on new orders is counted in the transactional batch that creates the order (one
 * write for both), against the embedded Cosmos server.
 */

let cosmos: EmbeddedCosmos;
let db: Database;
const clock = new AdjustableClock();
const services = () => ({ db, clock });
const QUARTER_MS = 15 * 60_000;
let serial = 0;

/** Enough of an order for the batch (the limit looks at nothing in it but its partition). */
const orderOf = (accountId: string, id = `ord-limit-${++serial}`) => ({ id, type: 'order', accountId, status: 'created' }) as unknown as OrderDoc;

const counted = (accountId: string, id?: string) => {
  const run = withOperationCounter(() => createCountedOrder(services(), orderOf(accountId, id)));
  return run.result.then((result) => ({ result, counts: run.counts }));
};

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
  // The start of a quarter-hour, so a test's orders stay in one.
  const now = clock.now().getTime();
  clock.advance(Math.ceil(now / QUARTER_MS) * QUARTER_MS + 1000 - now);
});
afterAll(async () => {
  await cosmos?.close();
});

describe('issue 11: the order limit counted with the order', () => {
  it("STORE-2: a person's first order creates the counter with it (a failed batch, then one); every later order is one write", async () => {
    const first = await counted('acc-limit-first');
    expect(first.result).toMatchObject({ created: { id: expect.any(String), _etag: expect.any(String) } });
    expect(first.counts).toEqual({ ...emptyCounts(), write: 2 });
    const second = await counted('acc-limit-first');
    expect(second.counts).toEqual({ ...emptyCounts(), write: 1 });
    const counter = await db.collection('orders').read<Doc>(ORDER_LIMIT_ID, 'acc-limit-first');
    const quarter = Math.floor(clock.now().getTime() / QUARTER_MS);
    expect(counter).toMatchObject({ type: 'order-limit', accountId: 'acc-limit-first', [`n_${quarter}`]: 2 });
  });

  it('STORE-2: an order whose id is taken (a repeated request, or a lost answer retried) is not counted and not written again', async () => {
    await counted('acc-limit-repeat', 'ord-limit-same');
    const before = await db.collection('orders').read<Doc>(ORDER_LIMIT_ID, 'acc-limit-repeat');
    const again = await counted('acc-limit-repeat', 'ord-limit-same');
    expect(again.result).toEqual({ exists: true });
    expect(again.counts).toEqual({ ...emptyCounts(), write: 1 });
    expect(await db.collection('orders').read<Doc>(ORDER_LIMIT_ID, 'acc-limit-repeat')).toMatchObject({ _etag: before!._etag });
  });

  it('STORE-2: the batch applied but its answer lost: the retry finds its own order (exists) and counts it once', async () => {
    const accountId = 'acc-limit-lost';
    await counted(accountId);
    let lose = true;
    cosmos.setFaultHook((request) => {
      if (!lose || request.method !== 'POST' || request.query || !request.path.includes('/colls/orders/docs')) return undefined;
      lose = false;
      return { kind: 'lose-answer' };
    });
    try {
      expect((await counted(accountId, 'ord-limit-lost')).result).toEqual({ exists: true });
    } finally {
      cosmos.setFaultHook(undefined);
    }
    expect(lose).toBe(false);
    expect(await db.collection('orders').read('ord-limit-lost', accountId)).toMatchObject({ id: 'ord-limit-lost' });
    const quarter = Math.floor(clock.now().getTime() / QUARTER_MS);
    expect(await db.collection('orders').read<Doc>(ORDER_LIMIT_ID, accountId)).toMatchObject({ [`n_${quarter}`]: 2 });
  });

  it(`STORE-2: ${ORDERS_PER_WINDOW} orders within two quarter-hours, then 429 with nothing written until the older quarter is over`, async () => {
    const accountId = 'acc-limit-full';
    for (let i = 0; i < 10; i++) await counted(accountId);
    clock.advance(QUARTER_MS);
    for (let i = 10; i < ORDERS_PER_WINDOW; i++) await counted(accountId);
    const refused = await refusal(counted(accountId, 'ord-limit-refused'));
    expect(refused.code).toBe('too_many_attempts');
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    expect(await db.collection('orders').read('ord-limit-refused', accountId)).toBeUndefined();
    // The next quarter counts only this one's 20: ten more may be placed, not eleven.
    clock.advance(QUARTER_MS);
    for (let i = 0; i < 10; i++) expect(await counted(accountId)).toMatchObject({ result: { created: expect.anything() } });
    expect((await refusal(counted(accountId))).code).toBe('too_many_attempts');
  });

  it("STORE-2: a frequent buyer's counter keeps at most the last quarters it needs: older ones are dropped once it holds more than eight", async () => {
    const accountId = 'acc-limit-often';
    const quarterFields = async () =>
      Object.keys((await db.collection('orders').read<Doc>(ORDER_LIMIT_ID, accountId))!)
        .filter((k) => k.startsWith('n_'))
        .sort();
    for (let i = 0; i < 8; i++) {
      await counted(accountId);
      clock.advance(QUARTER_MS);
    }
    expect(await quarterFields()).toHaveLength(8);
    const ninth = await counted(accountId);
    // The ninth quarter's order: its batch, then one write that drops the quarters before the last one.
    expect(ninth.counts).toEqual({ ...emptyCounts(), write: 2 });
    const now = Math.floor(clock.now().getTime() / QUARTER_MS);
    expect(await quarterFields()).toEqual([`n_${now - 1}`, `n_${now}`]);
    // The limit still sees the last quarter's order: the next one counts on top of it.
    expect((await counted(accountId)).counts).toEqual({ ...emptyCounts(), write: 1 });
    const counter = await db.collection('orders').read<Doc & Record<string, number>>(ORDER_LIMIT_ID, accountId);
    expect([counter![`n_${now - 1}`], counter![`n_${now}`]]).toEqual([1, 2]);
  });

  it('STORE-2: the check and the count are one step: of 45 parallel first orders exactly the limit are created', async () => {
    const accountId = 'acc-limit-race';
    clock.advance(2 * QUARTER_MS);
    const outcomes = await Promise.allSettled(Array.from({ length: 45 }, () => createCountedOrder(services(), orderOf(accountId))));
    const created = outcomes.filter((o) => o.status === 'fulfilled');
    expect(created).toHaveLength(ORDERS_PER_WINDOW);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused.map((o) => (o.reason as AppError).code)).toEqual(Array(45 - ORDERS_PER_WINDOW).fill('too_many_attempts'));
    const stored = await db.collection('orders').query<Doc>(accountId, { where: "c.type = 'order'" });
    expect(stored.items).toHaveLength(ORDERS_PER_WINDOW);
  });
});
