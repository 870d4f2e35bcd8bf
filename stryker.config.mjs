// @ts-check
import { readFileSync } from 'node:fs';

/**
 * StrykerJS on the security-critical modules (issue 19), one module per run: `npm run mutation [module ...]`
 * (scripts/mutation.ts) sets MUTATION_MODULE. Each module names the files to mutate and the focused tests that must
 * kill the mutants. Tests that need the app start their own host in the test worker (startLocalHost): vitest's
 * globalSetup runs in the main process, where no mutant is ever active, so tests relying on it could not see them.
 * Equivalent survivors, with reasons: docs/mutation-notes.md.
 */

/** Lines from the first line matching `from` to the end of the file (the registry's functions, not its data). */
function linesFrom(file, from) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => from.test(l));
  if (start < 0) throw new Error(`${file}: no line matches ${from}`);
  return `${file}:${start + 1}-${lines.length}`;
}

/** @type {Record<string, { mutate: string[]; tests: string[] }>} */
export const modules = {
  acl: {
    mutate: ['shared/acl/capabilities.ts', 'shared/acl/authorize.ts'],
    tests: ['shared/acl/capabilities.test.ts', 'shared/acl/authorize.test.ts'],
  },
  'personal-code': {
    mutate: ['shared/personal-codes/personal-code.ts'],
    tests: ['shared/personal-codes/personal-code.test.ts'],
  },
  payments: {
    mutate: ['shared/payments/inbound.ts', 'shared/payments/mac.ts'],
    tests: ['shared/payments/inbound.test.ts', 'shared/payments/mac.test.ts', 'test/payments-inbound.e2e.test.ts'],
  },
  licences: {
    mutate: ['shared/store/licences.ts'],
    tests: ['shared/store/licences.test.ts', 'shared/store/refunds.test.ts'],
  },
  // Issue 18: the automatic checker decides students' scores; the sniffer decides what a browser may be handed.
  content: {
    mutate: ['shared/content/checker.ts'],
    tests: ['shared/content/checker.test.ts', 'shared/content/checker-cases.test.ts'],
  },
  'materials-sniff': {
    mutate: ['shared/materials/sniff.ts'],
    tests: ['shared/materials/sniff.test.ts'],
  },
  // The registry's declarations are data checked by their own tests (infra, export, erasure); its logic is mutated.
  registry: {
    mutate: [linesFrom('shared/privacy/registry.ts', /^\/\*\* Problems that make a registry unusable/)],
    tests: ['shared/privacy/registry.test.ts'],
  },
  // The session life cycle runs against the embedded Cosmos server in the test worker (session-lifecycle.test.ts). Not
  // test/auth-providers.e2e.test.ts: listed with these, Stryker lost the per-test coverage of the other files (their
  // mutants all "no coverage"); the unit files cover what it did.
  sessions: {
    mutate: ['shared/auth/sessions.ts', 'shared/auth/session-token.ts'],
    tests: ['shared/auth/session-token.test.ts', 'shared/auth/sessions.test.ts', 'shared/auth/session-lifecycle.test.ts'],
  },
};

const name = process.env.MUTATION_MODULE ?? 'acl';
const module = modules[name];
if (!module) throw new Error(`Unknown MUTATION_MODULE ${name}: one of ${Object.keys(modules).join(', ')}`);
// Read by vitest.mutation.config.ts in Stryker's worker processes (they inherit the environment).
process.env.MUTATION_TESTS = module.tests.join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  // Not `testFiles`: with it, Stryker 9.6.1 activates static mutants (the capability table, evaluated at import) only
  // after the module loaded, so they all "survive" (stryker-js#6144). vitest.mutation.config.ts picks the files instead.
  mutate: module.mutate,
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: one test worker.
  concurrency: 1,
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 10,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // MUTATION_INCREMENTAL=1 reuses the last results of unchanged mutants and tests (quicker while writing tests; a
  // change of this config is not noticed, so the scores to report come from a full run).
  incremental: process.env.MUTATION_INCREMENTAL === '1',
  incrementalFile: `reports/mutation/${name}/incremental.json`,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['reports', 'dist', '.local', 'bench/last.json', 'coverage'],
  cleanTempDir: 'always',
};
