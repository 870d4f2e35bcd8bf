import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

/**
 * The layering rules (README "Areas and their faces", issue 16 item 2), as plain functions over file texts so the
 * boundary test and the `faces` codemod read imports the same way:
 *
 *   platform  <-  domain areas (accounts, acl, auth, schools, store, ...)  <-  http  <-  functions/
 *
 * - An import into another area goes through that area's face, `shared/<area>/index.ts`. Platform files are the
 *   ground: anyone may import them file by file. `shared/local` (the local host composes everything) is exempt.
 * - No import goes up a layer: `shared/platform` imports no other folder of `shared/` (areas register into it
 *   instead: declaration merging for types, arguments for providers and the data registry), and no domain area
 *   imports `shared/http` (the wrapper maps the domain's AppErrors; paging and keyed ids are platform's).
 * - functions/ follows the first rule like an area.
 * - Domain areas import each other one way: no cycle between areas' faces (`areaCycles`). A cycle makes the order ES
 *   modules evaluate in depend on which face is loaded first, and it means neither area can be understood alone.
 * Test files are exempt: a unit test may reach into what it tests and into other areas to build fixtures.
 */

/** Folders of shared/ that are not domain areas with a face. */
const GROUND = 'platform';
const EXEMPT = 'local';
/** Layers from the ground up; every other folder of shared/ is a domain area, layer 1. */
const LAYERS: Record<string, number> = { [GROUND]: 0, http: 2, functions: 3 };
const layerOf = (folder: string) => LAYERS[folder] ?? 1;

export interface Source {
  /** Repository-relative path with forward slashes, e.g. `shared/auth/sign-in.ts`. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: 'internal' | 'platform-imports-area' | 'imports-upward';
}

interface ImportSite {
  specifier: string;
  line: number;
}

/** Where a repository-relative file belongs: `shared/<folder>` gives the folder, functions/ gives 'functions'. */
export function folderOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] === 'functions') return 'functions';
  if (parts[0] === 'shared' && parts.length > 2) return parts[1];
  return undefined;
}

export function isTestFile(file: string): boolean {
  return file.endsWith('.test.ts');
}

/** Every module specifier a file names: static imports and re-exports (type-only too) and literal dynamic imports. */
export function importSites(file: string, text: string): ImportSite[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const sites: ImportSite[] = [];
  const add = (literal: ts.StringLiteralLike) =>
    sites.push({ specifier: literal.text, line: source.getLineAndCharacterOfPosition(literal.getStart(source)).line + 1 });
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier))
      add(node.moduleSpecifier);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteralLike(node.argument.literal))
      add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

/** The repository-relative path a relative specifier names (`.js` read as the `.ts` it is compiled from). */
export function resolveSpecifier(importer: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(importer), specifier));
  return joined.replace(/\.js$/, '.ts');
}

/** What is wrong with one import, if anything. */
export function classify(importer: string, target: string): Violation['rule'] | undefined {
  const from = folderOf(importer);
  const to = folderOf(target);
  if (from === undefined || to === undefined || from === to || from === EXEMPT) return undefined;
  if (from === GROUND) return 'platform-imports-area';
  if (to === EXEMPT) return undefined;
  if (layerOf(to) > layerOf(from)) return 'imports-upward';
  if (to === GROUND || to === 'functions') return undefined;
  return target === `shared/${to}/index.ts` ? undefined : 'internal';
}

/** Every import in `sources` that breaks a rule; test files are skipped. */
export function boundaryViolations(sources: readonly Source[]): Violation[] {
  const violations: Violation[] = [];
  for (const { path: file, text } of sources) {
    if (isTestFile(file)) continue;
    for (const site of importSites(file, text)) {
      const target = resolveSpecifier(file, site.specifier);
      const rule = target === undefined ? undefined : classify(file, target);
      if (rule) violations.push({ file, line: site.line, specifier: site.specifier, rule });
    }
  }
  return violations;
}

/**
 * The groups of domain areas that import each other, directly or round a longer loop, through their faces (test
 * files skipped); each group sorted, e.g. `['accounts', 'auth']`. Empty when the areas' imports form no cycle.
 */
export function areaCycles(sources: readonly Source[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const { path: file, text } of sources) {
    const from = folderOf(file);
    if (isTestFile(file) || from === undefined || layerOf(from) !== 1 || from === EXEMPT) continue;
    for (const site of importSites(file, text)) {
      const to = folderOf(resolveSpecifier(file, site.specifier) ?? '');
      if (to !== undefined && to !== from && layerOf(to) === 1 && to !== EXEMPT) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  }
  return stronglyConnected(edges)
    .filter((group) => group.length > 1)
    .map((group) => group.sort())
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** Tarjan's algorithm: the groups of nodes that reach each other. */
function stronglyConnected(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      group.push(member);
    } while (member !== node);
    groups.push(group);
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return groups;
}

/** The TypeScript files the rules apply to: shared/ and functions/, as repository-relative paths. */
export function checkedFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return walk(relative);
      return entry.name.endsWith('.ts') ? [relative] : [];
    });
  return ['shared', 'functions'].flatMap((dir) => (existsSync(path.join(root, dir)) ? walk(dir) : [])).sort();
}

export function readSources(root: string, files: readonly string[] = checkedFiles(root)): Source[] {
  return files.map((file) => ({ path: file, text: readFileSync(path.join(root, file), 'utf8') }));
}

export function describeViolation(v: Violation): string {
  const why = {
    internal: 'reaches into another area (import its index.ts)',
    'platform-imports-area': 'platform imports an area',
    'imports-upward': `a domain area imports a layer above it (${folderOf(resolveSpecifier(v.file, v.specifier) ?? '')})`,
  }[v.rule];
  return `${v.file}:${v.line} ${v.specifier}: ${why}`;
}
