/**
 * The Bicep compiler for `npm run infra:check`, the ARM tests (infra/infra.test.ts) and the mutation check
 * (scripts/infra-mutation.ts). Importing this module has no side effects.
 *
 * Where the binary comes from, first found wins:
 * 1. BICEP_PATH (a bicep binary);
 * 2. `bicep` on PATH, or the copy `az bicep install` keeps in ~/.azure/bin, when it is at least BICEP_VERSION (an
 *    older one knows fewer API versions and lacks `snapshot`, so lint results would differ from CI's);
 * 3. the NuGet package Azure.Bicep.CommandLine.linux-x64 restored by tools/bicep/bicep-cli.csproj into .tools/nuget
 *    (a `PackageDownload` of exactly BICEP_VERSION; restored only when the binary is missing).
 */
import { spawn } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BICEP_VERSION = '0.49.2';
export const toolsProject = path.join(repoRoot, 'tools', 'bicep', 'bicep-cli.csproj');
export const restoredBicep = path.join(repoRoot, '.tools', 'nuget', 'azure.bicep.commandline.linux-x64', BICEP_VERSION, 'tools', 'bicep');

export interface Bicep {
  path: string;
  version: string;
  source: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const exists = (file: string) =>
  stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

/** "0.49.2" from "Bicep CLI version 0.49.2 (b34271ac51)"; undefined when the binary does not run. */
async function versionOf(file: string): Promise<string | undefined> {
  const result = await run(file, ['--version']);
  return /version (\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

/** A usable compiler without restoring anything, or undefined. */
export async function findBicep(): Promise<Bicep | undefined> {
  const explicit = process.env.BICEP_PATH;
  if (explicit) {
    const version = await versionOf(explicit);
    if (!version) throw new Error(`BICEP_PATH=${explicit} does not run`);
    return { path: explicit, version, source: 'BICEP_PATH' };
  }
  const installed = [await onPath('bicep'), path.join(os.homedir(), '.azure', 'bin', 'bicep')];
  for (const candidate of installed) {
    if (candidate === undefined || !(await exists(candidate))) continue;
    const version = await versionOf(candidate);
    if (version && compareVersions(version, BICEP_VERSION) >= 0) return { path: candidate, version, source: candidate };
  }
  if (await exists(restoredBicep)) {
    // NuGet extracts with mode 0766 & umask, so the restoring user can run it; another user may need +x.
    await chmod(restoredBicep, 0o755).catch(() => undefined);
    const version = await versionOf(restoredBicep);
    if (version) return { path: restoredBicep, version, source: 'NuGet (.tools/nuget)' };
  }
  return undefined;
}

/** findBicep, restoring the NuGet package first when needed. Returns the reason when no compiler can be had. */
export async function ensureBicep(log: (line: string) => void = () => undefined): Promise<Bicep | { unavailable: string }> {
  const found = await findBicep();
  if (found) return found;
  const dotnet = await onPath('dotnet');
  if (!dotnet) return { unavailable: `no bicep ${BICEP_VERSION} or newer on PATH and no dotnet to restore it from NuGet` };
  log(`restoring Bicep ${BICEP_VERSION} from NuGet (dotnet restore ${path.relative(repoRoot, toolsProject)}) ...`);
  const restore = await run(dotnet, ['restore', toolsProject, '--packages', path.join(repoRoot, '.tools', 'nuget')], {
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' },
  });
  const restored = await findBicep();
  if (restored) return restored;
  return {
    unavailable: `dotnet restore did not produce ${path.relative(repoRoot, restoredBicep)} (exit ${restore.code}): ${(restore.stdout + restore.stderr).trim().slice(-1500)}`,
  };
}

export interface Diagnostic {
  level: 'error' | 'warning' | 'info';
  code: string;
  file: string;
  line: number;
  message: string;
}

/** Diagnostics of a `--diagnostics-format sarif` run. A SARIF result without a level is a warning (SARIF default). */
export function parseSarif(text: string, baseDir: string): Diagnostic[] {
  const start = text.indexOf('{');
  if (start < 0) return [];
  const sarif = JSON.parse(text.slice(start)) as {
    runs: {
      results: {
        ruleId: string;
        level?: string;
        message: { text: string };
        locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[];
      }[];
    }[];
  };
  return sarif.runs.flatMap((r) =>
    r.results.map((result) => {
      const location = result.locations?.[0]?.physicalLocation;
      const uri = location?.artifactLocation?.uri ?? '';
      const file = uri.startsWith('file://') ? fileURLToPath(uri) : uri;
      return {
        level:
          result.level === 'error' ? 'error' : result.level === 'note' || result.level === 'none' || result.level === 'info' ? 'info' : 'warning',
        code: result.ruleId,
        file: file ? path.relative(baseDir, file) : '',
        line: location?.region?.startLine ?? 0,
        message: result.message.text,
      } satisfies Diagnostic;
    }),
  );
}

export const formatDiagnostic = (d: Diagnostic) =>
  `${d.file}(${d.line}) ${d.level} ${d.code}: ${d.message.replace(/\s*\[https:\/\/aka\.ms\/[^\]]*\]$/, '')}`;

/** `bicep lint` with SARIF on stdout: every diagnostic of the file and the modules it uses, compiler and linter. */
export async function lint(bicep: Bicep, file: string, env?: NodeJS.ProcessEnv): Promise<Diagnostic[]> {
  const result = await run(bicep.path, ['lint', file, '--diagnostics-format', 'sarif'], { cwd: path.dirname(file), env: env ?? process.env });
  const diagnostics = parseSarif(result.stdout, path.dirname(file));
  if (result.code !== 0 && diagnostics.every((d) => d.level !== 'error')) {
    throw new Error(`bicep lint ${file} failed (exit ${result.code}) without diagnostics: ${result.stderr}${result.stdout}`);
  }
  return diagnostics;
}

/** Writes nothing into the source tree: JSON goes to stdout. Throws with the diagnostics on failure. */
export async function buildJson(bicep: Bicep, command: 'build' | 'build-params', file: string, env?: NodeJS.ProcessEnv): Promise<unknown> {
  const result = await run(bicep.path, [command, file, '--stdout'], { cwd: path.dirname(file), env: env ?? process.env });
  if (result.code !== 0) throw new Error(`bicep ${command} ${path.basename(file)} failed:\n${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as unknown;
}

/** Deployment-time inputs the snapshot evaluates the template against (no subscription is contacted). */
export const snapshotScope = {
  tenantId: '11111111-1111-1111-1111-111111111111',
  subscriptionId: '22222222-2222-2222-2222-222222222222',
  resourceGroup: 'rg-opiq-test',
  location: 'westeurope',
};

export interface PredictedResource {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  location?: string;
  kind?: string;
  sku?: Record<string, unknown>;
  identity?: Record<string, unknown>;
  tags?: Record<string, string>;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Snapshot {
  predictedResources: PredictedResource[];
  diagnostics: unknown[];
  outputs: Record<string, unknown>;
}

/**
 * `bicep snapshot`: the template with the parameter file applied and modules flattened, every expression that does
 * not need a live deployment (names, loops, loadJsonContent, unions, conditions) evaluated: the resources ARM would be
 * asked to create. Runs on a temporary copy of the param file's folder (snapshot writes <name>.snapshot.json beside it).
 */
export async function snapshot(bicep: Bicep, paramFile: string, env: Record<string, string> = {}): Promise<Snapshot> {
  const source = path.dirname(paramFile);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'opiq-snapshot-'));
  try {
    await cp(source, dir, { recursive: true, filter: (f) => !f.endsWith('.snapshot.json') && !f.includes(`${path.sep}node_modules`) });
    const copy = path.join(dir, path.basename(paramFile));
    const s = snapshotScope;
    const result = await run(
      bicep.path,
      [
        'snapshot',
        copy,
        '--mode',
        'overwrite',
        '--tenant-id',
        s.tenantId,
        '--subscription-id',
        s.subscriptionId,
        '--resource-group',
        s.resourceGroup,
        '--location',
        s.location,
      ],
      { cwd: dir, env: await paramEnv(source, env) },
    );
    if (result.code !== 0) throw new Error(`bicep snapshot ${path.basename(paramFile)} failed:\n${result.stderr.trim()}${result.stdout.trim()}`);
    return JSON.parse(await readFile(copy.replace(/\.bicepparam$/, '.snapshot.json'), 'utf8')) as Snapshot;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The environment for compiling a param file: this process's, without the variables the param files read (so a
 * developer's AZURE_PRINCIPAL_ID or AZURE_LOCATION cannot change what is checked), plus `extra`.
 */
export async function paramEnv(infraDir: string, extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const variant of new Set(paramVariants.map((v) => v.file))) {
    const text = await readFile(path.join(infraDir, variant), 'utf8').catch(() => '');
    for (const m of text.matchAll(/readEnvironmentVariable\(\s*'([^']+)'/g)) delete env[m[1]!];
  }
  return { ...env, ...extra };
}

/** The parameter files that infra:check builds, each with the environment variables it is built with. */
export const paramVariants: { name: string; file: string; env: Record<string, string> }[] = [
  { name: 'production (private networking)', file: 'main.bicepparam', env: {} },
  { name: 'public endpoints (PRIVATE_NETWORKING=false)', file: 'main.bicepparam', env: { PRIVATE_NETWORKING: 'false' } },
];
