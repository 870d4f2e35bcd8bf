import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['functions/**/*.test.ts', 'shared/**/*.test.ts', 'infra/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Every local host records what it sends to telemetry there; `npm test` scans it last (scripts/telemetry-scan.ts).
    env: { OPIQ_LOCAL_HOST: '1', OPIQ_TELEMETRY_RECORD_DIR: 'test-artifacts/telemetry' },
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
