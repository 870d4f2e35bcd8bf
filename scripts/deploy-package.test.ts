/**
 * The deploy package (dist/deploy, scripts/deploy-package.ts) as the Functions host and azd see it: staged from a
 * real bundle into a temporary directory (no node_modules anywhere above it), then checked for what the host needs
 * and run; and azure.yaml read with the rules azd applies to a Flex Consumption function service.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { definitions } from '../functions/index.js';
import { buildBundle, readableStderr, repoRoot, smokeTestBundle } from './bundle.js';
import { buildFingerprint, deployedBundleFiles, deployMain, deployPackageIsCurrent, listPackage, stageDeployPackage } from './deploy-package.js';

let dir: string;
let files: string[];
let bundleFiles: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'opiq-deploy-test-'));
  const bundle = await buildBundle({ outDir: path.join(dir, 'bundle') });
  bundleFiles = await listPackage(bundle.outDir);
  files = await stageDeployPackage(bundle, path.join(dir, 'package'));
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const pkgDir = () => path.join(dir, 'package');

describe('the deploy package (dist/deploy)', () => {
  it('holds host.json, package.json and the bundle, and nothing else: no maps, sources, node_modules or local settings', () => {
    expect(files).toEqual([...deployedBundleFiles().map((f) => `app/${f}`), 'host.json', 'package.json'].sort());
    expect(files.filter((f) => /\.(map|ts)$|node_modules|local\.settings/.test(f))).toEqual([]);
  });

  it('every file the build writes beside the bundle, except source maps, is deployed (vendor code, data, docs assets)', () => {
    expect(files.filter((f) => f.startsWith('app/')).map((f) => f.slice('app/'.length))).toEqual(bundleFiles.filter((f) => !f.endsWith('.map')));
  });

  it('host.json is at the root: Functions 2.0 schema with the v4 extension bundle (Service Bus identity connections need it)', async () => {
    const host = JSON.parse(await readFile(path.join(pkgDir(), 'host.json'), 'utf8')) as {
      version: string;
      extensionBundle: { id: string; version: string };
    };
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
    expect(await readFile(path.join(pkgDir(), 'host.json'), 'utf8')).toBe(await readFile(path.join(repoRoot, 'host.json'), 'utf8'));
  });

  it('package.json is an ES module whose main exists, with no dependencies to install and no scripts to run', async () => {
    const pkg = JSON.parse(await readFile(path.join(pkgDir(), 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.type).toBe('module');
    expect(pkg.main).toBe(deployMain);
    expect(existsSync(path.join(pkgDir(), String(pkg.main)))).toBe(true);
    for (const key of ['dependencies', 'devDependencies', 'optionalDependencies', 'scripts']) expect(pkg[key], key).toBeUndefined();
  });

  it('main loads in a fresh node without node_modules and registers every function', async () => {
    const result = await smokeTestBundle(path.join(pkgDir(), deployMain));
    expect(result.stderr).not.toMatch(/Dynamic require|Cannot find (module|package)|ERR_/);
    expect({ code: result.code, signal: result.signal }, readableStderr(result.stderr)).toEqual({ code: 0, signal: null });
    expect(result.report?.definitions).toEqual(definitions.map((d) => d.name));
  });
});

interface AzdService {
  project?: string;
  language?: string;
  host?: string;
  dist?: string;
  remoteBuild?: boolean;
}

/** Whether a .funcignore (gitignore syntax) excludes node_modules, as azd decides it. */
function ignoresNodeModules(funcignore: string): boolean {
  return funcignore
    .split('\n')
    .map((l) => l.trim())
    .some((l) => /^(\*\*\/|\/)?node_modules(\/(\*\*?)?)?$/.test(l));
}

/**
 * azd's packaging of a Flex Consumption function service (research/bicep-compiler-and-network.md section 3): the
 * remote-build decision reads <project>/.funcignore; the zip is <project>/<dist> filtered by <dist>/.funcignore.
 * Returns the error azd would stop with, or the effective remote build setting.
 */
function azdRemoteBuild(service: AzdService, projectFuncignore: string | undefined): { error: string } | { remoteBuild: boolean } {
  if (projectFuncignore === undefined) return { remoteBuild: service.remoteBuild ?? true };
  const ignored = ignoresNodeModules(projectFuncignore);
  if (service.remoteBuild === undefined) return { remoteBuild: ignored };
  if (service.remoteBuild && !ignored) return { error: "'remoteBuild: true' requires '.funcignore' to exclude node_modules" };
  if (!service.remoteBuild && ignored) return { error: "'remoteBuild: false' cannot be used when '.funcignore' excludes node_modules" };
  return { remoteBuild: service.remoteBuild };
}

describe('azure.yaml as azd reads it', () => {
  const azure = parse(readFileSyncUtf8(path.join(repoRoot, 'azure.yaml'))) as {
    services: Record<string, AzdService>;
    hooks?: Record<string, unknown>;
    infra: Record<string, string>;
  };
  const api = azure.services.api!;
  const projectFuncignore = path.join(repoRoot, api.project ?? '.', '.funcignore');

  it('deploys the staged package (dist/deploy) of the one function service, built locally, from the Bicep in infra/', () => {
    expect(Object.keys(azure.services)).toEqual(['api']);
    expect(api).toMatchObject({ project: '.', host: 'function', language: 'ts', dist: 'dist/deploy', remoteBuild: false });
    expect(azure.infra).toEqual({ provider: 'bicep', path: 'infra', module: 'main' });
    expect(existsSync(path.join(repoRoot, 'infra', 'main.bicepparam'))).toBe(true);
  });

  it('azd accepts the remote-build setting with the project .funcignore (remoteBuild false, node_modules not excluded)', () => {
    const funcignore = existsSync(projectFuncignore) ? readFileSyncUtf8(projectFuncignore) : undefined;
    expect(azdRemoteBuild(api, funcignore)).toEqual({ remoteBuild: false });
  });

  it('the rule itself: the old combination (remoteBuild false, .funcignore excluding node_modules) is refused', () => {
    expect(azdRemoteBuild({ remoteBuild: false }, 'node_modules/\n*.ts\n')).toEqual({
      error: "'remoteBuild: false' cannot be used when '.funcignore' excludes node_modules",
    });
    expect(azdRemoteBuild({}, 'node_modules/\n')).toEqual({ remoteBuild: true });
    expect(ignoresNodeModules('# node_modules\nnode_modules_old/\n')).toBe(false);
  });

  it('nothing in the package folder is left out of the zip by a dist/.funcignore, and package.json main is in it', () => {
    expect(files).not.toContain('.funcignore');
    expect(files).toContain(deployMain);
  });

  it('azd calls `npm run build` twice: the build is skipped when its inputs have not changed since dist/deploy was staged', async () => {
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('tsx scripts/build.ts');
    const fingerprint = await buildFingerprint();
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(await buildFingerprint()).toBe(fingerprint);
    expect(await deployPackageIsCurrent('0'.repeat(64))).toBe(false);
  });

  it('after `azd down`, the next `azd up` gets a new Key Vault name (the old one stays reserved 90 days)', () => {
    const postdown = (azure.hooks?.postdown ?? {}) as { posix?: { run?: string }; windows?: { run?: string } };
    expect(postdown.posix?.run).toMatch(/^azd env set KEY_VAULT_NAME_SEED /);
    expect(postdown.windows?.run).toMatch(/^azd env set KEY_VAULT_NAME_SEED /);
    expect(readFileSyncUtf8(path.join(repoRoot, 'infra', 'main.bicepparam'))).toMatch(
      /param keyVaultNameSeed = readEnvironmentVariable\('KEY_VAULT_NAME_SEED'/,
    );
  });
});

function readFileSyncUtf8(file: string): string {
  return readFileSync(file, 'utf8');
}
