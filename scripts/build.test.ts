/**
 * The deployable bundle (scripts/bundle.ts): no dev-only code in it, an ESM file within its size budget, and it
 * runs from a directory without node_modules, laid out as deployed (package.json, host.json, dist/app/index.js).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { definitions } from '../functions/index.js';
import { API_DOCS_ASSET_DIR, apiDocsAssetNames, apiDocsSourceDir } from '../shared/http/api-docs.js';
import {
  buildBundle,
  type BundleResult,
  esmBanner,
  ForbiddenInputError,
  forbiddenInputs,
  formatBytes,
  lazyVendors,
  readableStderr,
  repoRoot,
  smokeTestBundle,
  stageDeployment,
} from './bundle.js';

/**
 * Budget for dist/app (index.js and vendor/): 12 MiB, twice its size when this test was written (6.0 MiB, most of it the Azure
 * SDKs and Application Insights/OpenTelemetry). Going over means a dependency grew a lot or something unexpected
 * got bundled: look at dist/app.meta.json (`npm run build`) in https://esbuild.github.io/analyze/.
 */
const BUNDLE_BUDGET_BYTES = 12 * 1024 * 1024;
/** The part compiled at every cold start (index.js without the lazily loaded SDKs): 0.9 MiB when set, 2x headroom. */
const ENTRY_BUDGET_BYTES = 2 * 1024 * 1024;

let dir: string;
let bundle: BundleResult;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'opiq-build-test-'));
  // index.js is the deployed entry; ready.js (bench/ready-entry.ts) adds getServices() to exercise the lazy imports.
  bundle = await buildBundle({ outDir: path.join(dir, 'dist', 'app'), extraEntries: { ready: 'bench/ready-entry.ts' } });
  await stageDeployment(bundle, dir);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the bundle', () => {
  it('contains no local host or dev-only package', () => {
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs).toContain('functions/index.ts');
    expect(forbiddenInputs(bundle.metafile)).toEqual([]);
    expect(inputs.filter((p) => /shared\/local\/|node_modules\/(@vercel\/|oidc-provider\/|vitest\/|tsx\/|esbuild\/|typescript\/)/.test(p))).toEqual(
      [],
    );
    // The worker provides @azure/functions-core: it must stay an import, not be bundled.
    expect(inputs.some((p) => p.includes('@azure/functions-core'))).toBe(false);
    const index = bundle.metafile.outputs[path.relative(repoRoot, bundle.entryFile).replaceAll('\\', '/')];
    expect(index?.imports.some((i) => i.path === '@azure/functions-core' && i.external)).toBe(true);
  });

  it('detects dev-only inputs (the check the build relies on)', () => {
    const metafile = {
      inputs: {
        'functions/index.ts': { bytes: 1, imports: [] },
        'shared/local/host.ts': { bytes: 1, imports: [] },
        'node_modules/@vercel/cosmosdb-server/lib/index.js': { bytes: 1, imports: [] },
        'node_modules/oidc-provider/lib/index.js': { bytes: 1, imports: [] },
      },
      outputs: {},
    } satisfies Metafile;
    expect(forbiddenInputs(metafile)).toEqual([
      'shared/local/host.ts',
      'node_modules/@vercel/cosmosdb-server/lib/index.js',
      'node_modules/oidc-provider/lib/index.js',
    ]);
    expect(new ForbiddenInputError(forbiddenInputs(metafile)).message).toContain('shared/local/host.ts');
  });

  it(`is an ESM entry under ${formatBytes(ENTRY_BUDGET_BYTES)} plus lazily loaded SDK files, ${formatBytes(BUNDLE_BUDGET_BYTES)} in all`, async () => {
    expect(bundle.files.map((f) => f.path).sort()).toEqual(
      ['index.js', 'ready.js', ...new Set(Object.values(lazyVendors).map((v) => `vendor/${v.file}`))].sort(),
    );
    expect(bundle.entryBytes).toBeLessThan(ENTRY_BUDGET_BYTES);
    expect(bundle.files.filter((f) => f.path !== 'ready.js').reduce((sum, f) => sum + f.bytes, 0)).toBeLessThan(BUNDLE_BUDGET_BYTES);
    // The SDKs are not in the entry: it only refers to their files.
    const entry = await readFile(bundle.entryFile, 'utf8');
    for (const vendor of Object.values(lazyVendors)) expect(entry).toContain(`./vendor/${vendor.file}`);
    const text = await readFile(bundle.entryFile, 'utf8');
    // ESM: starts with the banner's import declarations (require via createRequire), ends with an export clause.
    expect(text.startsWith(esmBanner)).toBe(true);
    expect(text).toMatch(/export\s*\{[^}]*\bas definitions\s*\};?\s*(\/\/# sourceMappingURL=index\.js\.map\s*)?$/);
    expect(bundle.warnings.map((w) => w.text)).toEqual([]);
  });

  it("keeps only zod's English error texts (the other 48 languages were 260 KB; the app sends its own texts)", () => {
    const locales = Object.keys(bundle.metafile.inputs).filter((p) => p.startsWith('node_modules/zod/v4/locales/'));
    expect(locales).toEqual(['node_modules/zod/v4/locales/en.js']);
  });

  it('loads with node from a directory without node_modules and exports every definition', async () => {
    const result = await smokeTestBundle(path.join(dir, 'dist', 'app', 'index.js'));
    expect(result.stderr).not.toMatch(/Dynamic require|Cannot find (module|package)|ERR_/);
    expect({ code: result.code, signal: result.signal }, readableStderr(result.stderr)).toEqual({ code: 0, signal: null });
    expect(result.report?.definitions).toEqual(definitions.map((d) => d.name));
  });

  it('carries the API docs page assets beside the bundle, where the deployed app reads them (no node_modules there)', async () => {
    for (const name of apiDocsAssetNames) {
      const copied = await readFile(path.join(dir, 'dist', 'app', API_DOCS_ASSET_DIR, name));
      expect(copied.equals(await readFile(path.join(apiDocsSourceDir(), name))), name).toBe(true);
    }
  });

  it('creates every Azure client on the first getServices() without node_modules', async () => {
    const result = await smokeTestBundle(path.join(dir, 'dist', 'app', 'ready.js'), { getServices: true });
    expect(result.stderr).not.toMatch(/Dynamic require|Cannot find (module|package)|ERR_/);
    expect({ code: result.code, signal: result.signal }, readableStderr(result.stderr)).toEqual({ code: 0, signal: null });
    expect(result.report?.services).toEqual(expect.arrayContaining(['blobs', 'bus', 'clock', 'config', 'db', 'email', 'telemetry']));
    // Application Insights (loaded after the first answer, here by flush()) loaded; a failed load reports 'telemetry-load'.
    expect(result.stdout).not.toContain('telemetry-load');
  });
});
