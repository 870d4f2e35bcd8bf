/**
 * `npm run build`: the unbundled tsc build into dist/tsc, then the deployable esbuild bundle into dist/app
 * (package.json "main"), its metafile in dist/app.meta.json (outside dist/app: not deployed), then a check that the
 * bundle loads in a fresh node from a directory without node_modules, laid out as deployed.
 * Fails when the bundle contains the local host or dev-only packages, or does not load (see scripts/bundle.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { buildBundle, buildTsc, formatBytes, inputBytesByPackage, readableStderr, repoRoot, smokeTestBundle, stageDeployment } from './bundle.js';

export type { BundleOptions, BundleResult } from './bundle.js';
export { buildBundle, buildTsc } from './bundle.js';

async function main(): Promise<void> {
  let started = performance.now();
  const tsc = await buildTsc();
  console.log(`tsc      ${path.relative(repoRoot, tsc.entryFile)} (${elapsed(started)})`);

  started = performance.now();
  const bundle = await buildBundle({ metafilePath: path.join(repoRoot, 'dist', 'app.meta.json') });
  console.log(`esbuild  ${path.relative(repoRoot, bundle.entryFile)} ${formatBytes(bundle.entryBytes)} (${elapsed(started)})`);
  for (const { name, bytes } of inputBytesByPackage(bundle.metafile).slice(0, 6)) {
    console.log(`         ${formatBytes(bytes).padStart(10)} of input from ${name}`);
  }

  started = performance.now();
  const staging = await mkdtemp(path.join(os.tmpdir(), 'opiq-build-check-'));
  try {
    await stageDeployment(bundle, staging);
    const smoke = await smokeTestBundle(path.join(staging, 'dist', 'app', 'index.js'));
    if (!smoke.ok) {
      throw new Error(`the bundle does not load without node_modules (exit ${smoke.code ?? smoke.signal}):\n${readableStderr(smoke.stderr)}`);
    }
    console.log(`check    loads without node_modules, ${smoke.report?.definitions.length} definitions (${elapsed(started)})`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function elapsed(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
