/**
 * `npm run build`: the unbundled tsc build into dist/tsc, then the deployable esbuild bundle into dist/app
 * (package.json "main"), its metafile in dist/app.meta.json (outside dist/app: not deployed), then the deploy package
 * dist/deploy (scripts/deploy-package.ts, azure.yaml `dist`), checked first in a temporary directory: it must load in
 * a fresh node without node_modules and register every function.
 * Fails when the bundle contains the local host or dev-only packages, or does not load (see scripts/bundle.ts).
 *
 * azd calls `npm run build` twice per deployment (its build step, then again when packaging): when no input changed
 * since the last build (dist/.deploy-stamp) and dist/deploy is there, the second call says so and does nothing.
 * `npm run build -- --force` rebuilds anyway.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { buildBundle, buildTsc, formatBytes, inputBytesByPackage, readableStderr, repoRoot, smokeTestBundle } from './bundle.js';
import { buildFingerprint, deployDir, deployMain, deployPackageIsCurrent, stageDeployPackage, stampFile } from './deploy-package.js';
import { runAsScript } from './run-as-script.js';

export type { BundleOptions, BundleResult } from './bundle.js';
export { buildBundle, buildTsc } from './bundle.js';

async function main(): Promise<void> {
  const fingerprint = await buildFingerprint();
  if (!process.argv.includes('--force') && (await deployPackageIsCurrent(fingerprint))) {
    console.log(`build    up to date: ${path.relative(repoRoot, deployDir)} was built from these exact inputs (npm run build -- --force rebuilds)`);
    return;
  }
  await rm(stampFile, { force: true });
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
  // Checked in a temporary directory: inside the repository, node_modules above dist/deploy would hide a missing package.
  const staging = await mkdtemp(path.join(os.tmpdir(), 'opiq-build-check-'));
  try {
    await stageDeployPackage(bundle, staging);
    const smoke = await smokeTestBundle(path.join(staging, deployMain));
    if (!smoke.ok) {
      throw new Error(`the bundle does not load without node_modules (exit ${smoke.code ?? smoke.signal}):\n${readableStderr(smoke.stderr)}`);
    }
    console.log(`check    loads without node_modules, ${smoke.report?.definitions.length} definitions (${elapsed(started)})`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const files = await stageDeployPackage(bundle);
  await writeFile(stampFile, `${fingerprint}\n`);
  console.log(`deploy   ${path.relative(repoRoot, deployDir)}: ${files.join(', ')}`);
}

function elapsed(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}

runAsScript(import.meta.url, main, { messageOnly: true });
