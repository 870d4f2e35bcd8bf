/**
 * `npm run bench` runs every bench; `npm run bench -- import` only the named ones; `--runs N` changes the number of
 * samples per measurement (default 9). Each bench prints a table and owns some top-level keys of bench/last.json,
 * which are merged into the file (keys of benches not run are kept), with "meta" describing the latest run.
 * bench/last.json is committed as a record.
 *
 * To add a bench: write bench/<name>.bench.ts exporting `bench` (see Bench in bench/lib.ts) and list it below.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Bench, Json } from './lib.js';

const benches: Record<string, () => Promise<Bench>> = {
  import: async () => (await import('./import.bench.js')).bench,
  http: async () => (await import('./http.bench.js')).bench,
  identity: async () => (await import('./identity.bench.js')).bench,
  signup: async () => (await import('./signup.bench.js')).bench,
  learning: async () => (await import('./learning.bench.js')).bench,
  'first-request': async () => (await import('./first-request.bench.js')).bench,
  export: async () => (await import('./export.bench.js')).bench,
  erasure: async () => (await import('./erasure.bench.js')).bench,
  events: async () => (await import('./events.bench.js')).bench,
};

const recordFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'last.json');

function parseArgs(argv: string[]): { names: string[]; runs: number } {
  const names: string[] = [];
  let runs = 9;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive integer');
    } else if (arg in benches) names.push(arg);
    else throw new Error(`unknown bench "${arg}"; available: ${Object.keys(benches).join(', ')}`);
  }
  return { names: names.length > 0 ? names : Object.keys(benches), runs };
}

async function readRecord(): Promise<Record<string, Json>> {
  let text: string;
  try {
    text = await readFile(recordFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  // A broken file is reported, not replaced: it holds other benches' results.
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${recordFile} is not a JSON object`);
  return parsed as Record<string, Json>;
}

/** "meta" first, then the other keys sorted: the file's shape does not depend on which bench ran last. */
function ordered(record: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (record['meta'] !== undefined) out['meta'] = record['meta'];
  for (const key of Object.keys(record)
    .filter((k) => k !== 'meta')
    .sort())
    out[key] = record[key]!;
  return out;
}

async function main(): Promise<void> {
  const { names, runs } = parseArgs(process.argv.slice(2));
  // A run of every bench replaces the whole record, so every figure in it comes from one run.
  const record = names.length === Object.keys(benches).length ? {} : await readRecord();
  const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'opiq-bench-'));
  try {
    for (const name of names) {
      const bench = await benches[name]!();
      console.log(`\n== ${bench.name}: ${bench.description}`);
      const output = await bench.run({ runs, tmpDir, log: (message) => console.log(`   ${message}`) });
      console.table(output.table);
      for (const note of output.notes ?? []) console.log(`   ${note}`);
      for (const failure of output.failures ?? []) console.error(`   FAILED: ${failure}`);
      if ((output.failures ?? []).length > 0) process.exitCode = 1;
      Object.assign(record, output.record);
    }
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  record['meta'] = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? 'unknown'}`,
    lastRun: names,
  };
  await writeFile(recordFile, `${JSON.stringify(ordered(record), null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), recordFile)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
