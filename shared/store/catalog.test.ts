import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { AdjustableClock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { emptyCounts, withOperationCounter } from '../platform/operations.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { changeWorkAndCopies, distributedCopies, workCopy } from './catalog.js';
import type { PackageDoc, WorkDoc } from './model.js';

/**
 * Issue 11: a package keeps copies of its works' titles and statuses so checkout reads the package alone; a work that
 * leaves distribution takes the copies with it in one transactional batch (against the embedded Cosmos server).
 */

let cosmos: EmbeddedCosmos;
let db: Database;
const PUB = 'pub-copies';
const services = () => ({ db });

const work = (id: string, status: WorkDoc['status'] = 'distributed'): WorkDoc => ({
  id,
  type: 'work',
  publisherId: PUB,
  title: `Title of ${id}`,
  subjects: ['mathematics'],
  country: 'EE',
  status,
});
const pkg = (id: string, works: WorkDoc[], copies = true): PackageDoc => ({
  id,
  type: 'package',
  publisherId: PUB,
  title: id,
  workIds: works.map((w) => w.id),
  priceCentsPerMonth: 100,
  country: 'EE',
  ...(copies ? { works: works.map(workCopy) } : {}),
});
const read = (id: string) => db.collection('catalog').read<PackageDoc>(id, PUB);
const withdraw = (current: WorkDoc): WorkDoc => ({ ...current, status: 'withdrawn' });

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, new AdjustableClock());
});
afterAll(async () => {
  await cosmos?.close();
});

describe('issue 11: the works a package copies', () => {
  it('STORE-1: copies that cover every work and all say distributed are the works; any other copy sends checkout to the works', () => {
    const a = work('w-a');
    const b = work('w-b');
    expect(distributedCopies(pkg('p', [a, b]))).toEqual([
      { id: 'w-a', title: 'Title of w-a' },
      { id: 'w-b', title: 'Title of w-b' },
    ]);
    expect(distributedCopies(pkg('p', [a, b], false))).toBeUndefined();
    expect(distributedCopies(pkg('p', [a, work('w-b', 'withdrawn')]))).toBeUndefined();
    // A copy missing for one of the works (a work added to the package later).
    expect(distributedCopies({ ...pkg('p', [a]), workIds: ['w-a', 'w-b'] })).toBeUndefined();
  });

  it("OPS-2, STORE-1: a work leaving distribution writes its packages' copies in the same batch; a package without copies is left as it was", async () => {
    const catalog = db.collection('catalog');
    const [a, b] = [work('w-1'), work('w-2')];
    for (const doc of [a, b, pkg('p-both', [a, b]), pkg('p-one', [a]), pkg('p-other', [b])]) await catalog.create(doc);
    const plain = await catalog.create(pkg('p-plain', [a], false));

    const run = withOperationCounter(() => changeWorkAndCopies(services(), PUB, 'w-1', withdraw));
    const changed = await run.result;
    // The work, the query for the packages holding it, one batch.
    expect(run.counts).toEqual({ ...emptyCounts(), pointRead: 1, query: 1, write: 1, metadata: run.counts.metadata });
    expect(changed).toMatchObject({ changed: true, doc: { status: 'withdrawn' } });
    expect((await read('p-both'))!.works).toEqual([{ ...workCopy(a), status: 'withdrawn' }, workCopy(b)]);
    expect((await read('p-one'))!.works).toEqual([{ ...workCopy(a), status: 'withdrawn' }]);
    expect(distributedCopies((await read('p-other'))!)).toEqual([{ id: 'w-2', title: 'Title of w-2' }]);
    expect(await read('p-plain')).toMatchObject({ _etag: plain._etag });

    // Nothing to change: no write, no query.
    expect(
      await changeWorkAndCopies(services(), PUB, 'w-1', (current) => (current.status === 'withdrawn' ? undefined : withdraw(current))),
    ).toMatchObject({
      changed: false,
    });
    // Back in distribution: the copies follow.
    await changeWorkAndCopies(services(), PUB, 'w-1', (current) => ({ ...current, status: 'distributed' }));
    expect(distributedCopies((await read('p-both'))!)).toHaveLength(2);
    expect(await changeWorkAndCopies(services(), PUB, 'w-none', withdraw)).toBeUndefined();
  });

  it('OPS-2: a package changed between the query and the batch (412) is read and decided again; nothing half-written', async () => {
    const catalog = db.collection('catalog');
    const c = work('w-race');
    await catalog.create(c);
    await catalog.create(pkg('p-race', [c]));
    let queries = 0;
    // Someone else writes the package just after the first query read it: that attempt's batch meets its new ETag.
    const racing = {
      collection: (name: 'catalog') => {
        const real = db.collection(name);
        return new Proxy(real, {
          get(target, property, receiver) {
            if (property !== 'queryAll') return Reflect.get(target, property, receiver) as unknown;
            return async (...args: Parameters<typeof real.queryAll>) => {
              const rows = await real.queryAll(...args);
              if (++queries === 1) await catalog.replace({ ...(await read('p-race'))!, title: 'renamed' });
              return rows;
            };
          },
        });
      },
    } as unknown as Database;
    const run = withOperationCounter(() => changeWorkAndCopies({ db: racing }, PUB, 'w-race', withdraw));
    expect(await run.result).toMatchObject({ changed: true, doc: { status: 'withdrawn' } });
    expect(queries).toBe(2);
    // The failed batch (it wrote nothing), the other writer's replace, and the batch that wrote work and copy.
    expect(run.counts.write).toBe(3);
    const stored = (await read('p-race'))!;
    expect(stored.title).toBe('renamed');
    expect(stored.works).toEqual([{ ...workCopy(c), status: 'withdrawn' }]);
  });
});
