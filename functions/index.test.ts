import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { routeShape } from '../shared/http/routes.js';
import type { FunctionDefinition } from '../shared/platform/definitions.js';
import { definitions } from './index.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const functionFiles = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'));

/** Problems with a list of definitions: duplicate names, and two HTTP functions answering the same route + method. */
function definitionProblems(list: readonly FunctionDefinition[]): string[] {
  const problems: string[] = [];
  const names = new Map<string, string>();
  const routes = new Map<string, string>();
  for (const d of list) {
    const lower = d.name.toLowerCase();
    if (names.has(lower)) problems.push(`two functions are named ${d.name}`);
    names.set(lower, d.name);
    if (!/^[a-z]+(-[a-z0-9]+)+$/.test(d.name)) problems.push(`${d.name} is not named <area>-<verb>`);
    if (d.kind !== 'http') continue;
    for (const method of d.methods) {
      const key = `${method} ${routeShape(d.route)}`;
      const other = routeShape(d.route) === '{*}' ? undefined : routes.get(key);
      if (other) problems.push(`${d.name} and ${other} both answer ${key}`);
      routes.set(key, d.name);
    }
  }
  return problems;
}

describe('functions/index.ts', () => {
  it('lists the definition of every file in functions/, each once', async () => {
    for (const file of functionFiles) {
      const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: FunctionDefinition };
      expect(module.default, `${file} must export its definition as default`).toBeDefined();
      expect(definitions.includes(module.default!), `${file} is not listed in functions/index.ts`).toBe(true);
    }
    expect(definitions).toHaveLength(functionFiles.length);
  });

  it('names each function after its file (<area>-<verb>.ts)', async () => {
    for (const file of functionFiles) {
      const module = (await import(pathToFileURL(join(dir, file)).href)) as { default: FunctionDefinition };
      expect(module.default.name).toBe(file.replace(/\.ts$/, ''));
    }
  });

  it('has no two functions with one name, nor two HTTP functions on one route + method', () => {
    expect(definitionProblems(definitions)).toEqual([]);
  });

  it('the check catches a duplicate name and a route clash that differs only in parameter names', () => {
    const http = definitions.find((d) => d.kind === 'http' && d.route === 'me')!;
    const clash = { ...http, name: 'accounts-other', route: 'ME' } as FunctionDefinition;
    const paramA = { ...http, name: 'things-get', route: 'things/{id}' } as FunctionDefinition;
    const paramB = { ...http, name: 'things-read', route: 'things/{thingId}' } as FunctionDefinition;
    const problems = definitionProblems([...definitions, clash, paramA, paramB, { ...paramA }]);
    expect(problems).toContain('accounts-other and accounts-me both answer GET me');
    expect(problems).toContain('things-read and things-get both answer GET things/{}');
    expect(problems).toContain('two functions are named things-get');
  });

  it('registers through registerWithAzure only, and functions/ files never call app.* themselves', () => {
    for (const file of functionFiles) {
      const source = readFileSync(`${dir}/${file}`, 'utf8');
      expect(source, file).not.toMatch(/\bapp\.(http|get|post|timer|serviceBusQueue)\(/);
    }
  });
});
