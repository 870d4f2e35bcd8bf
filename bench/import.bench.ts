/**
 * Cold start of the bundle (what Azure runs) against the plain tsc build (packages from node_modules), each sample
 * in a fresh node process:
 * - import: `await import()` of the entry file, which registers the functions (what the worker does at start-up);
 * - ready: import, then getServices() as the first request does: the Azure SDKs, Application Insights and SendGrid
 *   are loaded with `await import()` only then, and every client is built (placeholder settings; nothing is
 *   contacted).
 * The bundle runs from a staged copy with no node_modules anywhere above it (scripts/bundle.ts stageDeployment).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  buildBundle,
  buildTsc,
  formatBytes,
  isolatedEnv,
  placeholderAzureEnv,
  placeholderAzureEnvAllAdapters,
  repoRoot,
  stageDeployment,
} from '../scripts/bundle.js';
import { type Bench, type BenchContext, type BenchOutput, median, round, runNodeScript } from './lib.js';

/** argv: mode ('import' | 'ready'), entry URL, services module URL (the entry itself when it exports getServices). */
const childScript = `
const [mode, entryUrl, servicesUrl] = process.argv.slice(1);
const started = performance.now();
const app = await import(entryUrl);
const imported = performance.now();
if (!Array.isArray(app.definitions)) throw new Error('no definitions exported');
let ready = imported;
if (mode === 'ready') {
  const { getServices } = servicesUrl === entryUrl ? app : await import(servicesUrl);
  await getServices();
  ready = performance.now();
}
console.log('BENCH ' + JSON.stringify({ importMs: imported - started, readyMs: ready - started }));
process.exit(0);
`;

interface Sample {
  importMs: number;
  readyMs: number;
}

interface Variant {
  name: 'bundled' | 'unbundled';
  cwd: string;
  importEntry: string;
  readyEntry: string;
  readyServices: string;
}

async function measure(variant: Variant, mode: 'import' | 'ready'): Promise<Sample> {
  const entry = mode === 'import' ? variant.importEntry : variant.readyEntry;
  const args = [mode, pathToFileURL(entry).href, pathToFileURL(variant.readyServices).href];
  const env = isolatedEnv(mode === 'import' ? placeholderAzureEnv() : placeholderAzureEnvAllAdapters());
  return runNodeScript<Sample>(childScript, args, { cwd: variant.cwd, env });
}

/** `runs` samples per variant and mode, alternating the order of the variants, after one discarded warm-up each. */
async function sampleAll(variants: readonly Variant[], mode: 'import' | 'ready', context: BenchContext): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (const variant of variants) await measure(variant, mode);
  for (let run = 0; run < context.runs; run++) {
    const order = run % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const sample = await measure(variant, mode);
      samples.get(variant.name)!.push(mode === 'import' ? sample.importMs : sample.readyMs);
    }
  }
  return samples;
}

/** Issue 11 targets: bundled import at most this fraction of unbundled (median of per-pair ratios), and the code
 * without the telemetry SDK (loaded only when Application Insights is configured) at most this many bytes. */
export const MAX_IMPORT_RATIO = 0.55;
export const MIN_PAIRS = 15;
export const MAX_BYTES_WITHOUT_TELEMETRY = 5 * 1024 * 1024;

async function run(input: BenchContext): Promise<BenchOutput> {
  const context = { ...input, runs: Math.max(input.runs, MIN_PAIRS) };
  context.log('building dist/tsc (tsc) ...');
  const tsc = await buildTsc();
  context.log('building the bundle (esbuild) into a staged deployment ...');
  const stagedDir = path.join(context.tmpDir, 'import-bench');
  const bundle = await buildBundle({
    outDir: path.join(stagedDir, 'dist', 'app'),
    extraEntries: { ready: path.join(repoRoot, 'bench', 'ready-entry.ts') },
  });
  await stageDeployment(bundle, stagedDir);
  const ready = bundle.extraFiles['ready']!;

  const variants: Variant[] = [
    { name: 'bundled', cwd: stagedDir, importEntry: bundle.entryFile, readyEntry: ready, readyServices: ready },
    {
      name: 'unbundled',
      cwd: repoRoot,
      importEntry: tsc.entryFile,
      readyEntry: tsc.entryFile,
      readyServices: path.join(tsc.outDir, 'shared', 'platform', 'services.js'),
    },
  ];

  context.log(`import: ${context.runs} runs per variant ...`);
  const imports = await sampleAll(variants, 'import', context);
  context.log(`ready (import + getServices()): ${context.runs} runs per variant ...`);
  const readies = await sampleAll(variants, 'ready', context);

  const stats = (values: number[]) => ({ median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)) });
  const imp = { bundled: stats(imports.get('bundled')!), unbundled: stats(imports.get('unbundled')!) };
  const rdy = { bundled: stats(readies.get('bundled')!), unbundled: stats(readies.get('unbundled')!) };
  const ratio = round(imp.bundled.median / imp.unbundled.median, 3);
  // Each pair ran back to back (order alternating), so its ratio is less exposed to a busy machine than two medians.
  const pairRatios = imports.get('bundled')!.map((b, i) => b / imports.get('unbundled')![i]!);
  const pairRatio = round(median(pairRatios), 3);
  const bytesWithoutTelemetry = bundle.files
    .filter((f) => (f.path === 'index.js' || f.path.startsWith('vendor/')) && f.path !== 'vendor/applicationinsights.js')
    .reduce((sum, f) => sum + f.bytes, 0);
  const failures: string[] = [];
  if (pairRatio > MAX_IMPORT_RATIO)
    failures.push(`bundled/unbundled import ${pairRatio} (median of ${pairRatios.length} pairs) is above ${MAX_IMPORT_RATIO}`);
  if (bytesWithoutTelemetry > MAX_BYTES_WITHOUT_TELEMETRY)
    failures.push(`the bundle without telemetry is ${formatBytes(bytesWithoutTelemetry)}, above 5 MB`);
  const readyRatio = round(rdy.bundled.median / rdy.unbundled.median, 3);

  return {
    record: {
      import: {
        date: new Date().toISOString(),
        node: process.version,
        runs: context.runs,
        statistic: 'median of fresh node processes, ms; after one discarded warm-up per variant',
        bundledMs: imp.bundled.median,
        unbundledMs: imp.unbundled.median,
        ratio,
        ratioDefinition: 'bundledMs / unbundledMs: below 1 the bundle imports faster',
        pairRatioMedian: pairRatio,
        pairRatioTarget: MAX_IMPORT_RATIO,
        pairs: pairRatios.length,
        bundledMinMaxMs: [imp.bundled.min, imp.bundled.max],
        unbundledMinMaxMs: [imp.unbundled.min, imp.unbundled.max],
        readyBundledMs: rdy.bundled.median,
        readyUnbundledMs: rdy.unbundled.median,
        readyRatio,
        readyDefinition: 'import + getServices() (first request: lazy SDK imports, every Azure client built)',
        readyBundledMinMaxMs: [rdy.bundled.min, rdy.bundled.max],
        readyUnbundledMinMaxMs: [rdy.unbundled.min, rdy.unbundled.max],
      },
      // The entry compiled at every cold start; the SDK files under vendor/ load on the first request.
      bundleBytes: bundle.entryBytes,
      bundleTotalBytes: bundle.files.filter((f) => f.path === 'index.js' || f.path.startsWith('vendor/')).reduce((sum, f) => sum + f.bytes, 0),
      bundleBytesWithoutTelemetry: bytesWithoutTelemetry,
      bundleBytesWithoutTelemetryTarget: MAX_BYTES_WITHOUT_TELEMETRY,
    },
    failures,
    table: [
      {
        variant: `bundled (dist/app/index.js, ${formatBytes(bundle.entryBytes)})`,
        'import ms': imp.bundled.median,
        'import min-max': `${imp.bundled.min}-${imp.bundled.max}`,
        'ready ms': rdy.bundled.median,
        'ready min-max': `${rdy.bundled.min}-${rdy.bundled.max}`,
      },
      {
        variant: 'unbundled (dist/tsc + node_modules)',
        'import ms': imp.unbundled.median,
        'import min-max': `${imp.unbundled.min}-${imp.unbundled.max}`,
        'ready ms': rdy.unbundled.median,
        'ready min-max': `${rdy.unbundled.min}-${rdy.unbundled.max}`,
      },
      {
        variant: 'ratio bundled / unbundled (< 1: bundle faster)',
        'import ms': ratio,
        'import min-max': '',
        'ready ms': readyRatio,
        'ready min-max': '',
      },
    ],
    notes: [
      `medians of ${context.runs} fresh node ${process.version} processes per cell; ready = import + getServices()`,
      `import ratio, median of ${pairRatios.length} interleaved pairs: ${pairRatio} (target <= ${MAX_IMPORT_RATIO})`,
      `code without the telemetry SDK: ${formatBytes(bytesWithoutTelemetry)} (target <= 5 MB)`,
    ],
  };
}

export const bench: Bench = {
  name: 'import',
  description: 'cold start: import time (and import + first getServices()) of the bundle vs the tsc build',
  run,
};
