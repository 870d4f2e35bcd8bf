/**
 * `npm run infra:check`: compiles infra/main.bicep, builds every parameter file variant and lints both with
 * infra/bicepconfig.json; fails on any error or warning (the Bicep CLI itself exits 0 on warnings, and the compiler
 * reports unknown properties or API versions only as warnings, so the gate counts the SARIF results).
 *
 * `--optional` (what `npm test` passes): when no compiler can be had (no bicep, no dotnet, restore failed), print that
 * the check was skipped and exit 0, unless REQUIRE_BICEP=1 (CI), which makes it fail.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildJson, ensureBicep, formatDiagnostic, lint, paramEnv, paramVariants, repoRoot, type Diagnostic } from './bicep.js';

export const infraDir = path.join(repoRoot, 'infra');

async function main(): Promise<number> {
  const optional = process.argv.includes('--optional');
  const required = process.env.REQUIRE_BICEP === '1';
  const started = performance.now();
  const bicep = await ensureBicep((line) => console.log(`infra:check ${line}`));
  if ('unavailable' in bicep) {
    if (optional && !required) {
      console.log(`infra:check SKIPPED: the Bicep compiler is not available (${bicep.unavailable}). The ARM tests in infra/infra.test.ts are skipped too.`);
      return 0;
    }
    console.error(`infra:check FAILED: the Bicep compiler is not available: ${bicep.unavailable}`);
    return 1;
  }

  const problems: string[] = [];
  const mainFile = path.join(infraDir, 'main.bicep');
  try {
    await buildJson(bicep, 'build', mainFile, await paramEnv(infraDir));
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  for (const variant of paramVariants) {
    try {
      await buildJson(bicep, 'build-params', path.join(infraDir, variant.file), await paramEnv(infraDir, variant.env));
    } catch (error) {
      problems.push(`${variant.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const file of [mainFile, ...new Set(paramVariants.map((v) => path.join(infraDir, v.file)))]) {
    for (const d of await lint(bicep, file, await paramEnv(infraDir))) {
      const line = formatDiagnostic(d);
      if (d.level !== 'info' && !seen.has(line)) {
        seen.add(line);
        diagnostics.push(d);
      }
    }
  }
  problems.push(...diagnostics.map(formatDiagnostic));

  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (problems.length > 0) {
    console.error(`infra:check FAILED (bicep ${bicep.version} from ${bicep.source}, ${took}):`);
    for (const p of problems) console.error(`  ${p}`);
    return 1;
  }
  console.log(
    `infra:check ok: bicep ${bicep.version} (${bicep.source}) built main.bicep and ${paramVariants.length} parameter variants, lint 0 errors 0 warnings (${took})`,
  );
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack : error);
      process.exitCode = 1;
    },
  );
}
