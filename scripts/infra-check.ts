/**
 * `npm run infra:check`: compiles infra/main.bicep, builds every parameter file variant and lints both with
 * infra/bicepconfig.json; fails on any error or warning (the Bicep CLI itself exits 0 on warnings, and the compiler
 * reports unknown properties or API versions only as warnings, so the gate counts the SARIF results).
 *
 * `--optional` (what `npm test` passes): when no compiler can be had (no bicep, no dotnet, restore failed), print that
 * the check was skipped and exit 0, unless REQUIRE_BICEP=1 (CI), which makes it fail.
 */
import path from 'node:path';

import { buildJson, type Diagnostic, ensureBicep, formatDiagnostic, lint, paramEnv, paramVariants, repoRoot } from './bicep.js';
import { runAsScript } from './run-as-script.js';

export const infraDir = path.join(repoRoot, 'infra');

async function main(): Promise<number> {
  const optional = process.argv.includes('--optional');
  const required = process.env.REQUIRE_BICEP === '1';
  const started = performance.now();
  const bicep = await ensureBicep((line) => console.log(`infra:check ${line}`));
  if ('unavailable' in bicep) {
    if (optional && !required) {
      console.log(
        `infra:check SKIPPED: the Bicep compiler is not available (${bicep.unavailable}). The ARM tests in infra/infra.test.ts are skipped too.`,
      );
      return 0;
    }
    console.error(`infra:check FAILED: the Bicep compiler is not available: ${bicep.unavailable}`);
    return 1;
  }

  // Independent compiler runs, in parallel. Linting a .bicepparam reports the diagnostics of the file, of
  // main.bicep and of every module it uses (compiler and linter), so main.bicep is not linted separately.
  const mainFile = path.join(infraDir, 'main.bicep');
  const paramFiles = [...new Set(paramVariants.map((v) => path.join(infraDir, v.file)))];
  const failure = (label: string) => (error: unknown) => `${label}: ${error instanceof Error ? error.message : String(error)}`;
  const [builds, lints] = await Promise.all([
    Promise.all([
      buildJson(bicep, 'build', mainFile, await paramEnv(infraDir)).then(() => undefined, failure('main.bicep')),
      ...paramVariants.map(async (v) =>
        buildJson(bicep, 'build-params', path.join(infraDir, v.file), await paramEnv(infraDir, v.env)).then(() => undefined, failure(v.name)),
      ),
    ]),
    Promise.all(paramFiles.map(async (file) => lint(bicep, file, await paramEnv(infraDir)))),
  ]);
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const d of lints.flat()) {
    const line = formatDiagnostic(d);
    if (d.level !== 'info' && !seen.has(line)) {
      seen.add(line);
      diagnostics.push(d);
    }
  }
  // A failed build repeats what lint reports; keep its full text only when lint found no error to explain it.
  const linted = diagnostics.some((d) => d.level === 'error');
  const problems = builds.filter((b): b is string => b !== undefined).map((b) => (linted ? b.split('\n')[0]! : b));
  problems.push(...diagnostics.map(formatDiagnostic));

  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (problems.length > 0) {
    console.error(`infra:check FAILED (bicep ${bicep.version} from ${bicep.source}, ${took}):`);
    for (const p of problems) console.error(`  ${p}`);
    return 1;
  }
  console.log(
    `infra:check ok: bicep ${bicep.version} (${bicep.source}) built main.bicep and ${paramVariants.length} parameter variants, linted ${paramFiles.map((f) => path.basename(f)).join(', ')} with its modules: 0 errors, 0 warnings (${took})`,
  );
  return 0;
}

runAsScript(import.meta.url, main);
