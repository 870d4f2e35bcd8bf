import { AsyncLocalStorage } from 'node:async_hooks';

/** Cosmos operations by kind: request charges are meaningless on the emulator, so budgets are counted in operations. */
export interface OperationCounts {
  pointRead: number;
  write: number;
  query: number;
  crossPartitionQuery: number;
}

export const emptyCounts = (): OperationCounts => ({ pointRead: 0, write: 0, query: 0, crossPartitionQuery: 0 });

const scope = new AsyncLocalStorage<OperationCounts>();
const totals = emptyCounts();

/** Runs `fn` with its own counter; everything it awaits counts into it (one per HTTP request or queue message). */
export function withOperationCounter<T>(fn: () => Promise<T>): { counts: OperationCounts; result: Promise<T> } {
  const counts = emptyCounts();
  return { counts, result: scope.run(counts, fn) };
}

export function countOperation(kind: keyof OperationCounts, n = 1): void {
  totals[kind] += n;
  const current = scope.getStore();
  if (current) current[kind] += n;
}

export function formatCounts(c: OperationCounts): string {
  return `pointRead=${c.pointRead};write=${c.write};query=${c.query};crossPartitionQuery=${c.crossPartitionQuery}`;
}
