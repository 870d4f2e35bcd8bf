import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { repoRoot } from './bicep.js';
import { mutations } from './infra-mutation.js';

// CI's infra:mutation fails on a mutation that no longer applies; this finds the drift in seconds, without compiling.
describe('infra:mutation list', () => {
  it.each(mutations.map((m) => [m.name, m] as const))('applies to the infrastructure as it is: %s', async (_name, mutation) => {
    const text = await readFile(path.join(repoRoot, mutation.file), 'utf8');
    const applies = typeof mutation.from === 'string' ? text.includes(mutation.from) : mutation.from.test(text);
    expect(applies, `${mutation.file} no longer contains ${String(mutation.from)}`).toBe(true);
  });
});
