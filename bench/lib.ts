/**
 * Shared pieces of the bench (bench/run.ts runs the *.bench.ts modules). No side effects on import.
 */
import { readableStderr, runNodeEval } from '../scripts/bundle.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface BenchContext {
  /** Measurements per variant (each in a fresh process). */
  runs: number;
  /** A scratch directory for this run, removed afterwards. */
  tmpDir: string;
  log(message: string): void;
}

export interface BenchOutput {
  /** Top-level keys of bench/last.json this bench owns; merged in, other keys are kept. */
  record: Record<string, Json>;
  /** Printed with console.table. */
  table: Record<string, string | number>[];
  /** Printed under the table (e.g. how to read a ratio). */
  notes?: string[];
  /** Limits the figures missed: printed, and `npm run bench` exits non-zero (the record is still written). */
  failures?: string[];
}

/** A bench module (bench/<name>.bench.ts) exports `bench` of this type and is listed in bench/run.ts. */
export interface Bench {
  name: string;
  description: string;
  run(context: BenchContext): Promise<BenchOutput>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to `digits` decimals (stable JSON, readable tables). */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Runs `node --input-type=module -e script ...args` in a fresh process and returns the JSON the script printed on a
 * line starting with "BENCH ". stderr is collected but only shown when the process fails.
 */
export async function runNodeScript<T>(
  script: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<T> {
  const run = await runNodeEval(script, args, { ...options, timeoutMs: options.timeoutMs ?? 60_000 });
  const line = run.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (run.code !== 0 || line === undefined)
    throw new Error(`node ${args.join(' ')} failed (${run.signal ?? `exit ${run.code}`}):\n${readableStderr(run.stderr)}`);
  return JSON.parse(line.slice('BENCH '.length)) as T;
}
