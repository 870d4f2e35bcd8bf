import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { describe, expect, it, vi } from 'vitest';

const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../shared');
const faces = readdirSync(shared, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !['platform', 'local'].includes(d.name) && readdirSync(path.join(shared, d.name)).includes('index.ts'))
  .map((d) => d.name);

/**
 * Faces re-export across areas that import each other (auth and schools, store and payments), so the order in
 * which ES modules evaluate depends on which face is loaded first. Loading each face first, in a fresh module
 * graph, shows that none of them uses another area's binding before it exists (a TDZ error, or undefined).
 */
describe('every face loads first without meeting an unfinished area', () => {
  it.each(faces)('shared/%s/index.ts', async (area) => {
    vi.resetModules();
    const face = (await import(pathToFileURL(path.join(shared, area, 'index.ts')).href)) as Record<string, unknown>;
    const undefinedExports = Object.entries(face)
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    expect(undefinedExports).toEqual([]);
  });
});
