import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

import { boundaryViolations, checkedFiles, classify, describeViolation, folderOf, isTestFile, readSources, resolveSpecifier } from './boundaries.js';
import { runAsScript } from './run-as-script.js';

/**
 * The faces codemod (issue 16 item 2): `npx tsx scripts/faces.ts` rewrites every import into another area's internal
 * file (in shared/ and functions/, tests excepted) to that area's `index.ts`, and adds what it imports to the index
 * as explicit named re-exports (`export { a, type B } from './file.js'`), creating the index when the area has none.
 * Areas are the folders of shared/ other than platform and local, found on each run, so a new area is covered.
 * Imports of the same index are merged; a side-effect import (`import '../a/x.js'`) becomes one of the index, which
 * then loads the file. ESLint sorts the touched files (`--no-lint` skips that). Before all that, imports of what
 * this change moved down a layer follow it (MOVED, below). Idempotent: a second run finds nothing to do. It refuses
 * (and leaves the import alone) when an index already exports the name from somewhere else, or for a default or
 * namespace import, and ends by listing the boundary violations left. `--check` changes nothing and exits 1 when
 * something would change.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Spec {
  name: string;
  alias: string | undefined;
  typeOnly: boolean;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

interface Addition {
  name: string;
  /** Re-export as `type name` (the symbol has no value meaning). */
  typeOnly: boolean;
  /** Index-relative specifier of the internal file, e.g. `./sessions.js`. */
  from: string;
}

const posix = (p: string) => p.split(path.sep).join('/');
const relSpecifier = (fromFile: string, toFile: string) => {
  const r = posix(path.relative(path.dirname(fromFile), toFile)).replace(/\.ts$/, '.js');
  return r.startsWith('.') ? r : `./${r}`;
};
const specText = (s: Spec) => `${s.typeOnly ? 'type ' : ''}${s.alias && s.alias !== s.name ? `${s.name} as ${s.alias}` : s.name}`;

/** The project's lines stay under about 150 characters: a longer list is written one name a line. */
const MAX_LINE = 150;
/** simple-import-sort's order (by name, `type` ignored, case-insensitive first), so ESLint has nothing to move. */
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const bare = (n: string) => n.replace(/^type /, '');
const byName = (a: string, b: string) => collator.compare(bare(a), bare(b)) || (bare(a) < bare(b) ? -1 : bare(a) > bare(b) ? 1 : 0);
function namedList(head: string, unsorted: string[], tail: string): string {
  const names = [...unsorted].sort(byName);
  const line = `${head} { ${names.join(', ')} } ${tail}`;
  return line.length <= MAX_LINE ? line : `${head} {\n${names.map((n) => `  ${n},\n`).join('')}} ${tail}`;
}

function importText(specs: Spec[], specifier: string): string {
  const unique = new Map<string, Spec>();
  for (const s of specs) {
    const key = `${s.name} as ${s.alias ?? s.name}`;
    const seen = unique.get(key);
    unique.set(key, seen ? { ...s, typeOnly: seen.typeOnly && s.typeOnly } : s);
  }
  const list = [...unique.values()];
  if (list.every((s) => s.typeOnly))
    return namedList(
      'import type',
      list.map((s) => specText({ ...s, typeOnly: false })),
      `from '${specifier}';`,
    );
  return namedList('import', list.map(specText), `from '${specifier}';`);
}

/** The whole line(s) of a statement, so removing it leaves no blank line behind. */
function statementRange(source: ts.SourceFile, node: ts.Node): { start: number; end: number } {
  const text = source.text;
  let end = node.getEnd();
  if (text[end] === '\n') end++;
  return { start: node.getStart(source), end };
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function createProgram(root: string): ts.Program {
  const configPath = path.join(root, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('cannot read tsconfig.json');
  return ts.createProgram(parsed.fileNames, parsed.options);
}

/**
 * What issue 16 item 2 moved down a layer, so branches written before it can be brought along: a whole file (every
 * name imported from it) or single names (`file#name`) and where they live now. A file is followed where the old one
 * no longer exists; a name wherever another folder imports it from the old place (and in the old folder once the old
 * file no longer exports it); in every .ts file, tests too, before the faces are made.
 */
const MOVED: Record<string, string> = {
  'shared/http/paging.ts': 'shared/platform/paging.ts',
  'shared/payments/maksekeskus.ts': 'shared/platform/maksekeskus.ts',
  'shared/http/idempotency.ts#keyedId': 'shared/platform/idempotency.ts',
  'shared/http/i18n.ts#Language': 'shared/platform/language.ts',
  'shared/http/define-http.ts#Principal': 'shared/auth/sessions.ts',
  'shared/http/define-http.ts#HttpResult': 'shared/platform/definitions.ts',
  // Its own leaf area, so that accounts (the age check) no longer imports auth, which imports accounts.
  'shared/auth/personal-code.ts': 'shared/personal-codes/personal-code.ts',
  // Its own area: it acts through auth and schools, and inside auth it made auth and schools import each other.
  'shared/auth/suspension.ts': 'shared/suspension/suspension.ts',
};

/** Rewrites imports of what MOVED lists; returns the files it changed (written unless `check`). */
function followMoves(root: string, check: boolean): string[] {
  const changed: string[] = [];
  const exists = (file: string) => existsSync(path.join(root, file));
  const exportsName = (file: string, name: string) =>
    exists(file) &&
    new RegExp(`export (?:async )?(?:function|const|let|class|interface|type|enum) ${name}\\b|export \\{[^}]*\\b${name}\\b`).test(
      readFileSync(path.join(root, file), 'utf8'),
    );
  const walk = (dir: string): string[] =>
    !exists(dir)
      ? []
      : readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
        );
  for (const file of ['shared', 'functions', 'test', 'bench', 'scripts'].flatMap(walk)) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const edits: Edit[] = [];
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const target = resolveSpecifier(file, statement.moduleSpecifier.text);
      if (!target) continue;
      const wholeFile = MOVED[target];
      const to = (dest: string) => relSpecifier(path.join(root, file), path.join(root, dest));
      if (wholeFile && !exists(target)) {
        edits.push({ start: statement.moduleSpecifier.getStart(source), end: statement.moduleSpecifier.getEnd(), text: `'${to(wholeFile)}'` });
        continue;
      }
      const named = statement.importClause?.namedBindings;
      if (!named || !ts.isNamedImports(named)) continue;
      const stay: Spec[] = [];
      const moved = new Map<string, Spec[]>();
      for (const element of named.elements) {
        const name = (element.propertyName ?? element.name).text;
        const spec: Spec = {
          name,
          alias: element.propertyName ? element.name.text : undefined,
          typeOnly: statement.importClause.isTypeOnly || element.isTypeOnly,
        };
        const dest = MOVED[`${target}#${name}`];
        if (dest && (folderOf(file) !== folderOf(target) || !exportsName(target, name))) moved.set(dest, [...(moved.get(dest) ?? []), spec]);
        else stay.push(spec);
      }
      if (moved.size === 0) continue;
      const replacement = [
        ...(stay.length > 0 ? [importText(stay, statement.moduleSpecifier.text)] : []),
        ...[...moved].map(([dest, specs]) => importText(specs, to(dest))),
      ].join('\n');
      edits.push({ start: statement.getStart(source), end: statement.getEnd(), text: replacement });
    }
    if (edits.length === 0) continue;
    changed.push(file);
    if (!check) writeFileSync(path.join(root, file), applyEdits(text, edits));
  }
  return changed;
}

export function runFaces(options: { check: boolean; lint: boolean; root?: string }): number {
  const root = options.root ?? repoRoot;
  const movedFiles = followMoves(root, options.check);
  const program = createProgram(root);
  const checker = program.getTypeChecker();
  const problems: string[] = [];
  const importerEdits = new Map<string, Edit[]>();
  /** Per index file (absolute path): names to add, by name. */
  const additions = new Map<string, Map<string, Addition>>();
  /** Per index file: internal modules other areas loaded for their side effects, which the index now loads. */
  const sideEffects = new Map<string, Set<string>>();

  /** The names an index exports now, each with the symbol it stands for. */
  const indexExports = new Map<string, Map<string, ts.Symbol>>();
  const exportsOfIndex = (indexFile: string): Map<string, ts.Symbol> => {
    let map = indexExports.get(indexFile);
    if (map) return map;
    map = new Map();
    const sf = program.getSourceFile(indexFile);
    const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
    if (moduleSymbol) for (const sym of checker.getExportsOfModule(moduleSymbol)) map.set(sym.getName(), resolveAlias(sym));
    indexExports.set(indexFile, map);
    return map;
  };
  const resolveAlias = (sym: ts.Symbol) => (sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym);

  for (const file of checkedFiles(root)) {
    if (isTestFile(file)) continue;
    const absolute = path.join(root, file);
    const source = program.getSourceFile(absolute);
    if (!source) {
      problems.push(`${file}: not part of the TypeScript project`);
      continue;
    }
    /** Per target index (absolute): the specs to import and the statements that carried them. */
    const groups = new Map<string, { specs: Spec[]; nodes: ts.ImportDeclaration[]; existing?: ts.ImportDeclaration }>();
    const indexImports: ts.ImportDeclaration[] = [];

    for (const statement of source.statements) {
      if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        const target = resolveSpecifier(file, statement.moduleSpecifier.text);
        if (target && classify(file, target) === 'internal')
          problems.push(`${file}: re-exports ${statement.moduleSpecifier.text} from another area: change it by hand`);
        continue;
      }
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const target = resolveSpecifier(file, statement.moduleSpecifier.text);
      if (!target) continue;
      const area = folderOf(target);
      const indexFile = path.join(root, 'shared', area ?? '', 'index.ts');
      if (target === `shared/${area}/index.ts`) indexImports.push(statement);
      if (classify(file, target) !== 'internal') continue;

      const clause = statement.importClause;
      const named = clause?.namedBindings;
      if (!clause) {
        // A side-effect import (a module that registers something when loaded): the index loads it instead.
        const from = relSpecifier(indexFile, path.join(root, target));
        let loads = sideEffects.get(indexFile);
        if (!loads) sideEffects.set(indexFile, (loads = new Set<string>()));
        loads.add(from);
        let group = groups.get(indexFile);
        if (!group) groups.set(indexFile, (group = { specs: [], nodes: [] }));
        group.nodes.push(statement);
        continue;
      }
      if (clause.name || !named || !ts.isNamedImports(named)) {
        problems.push(`${file}: ${statement.getText(source)}: only named imports can be rewritten; change it by hand`);
        continue;
      }
      const specs: Spec[] = [];
      let refused = false;
      for (const element of named.elements) {
        const name = (element.propertyName ?? element.name).text;
        const alias = element.propertyName ? element.name.text : undefined;
        const local = checker.getSymbolAtLocation(element.name);
        const original = local && resolveAlias(local);
        if (!original || original.flags & ts.SymbolFlags.Alias || checker.isUnknownSymbol(original)) {
          problems.push(`${file}: cannot resolve ${name} from ${statement.moduleSpecifier.text}`);
          refused = true;
          continue;
        }
        const present = exportsOfIndex(indexFile).get(name);
        const planned = additions.get(indexFile)?.get(name);
        const from = relSpecifier(indexFile, path.join(root, target));
        if (present && present !== original) {
          problems.push(`${file}: shared/${area}/index.ts already exports another ${name}; rename one of them`);
          refused = true;
        } else if (planned && planned.from !== from) {
          problems.push(`${file}: ${name} would be exported by shared/${area}/index.ts from both ${planned.from} and ${from}`);
          refused = true;
        } else if (!present && !planned) {
          let list = additions.get(indexFile);
          if (!list) additions.set(indexFile, (list = new Map<string, Addition>()));
          list.set(name, { name, from, typeOnly: (original.flags & ts.SymbolFlags.Value) === 0 });
        }
        specs.push({ name, alias, typeOnly: clause.isTypeOnly || element.isTypeOnly });
      }
      if (refused) continue;
      let group = groups.get(indexFile);
      if (!group) groups.set(indexFile, (group = { specs: [], nodes: [] }));
      group.specs.push(...specs);
      group.nodes.push(statement);
    }

    const edits: Edit[] = [];
    for (const [indexFile, group] of groups) {
      const specifier = relSpecifier(absolute, indexFile);
      const existing = indexImports.find(
        (s) => resolveSpecifier(file, (s.moduleSpecifier as ts.StringLiteral).text) === posix(path.relative(root, indexFile)),
      );
      const existingSpecs: Spec[] = [];
      const named = existing?.importClause?.namedBindings;
      if (existing && !existing.importClause?.name && named && ts.isNamedImports(named))
        for (const e of named.elements)
          existingSpecs.push({
            name: (e.propertyName ?? e.name).text,
            alias: e.propertyName ? e.name.text : undefined,
            typeOnly: existing.importClause.isTypeOnly || e.isTypeOnly,
          });
      const merged = existing && existingSpecs.length > 0 ? existing : undefined;
      const [first, ...rest] = merged ? [merged, ...group.nodes] : group.nodes;
      if (!first) continue;
      const specs = [...existingSpecs, ...group.specs];
      edits.push({
        start: first.getStart(source),
        end: first.getEnd(),
        text: specs.length > 0 ? importText(specs, specifier) : `import '${specifier}';`,
      });
      for (const node of rest) edits.push({ ...statementRange(source, node), text: '' });
    }
    if (edits.length > 0) importerEdits.set(absolute, edits);
  }

  const touched: string[] = movedFiles.map((f) => path.join(root, f));
  for (const [file, edits] of importerEdits) {
    touched.push(file);
    if (!options.check) writeFileSync(file, applyEdits(readFileSync(file, 'utf8'), edits));
  }
  for (const indexFile of new Set([...additions.keys(), ...sideEffects.keys()])) {
    const text = withReExports(indexFile, [...(additions.get(indexFile)?.values() ?? [])], [...(sideEffects.get(indexFile) ?? [])]);
    if (existsSync(indexFile) && readFileSync(indexFile, 'utf8') === text) continue;
    touched.push(indexFile);
    if (!options.check) writeFileSync(indexFile, text);
  }

  for (const p of problems) console.error(p);
  const rel = [...new Set(touched.map((f) => posix(path.relative(root, f))))].sort();
  if (options.check) {
    for (const f of rel) console.log(`would change ${f}`);
    return rel.length > 0 || problems.length > 0 ? 1 : 0;
  }
  for (const f of rel) console.log(`changed ${f}`);
  if (rel.length > 0 && options.lint) {
    const lint = spawnSync('npx', ['eslint', '--fix', ...rel], { cwd: root, stdio: 'inherit' });
    if (lint.status !== 0) problems.push('eslint --fix left problems in the changed files (above)');
  }
  const left = boundaryViolations(readSources(root));
  for (const v of left) console.error(`left: ${describeViolation(v)}`);
  console.log(`${rel.length} files changed; ${left.length} boundary violations left`);
  return problems.length > 0 || left.length > 0 ? 1 : 0;
}

/** The index's text with `additions` as named re-exports, merged into an existing `export { … } from` of the same file. */
function withReExports(indexFile: string, additions: Addition[], loads: string[]): string {
  const area = path.basename(path.dirname(indexFile));
  const text = existsSync(indexFile)
    ? readFileSync(indexFile, 'utf8')
    : `/** The public face of shared/${area}: what other areas and functions/ may import (README, "Areas and their faces"). */\n`;
  const source = ts.createSourceFile(indexFile, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const byFrom = new Map<string, Addition[]>();
  for (const a of additions) byFrom.set(a.from, [...(byFrom.get(a.from) ?? []), a]);
  const edits: Edit[] = [];
  const appended: string[] = [];
  for (const [from, list] of byFrom) {
    const specs = list.map((a) => (a.typeOnly ? `type ${a.name}` : a.name));
    const existing = source.statements.find(
      (s): s is ts.ExportDeclaration =>
        ts.isExportDeclaration(s) &&
        !s.isTypeOnly &&
        !!s.exportClause &&
        ts.isNamedExports(s.exportClause) &&
        !!s.moduleSpecifier &&
        ts.isStringLiteral(s.moduleSpecifier) &&
        s.moduleSpecifier.text === from,
    );
    if (existing && existing.exportClause && ts.isNamedExports(existing.exportClause)) {
      const current = existing.exportClause.elements.map((e) => e.getText(source));
      edits.push({ start: existing.getStart(source), end: existing.getEnd(), text: namedList('export', [...current, ...specs], `from '${from}';`) });
    } else appended.push(namedList('export', specs, `from '${from}';`));
  }
  for (const from of loads) {
    const loaded = source.statements.some(
      (s) => ts.isImportDeclaration(s) && !s.importClause && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === from,
    );
    if (!loaded) appended.unshift(`import '${from}';`);
  }
  const edited = applyEdits(text, edits);
  return appended.length === 0 ? edited : `${edited.replace(/\n*$/, '\n')}${appended.join('\n')}\n`;
}

runAsScript(import.meta.url, async () => runFaces({ check: process.argv.includes('--check'), lint: !process.argv.includes('--no-lint') }));
