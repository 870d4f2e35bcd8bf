import { defineConfig } from 'vitest/config';

/**
 * The focused test sets `npm run mutation` gives StrykerJS (stryker.config.mjs), also handy for running one unit
 * test without the shared host: no globalSetup, because it runs in vitest's main process where Stryker's active
 * mutant is never set. Tests here start their own host in-process (startLocalHost) when they need one.
 * MUTATION_TESTS: comma-separated test files (default: every unit test).
 */
export default defineConfig({
  test: {
    include: process.env.MUTATION_TESTS ? process.env.MUTATION_TESTS.split(',') : ['shared/**/*.test.ts'],
    env: { OPIQ_LOCAL_HOST: '1' },
    // One worker for every file: Stryker's per-test coverage is gathered from a single worker, and coverage recorded in a
    // second one was lost (whole test files of a module counted as covering nothing, their mutants "no coverage").
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
