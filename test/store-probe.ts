import type { ContainerName } from '../shared/platform/cosmos.js';
import type { Services } from '../shared/platform/services.js';

/**
 * Services whose store fails every write after the first `limit` (a run killed half-way: an injected store fault),
 * recording each delete tried and each that removed a document, and counting writes. For the erasure test and bench
 * (PRIV-3): a resumed run must not try again what the killed one deleted, and a finished one must write nothing.
 */
export function counted(services: Services, limit = Infinity) {
  const deleted: string[] = [];
  const attempted: string[] = [];
  /** Each write tried, in order, as `<container>/<operation>`. */
  const order: string[] = [];
  let writes = 0;
  const tick = (write: string) => {
    order.push(write);
    if (++writes > limit) throw new Error('killed: injected store fault');
  };
  const db = {
    ...services.db,
    collection(name: ContainerName) {
      const real = services.db.collection(name);
      return new Proxy(real, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          if (prop === 'delete')
            return async (id: string, pk: string, options?: { ifMatch?: string }) => {
              attempted.push(`${name}/${id}`);
              tick(`${name}/delete`);
              const gone = await target.delete(id, pk, options);
              if (gone) deleted.push(`${name}/${id}`);
              return gone;
            };
          if (prop === 'deleteMany')
            return async (ids: string[], pk: string) => {
              attempted.push(...ids.map((id) => `${name}/${id}`));
              tick(`${name}/deleteMany`);
              const gone = await target.deleteMany(ids, pk);
              deleted.push(...gone.map((id) => `${name}/${id}`));
              return gone;
            };
          if (['create', 'upsert', 'replace', 'patch'].includes(String(prop)))
            return (...args: unknown[]) => {
              tick(`${name}/${String(prop)}`);
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          return (value as (...a: unknown[]) => unknown).bind(target);
        },
      });
    },
  };
  return { services: { ...services, db }, deleted, attempted, order, writes: () => writes };
}
