import type { Reporter, TestModule } from 'vitest/node';

/** Ends the run with the plain "N passed, N failed" line that CI reads, whatever the default reporter prints. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedNames: string[] = [];
    for (const module of testModules) {
      const failedBefore = failed;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else {
          skipped += 1;
          // Say what was skipped (e.g. the real-browser suite without Chromium), not only how many.
          if (test.name.startsWith('SKIPPED')) skippedNames.push(`${module.moduleId.split('/').slice(-2).join('/')}: ${test.name}`);
        }
      }
      // A file that failed outside its tests (import error, a failing beforeAll) counts as one failure.
      if (module.state() === 'failed' && failed === failedBefore) failed += 1;
    }
    for (const name of skippedNames) process.stdout.write(`\n${name}`);
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
