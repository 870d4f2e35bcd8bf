import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

// The mutation modules find their line ranges by pattern when the config loads: a rename in a mutated file breaks
// every `npm run mutation` run. This finds it in npm test, without running Stryker.
describe('stryker.config.mjs', () => {
  it('loads, and every module names existing files to mutate and to test', async () => {
    const configFile = '../stryker.config.mjs'; // a plain JavaScript file: no types to import
    const { modules } = (await import(configFile)) as { modules: Record<string, { mutate: string[]; tests: string[] }> };
    expect(Object.keys(modules).length).toBeGreaterThan(10);
    for (const [name, module] of Object.entries(modules)) {
      for (const entry of module.mutate) expect(existsSync(entry.replace(/:\d+-\d+$/, '')), `${name}: ${entry}`).toBe(true);
      expect(module.tests.length, name).toBeGreaterThan(0);
      for (const test of module.tests) expect(existsSync(test), `${name}: ${test}`).toBe(true);
    }
  });
});
