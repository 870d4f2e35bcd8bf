/**
 * The deployable package: dist/deploy/, which azure.yaml names as the service's `dist` (azd zips that folder as is)
 * and from which `func azure functionapp publish` can be run. What the Functions host needs and nothing else:
 *
 *   host.json          as in the repository
 *   package.json       "type": "module", "main": "app/index.js", no dependencies (the bundle inlines them; the one
 *                      import left, @azure/functions-core, is provided by the Node worker), no scripts
 *   app/index.js       the esbuild bundle (scripts/bundle.ts), app/vendor/*, the SDKs and data it loads lazily, and
 *                      app/api-docs/*, the static files of the API docs page, read beside the bundle
 *
 * No source maps (the app runs without them; keep dist/app/index.js.map from the build to decode stack traces), no
 * sources, no node_modules, no local settings.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { API_DOCS_ASSET_DIR, apiDocsAssetNames } from '../shared/http/api-docs.js';
import { type BundleResult, lazyVendors, repoRoot } from './bundle.js';

export const deployDir = path.join(repoRoot, 'dist', 'deploy');
export const deployMain = 'app/index.js';

/** Files of the bundle output that are deployed: entry, lazily loaded vendor files, docs assets (no maps, no extra entries). */
export function deployedBundleFiles(): string[] {
  return [
    'index.js',
    ...new Set(Object.values(lazyVendors).map((v) => `vendor/${v.file}`)),
    ...apiDocsAssetNames.map((n) => `${API_DOCS_ASSET_DIR}/${n}`),
  ];
}

export function deployPackageJson(source: { name: string; version: string; engines?: Record<string, string> }): Record<string, unknown> {
  return {
    name: source.name,
    version: source.version,
    private: true,
    type: 'module',
    main: deployMain,
    ...(source.engines ? { engines: source.engines } : {}),
  };
}

/** Writes the package into `dir` (emptied first; must be dist/deploy or outside the repository). Returns its files. */
export async function stageDeployPackage(bundle: BundleResult, dir: string = deployDir): Promise<string[]> {
  const inRepo = !path.relative(repoRoot, dir).startsWith('..');
  if (inRepo && path.resolve(dir) !== deployDir)
    throw new Error(`refusing to empty ${dir}: the package goes to dist/deploy or a temporary directory`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(repoRoot, 'host.json'), path.join(dir, 'host.json'));
  const source = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    engines?: Record<string, string>;
  };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(deployPackageJson(source), null, 2)}\n`);
  for (const file of deployedBundleFiles()) {
    await mkdir(path.dirname(path.join(dir, 'app', file)), { recursive: true });
    await copyFile(path.join(bundle.outDir, file), path.join(dir, 'app', file));
  }
  return listPackage(dir);
}

/** Every file under dir, relative with forward slashes, sorted. */
export async function listPackage(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).replaceAll('\\', '/'))
    .sort();
}

/** The inputs of `npm run build`: if none changed since the last build, azd's second build call can be skipped. */
export async function buildFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  const files = [
    'package.json',
    'package-lock.json',
    'host.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'scripts/bundle.ts',
    'scripts/build.ts',
    'scripts/deploy-package.ts',
  ];
  for (const dir of ['functions', 'shared']) {
    const entries = await readdir(path.join(repoRoot, dir), { recursive: true, withFileTypes: true });
    for (const e of entries) if (e.isFile()) files.push(path.relative(repoRoot, path.join(e.parentPath, e.name)));
  }
  for (const file of files.sort()) {
    hash.update(`${file}\0`);
    hash.update(await readFile(path.join(repoRoot, file)).catch(() => Buffer.from('(missing)')));
  }
  return hash.digest('hex');
}

export const stampFile = path.join(repoRoot, 'dist', '.deploy-stamp');

/** True when dist/deploy was built from exactly the current inputs (and is still there). */
export async function deployPackageIsCurrent(fingerprint: string): Promise<boolean> {
  const stamp = await readFile(stampFile, 'utf8').catch(() => '');
  if (stamp.trim() !== fingerprint) return false;
  const main = await stat(path.join(deployDir, deployMain)).catch(() => undefined);
  return main?.isFile() === true;
}
