import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { demoDocuments } from '../shared/local/seed.js';
import { settingSpecs } from '../shared/platform/config.js';
import { type DataRegistry, dataRegistry, documentTypeSpec, infraContainers } from '../shared/privacy/registry.js';
import { generatedFiles, replaceReadmeSection } from './generated.js';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Differences between what Bicep deploys (infra/containers.json) and what a registry declares. */
function infraDrift(registry: DataRegistry, committed: ReturnType<typeof infraContainers>): string[] {
  const expected = infraContainers(registry);
  const problems: string[] = [];
  if (expected.database !== committed.database) problems.push(`database ${committed.database} != ${expected.database}`);
  for (const c of expected.containers) {
    const deployed = committed.containers.find((d) => d.name === c.name);
    if (!deployed) problems.push(`container ${c.name} is not in infra/containers.json`);
    else if (JSON.stringify(deployed) !== JSON.stringify(c)) problems.push(`container ${c.name} differs in infra/containers.json`);
  }
  for (const d of committed.containers)
    if (!expected.containers.some((c) => c.name === d.name)) problems.push(`infra/containers.json has undeclared container ${d.name}`);
  return problems;
}

describe('generated files (npm run gen)', () => {
  for (const [path, render] of Object.entries(generatedFiles)) {
    it(`${path} is current`, () => {
      expect(read(path), `${path} is out of date: run npm run gen`).toBe(render());
    });
  }

  it('the README settings table is current', () => {
    const readme = read('README.md');
    expect(replaceReadmeSection(readme), 'README.md settings table is out of date: run npm run gen').toBe(readme);
  });

  it('every setting is documented with a description', () => {
    for (const [name, spec] of Object.entries(settingSpecs)) expect(spec.description.length, name).toBeGreaterThan(10);
  });
});

describe('infra agrees with the data registry', () => {
  const committed = JSON.parse(read('infra/containers.json')) as ReturnType<typeof infraContainers>;

  it('every registry container is deployed with its partition key and TTL setting, and nothing else', () => {
    expect(infraDrift(dataRegistry, committed)).toEqual([]);
  });

  it('a registry that changed a partition key or added a container is reported as drift', () => {
    const changed: DataRegistry = {
      ...dataRegistry,
      containers: [
        ...dataRegistry.containers.map((c) => (c.name === 'accounts' ? { ...c, partitionKeyPath: '/id' as const } : c)),
        { name: 'extra', partitionKeyPath: '/extraId', description: 'new' },
      ],
    };
    expect(infraDrift(changed, committed)).toEqual([
      'container accounts differs in infra/containers.json',
      'container extra is not in infra/containers.json',
    ]);
  });

  it('the Bicep loads containers.json rather than naming containers itself', () => {
    const cosmos = read('infra/main.bicep') + read('infra/modules/cosmos.bicep');
    expect(cosmos).toMatch(/loadJsonContent\('containers\.json'\)/);
    for (const c of dataRegistry.containers) expect(cosmos).not.toContain(`'${c.name}'`);
  });
});

describe('demo data', () => {
  it('uses only document types the registry declares for their containers', () => {
    for (const { container, doc } of demoDocuments()) expect(documentTypeSpec(container, doc.type), `${container}/${doc.type}`).toBeDefined();
  });
});
