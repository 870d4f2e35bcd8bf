// Static checks of the Bicep text. Bicep cannot be compiled on the development machines, so these tests
// are the guard: they read infra/*.bicep, infra/modules/*.bicep and main.bicepparam as text and check the
// requirements, the wiring between files (module paths, params, outputs) and cheap syntax (balanced
// brackets and strings, unique symbols, references to declared symbols).
import { existsSync,readdirSync, readFileSync } from 'node:fs';
import { basename,dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect,it } from 'vitest';

const infraDir = dirname(fileURLToPath(import.meta.url));
const modulesDir = join(infraDir, 'modules');

interface Scan {
  /** Text with comments blanked (newlines kept); string literals intact. Same length as the source. */
  noComments: string;
  /** Text with comments and literal string characters blanked; code inside ${...} is kept. */
  masked: string;
  errors: string[];
}

/** Tokenizer for the parts of Bicep syntax that matter for balance: comments, strings with ${} interpolation, brackets. */
function scanBicep(src: string): Scan {
  const noComments = src.split('');
  const masked = src.split('');
  const errors: string[] = [];
  const stack: { kind: '(' | '[' | '{' | 'str' | 'interp'; at: number }[] = [];
  const lineOf = (i: number): number => src.slice(0, i).split('\n').length;
  const blank = (arr: string[], from: number, to: number): void => {
    for (let k = from; k < to; k++) if (arr[k] !== '\n') arr[k] = ' ';
  };
  const inString = (): boolean => stack.length > 0 && stack[stack.length - 1]!.kind === 'str';
  const closers: Record<string, '(' | '[' | '{'> = { ')': '(', ']': '[', '}': '{' };

  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (inString()) {
      if (ch === '\\') {
        blank(masked, i, i + 2);
        i += 2;
      } else if (ch === '$' && src[i + 1] === '{') {
        blank(masked, i, i + 2);
        stack.push({ kind: 'interp', at: i });
        i += 2;
      } else if (ch === "'") {
        stack.pop();
        i += 1;
      } else if (ch === '\n') {
        errors.push(`line ${lineOf(i)}: newline inside a single-quoted string`);
        stack.pop();
        i += 1;
      } else {
        blank(masked, i, i + 1);
        i += 1;
      }
      continue;
    }
    // code
    if (ch === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? src.length : end;
      blank(noComments, i, stop);
      blank(masked, i, stop);
      i = stop;
    } else if (ch === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end === -1) {
        errors.push(`line ${lineOf(i)}: unterminated block comment`);
        blank(noComments, i, src.length);
        blank(masked, i, src.length);
        i = src.length;
      } else {
        blank(noComments, i, end + 2);
        blank(masked, i, end + 2);
        i = end + 2;
      }
    } else if (src.startsWith("'''", i)) {
      const end = src.indexOf("'''", i + 3);
      if (end === -1) {
        errors.push(`line ${lineOf(i)}: unterminated multi-line string`);
        i = src.length;
      } else {
        blank(masked, i + 3, end);
        i = end + 3;
      }
    } else if (ch === "'") {
      stack.push({ kind: 'str', at: i });
      i += 1;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      stack.push({ kind: ch, at: i });
      i += 1;
    } else if (ch === ')' || ch === ']' || ch === '}') {
      const top = stack.pop();
      if (top === undefined) {
        errors.push(`line ${lineOf(i)}: unmatched '${ch}'`);
      } else if (top.kind === 'interp') {
        if (ch !== '}') errors.push(`line ${lineOf(i)}: '${ch}' closes a string interpolation`);
        blank(masked, i, i + 1);
      } else if (top.kind !== closers[ch]) {
        errors.push(`line ${lineOf(i)}: '${ch}' closes '${top.kind}' opened on line ${lineOf(top.at)}`);
      }
      i += 1;
    } else {
      i += 1;
    }
  }
  for (const open of stack) errors.push(`line ${lineOf(open.at)}: '${open.kind}' never closed`);
  return { noComments: noComments.join(''), masked: masked.join(''), errors };
}

interface BicepFile {
  path: string;
  name: string;
  text: string;
  scan: Scan;
}

function load(path: string): BicepFile {
  const text = readFileSync(path, 'utf8');
  return { path, name: path.slice(infraDir.length + 1), text, scan: scanBicep(text) };
}

const bicepFiles: BicepFile[] = [
  ...readdirSync(infraDir).filter((f) => f.endsWith('.bicep')).map((f) => load(join(infraDir, f))),
  ...(existsSync(modulesDir)
    ? readdirSync(modulesDir).filter((f) => f.endsWith('.bicep')).map((f) => load(join(modulesDir, f)))
    : []),
];
const paramFile = load(join(infraDir, 'main.bicepparam'));
const main = bicepFiles.find((f) => f.name === 'main.bicep');
if (main === undefined) throw new Error('infra/main.bicep is missing');
const allBicepCode = bicepFiles.map((f) => f.scan.noComments).join('\n');

const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(infraDir, file), 'utf8')) as T;
const containersJson = readJson<{ database: string; containers: { name: string }[] }>('containers.json');
const queuesJson = readJson<{ queues: { name: string }[] }>('queues.json');
const settingsJson = readJson<{
  secrets: { name: string; keyVaultSecretName: string }[];
  infrastructure: string[];
  parameters: string[];
}>('settings.json');

/** The file that declares (not merely references with `existing`) a resource of this type. */
function declaringFile(type: string): BicepFile {
  const re = new RegExp(`^resource\\s+\\w+\\s+'${type.replace(/[/.]/g, '\\$&')}@[^']+'\\s*=`, 'm');
  const found = bicepFiles.filter((f) => re.test(f.scan.noComments));
  expect(found.map((f) => f.name), `exactly one file declares ${type}`).toHaveLength(1);
  return found[0]!;
}

/** The text of the resource body declared with this type (from its opening brace to the matching one). */
function resourceBody(type: string): string {
  const file = declaringFile(type);
  const re = new RegExp(`^resource\\s+\\w+\\s+'${type.replace(/[/.]/g, '\\$&')}@[^']+'\\s*=`, 'm');
  const m = re.exec(file.scan.noComments)!;
  return file.scan.noComments.slice(m.index, blockEnd(file.scan.masked, file.scan.masked.indexOf('{', m.index)));
}

/** Index just after the brace/bracket that closes the one at `open` (in masked text). */
function blockEnd(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    const c = masked[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error(`no closing bracket for position ${open}`);
}

/** Keys at the first level of the object whose '{' is at `open`. */
function topLevelKeys(masked: string, open: number): string[] {
  const end = blockEnd(masked, open);
  const keys: string[] = [];
  let depth = 0;
  let lineStart = true;
  for (let i = open; i < end; i++) {
    const c = masked[i]!;
    if (lineStart && depth === 1) {
      const m = /^[ \t]*([A-Za-z_]\w*)\s*:/.exec(masked.slice(i, masked.indexOf('\n', i)));
      if (m) keys.push(m[1]!);
    }
    lineStart = c === '\n';
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
  }
  return keys;
}

interface Declarations {
  symbols: Map<string, number>; // param/var/resource/module/type/func share one namespace
  outputs: Map<string, number>;
  params: { name: string; required: boolean }[];
}

function declarations(file: BicepFile): Declarations {
  const symbols = new Map<string, number>();
  const outputs = new Map<string, number>();
  const params: { name: string; required: boolean }[] = [];
  const re = /^(param|var|resource|module|output|type|func)\s+([A-Za-z_]\w*)(.*)$/gm;
  for (const m of file.scan.noComments.matchAll(re)) {
    const [, kind, name, rest] = m as unknown as [string, string, string, string];
    const map = kind === 'output' ? outputs : symbols;
    map.set(name, (map.get(name) ?? 0) + 1);
    if (kind === 'param') {
      const hasDefault = /=/.test(rest);
      const nullable = /\?\s*$/.test(rest.trim());
      params.push({ name, required: !hasDefault && !nullable });
    }
  }
  return { symbols, outputs, params };
}

/** Loop variables (`for x in`, `for (x, i) in`) and lambda parameters (`x =>`, `(a, b) =>`). */
function localNames(file: BicepFile): Set<string> {
  const names = new Set<string>();
  for (const m of file.scan.masked.matchAll(/\bfor\s+(?:\(([^)]*)\)|([A-Za-z_]\w*))\s+in\b/g)) {
    for (const n of (m[1] ?? m[2] ?? '').split(',')) if (n.trim()) names.add(n.trim());
  }
  for (const m of file.scan.masked.matchAll(/(?:\(([^()]*)\)|\b([A-Za-z_]\w*))\s*=>/g)) {
    for (const n of (m[1] ?? m[2] ?? '').split(',')) if (n.trim()) names.add(n.trim());
  }
  return names;
}

interface ModuleRef {
  symbol: string;
  relPath: string;
  file: BicepFile | undefined;
  paramKeys: string[];
}

function moduleRefs(file: BicepFile): ModuleRef[] {
  const refs: ModuleRef[] = [];
  for (const m of file.scan.noComments.matchAll(/^module\s+(\w+)\s+'([^']+)'\s*=\s*(?:if\s*\(|\{|\[)/gm)) {
    const [, symbol, relPath] = m as unknown as [string, string, string];
    const abs = resolve(dirname(file.path), relPath);
    const target = bicepFiles.find((f) => f.path === abs);
    const body = file.scan.masked.indexOf('{', m.index + m[0].length - 1);
    const end = blockEnd(file.scan.masked, body);
    const paramsAt = /\bparams\s*:\s*\{/.exec(file.scan.masked.slice(body, end));
    const paramKeys = paramsAt
      ? topLevelKeys(file.scan.masked, body + paramsAt.index + paramsAt[0].length - 1)
      : [];
    refs.push({ symbol, relPath, file: target, paramKeys });
  }
  return refs;
}

describe('infra: data generated from the code is loaded, not copied', () => {
  const loads = bicepFiles.flatMap((f) =>
    [...f.scan.noComments.matchAll(/loadJsonContent\(\s*'([^']+)'/g)].map((m) => resolve(dirname(f.path), m[1]!)),
  );

  it.each(['containers.json', 'queues.json', 'settings.json'])('%s is read with loadJsonContent', (file) => {
    expect(loads).toContain(join(infraDir, file));
  });

  it('every loadJsonContent path exists', () => {
    for (const p of loads) expect(existsSync(p), p).toBe(true);
  });

  it('no container, queue or secret name is written into the Bicep by hand', () => {
    const literals = [
      ...containersJson.containers.map((c) => c.name),
      ...queuesJson.queues.map((q) => q.name),
      ...settingsJson.secrets.flatMap((s) => [s.name, s.keyVaultSecretName]),
      ...settingsJson.parameters,
    ];
    for (const name of literals) {
      expect(allBicepCode.includes(name), `${name} appears literally in the Bicep`).toBe(false);
    }
  });

  it('Cosmos containers, queues and settings are looped over the loaded JSON', () => {
    const v = (file: string): string => {
      const m = new RegExp(`^var\\s+(\\w+)\\s*=\\s*loadJsonContent\\('${file.replace('.', '\\.')}'\\)`, 'm').exec(
        main.scan.noComments,
      );
      expect(m, `main.bicep: var = loadJsonContent('${file}')`).not.toBeNull();
      return m![1]!;
    };
    const code = main.scan.noComments;
    expect(code).toContain(`${v('containers.json')}.containers`);
    expect(code).toContain(`${v('containers.json')}.database`);
    expect(code).toContain(`${v('queues.json')}.queues`);
    expect(code).toContain(`${v('settings.json')}.secrets`);
    expect(code).toContain(`${v('settings.json')}.parameters`);
    expect(resourceBody('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers')).toMatch(/\[\s*for\s+\w+\s+in\s+\w+/);
    expect(resourceBody('Microsoft.ServiceBus/namespaces/queues')).toMatch(/\[\s*for\s+\w+\s+in\s+\w+/);
  });
});

describe('infra: no keys or connection strings leave the deployment', () => {
  const everything = [...bicepFiles, paramFile];

  it('no listKeys() or listConnectionStrings() anywhere', () => {
    for (const f of everything) {
      expect(f.text, f.name).not.toMatch(/listKeys\s*\(/i);
      expect(f.text, f.name).not.toMatch(/listConnectionStrings\s*\(/i);
    }
  });

  it('no output names or outputs a key, connection string, secret or password', () => {
    for (const f of bicepFiles) {
      for (const m of f.scan.noComments.matchAll(/^output\s+(\w+)\s+[^=]+=\s*(.+)$/gm)) {
        // "Key Vault" is a resource kind, not a key: ignore it before looking for key-like words.
        const line = `${m[1]} ${m[2]}`.replace(/key[_-]?vault/gi, '');
        expect(line, `${f.name}: output ${m[1]}`).not.toMatch(/key|connection_?string|secret|password|instrumentation/i);
      }
    }
  });

  it('storage shared keys are off and the deployment package is read with the managed identity', () => {
    const storage = resourceBody('Microsoft.Storage/storageAccounts');
    expect(storage).toMatch(/allowSharedKeyAccess:\s*false/);
    expect(storage).toMatch(/allowBlobPublicAccess:\s*false/);
    expect(storage).toMatch(/minimumTlsVersion:\s*'TLS1_2'/);
    const site = resourceBody('Microsoft.Web/sites');
    expect(site).toMatch(/type:\s*'blobContainer'/);
    expect(site).toMatch(/type:\s*'UserAssignedIdentity'/);
  });

  it('Cosmos DB is serverless with local (key) auth disabled', () => {
    const cosmos = resourceBody('Microsoft.DocumentDB/databaseAccounts');
    expect(cosmos).toMatch(/disableLocalAuth:\s*true/);
    expect(cosmos).toMatch(/disableKeyBasedMetadataWriteAccess:\s*true/);
    expect(cosmos).toMatch(/name:\s*'EnableServerless'/);
    expect(cosmos).toMatch(/minimalTlsVersion:\s*'Tls12'/);
  });

  it('Cosmos containers use partition key version 2 and set defaultTtl only when declared', () => {
    const c = resourceBody('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    expect(c).toMatch(/kind:\s*'Hash'/);
    expect(c).toMatch(/version:\s*2\b/);
    expect(c).toMatch(/\.\?defaultTtl/);
    const cosmosFile = declaringFile('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments').scan.noComments;
    expect(cosmosFile).toContain("'00000000-0000-0000-0000-000000000002'"); // Cosmos DB Built-in Data Contributor
    expect(resourceBody('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments')).toMatch(
      /roleDefinitionId:\s*'\$\{\w+\.id\}\/sqlRoleDefinitions\//,
    );
  });

  it('Service Bus has SAS (local) auth disabled', () => {
    const bus = resourceBody('Microsoft.ServiceBus/namespaces');
    expect(bus).toMatch(/disableLocalAuth:\s*true/);
    expect(bus).toMatch(/minimumTlsVersion:\s*'1\.2'/);
    expect(bus).toMatch(/name:\s*'Standard'/);
  });

  it('Key Vault is in RBAC mode with purge protection', () => {
    const kv = resourceBody('Microsoft.KeyVault/vaults');
    expect(kv).toMatch(/enableRbacAuthorization:\s*true/);
    expect(kv).toMatch(/enablePurgeProtection:\s*true/);
    expect(kv).not.toMatch(/secrets/i);
    expect(allBicepCode).not.toMatch(/Microsoft\.KeyVault\/vaults\/secrets/);
  });

  it('Application Insights ingests with Entra ID only', () => {
    expect(resourceBody('Microsoft.Insights/components')).toMatch(/DisableLocalAuth:\s*true/);
    expect(allBicepCode).toMatch(/APPLICATIONINSIGHTS_AUTHENTICATION_STRING:\s*'ClientId=\$\{\w+\};Authorization=AAD'/);
  });

  it('the managed identity gets the data roles it needs', () => {
    const roles: Record<string, string> = {
      'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
      'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
      'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
      'Azure Service Bus Data Sender': '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
      'Azure Service Bus Data Receiver': '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
      'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
      'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
    };
    for (const [role, id] of Object.entries(roles)) expect(allBicepCode, role).toContain(id);
  });
});

describe('infra: logs', () => {
  it('RET-6: technical logs are kept 365 days', () => {
    expect(resourceBody('Microsoft.OperationalInsights/workspaces')).toMatch(/retentionInDays:\s*365\b/);
    expect(resourceBody('Microsoft.Insights/components')).toMatch(/RetentionInDays:\s*365\b/);
    expect(resourceBody('Microsoft.Insights/components')).toMatch(/WorkspaceResourceId:/);
  });
});

describe('infra: function app (Flex Consumption)', () => {
  const site = (): string => resourceBody('Microsoft.Web/sites');

  it('runs Node 22 on an FC1 plan with the expected scale settings', () => {
    expect(site()).toMatch(/runtime:\s*\{\s*name:\s*'node'\s+version:\s*'22'\s*\}/);
    expect(site()).toMatch(/maximumInstanceCount:\s*100\b/);
    expect(site()).toMatch(/instanceMemoryMB:\s*2048\b/);
    expect(site()).toMatch(/kind:\s*'functionapp,linux'/);
    expect(site()).toMatch(/httpsOnly:\s*true/);
    const plan = resourceBody('Microsoft.Web/serverfarms');
    expect(plan).toMatch(/name:\s*'FC1'/);
    expect(plan).toMatch(/tier:\s*'FlexConsumption'/);
    expect(plan).toMatch(/reserved:\s*true/);
  });

  it('resolves Key Vault references with the user-assigned identity (site property, not siteConfig)', () => {
    const s = site();
    expect(s).toMatch(/keyVaultReferenceIdentity:/);
    const siteConfigAt = s.search(/siteConfig:\s*\{/);
    if (siteConfigAt !== -1) {
      const open = s.indexOf('{', siteConfigAt);
      const siteConfig = s.slice(open, blockEnd(scanBicep(s).masked, open));
      expect(siteConfig, 'siteConfig silently ignores keyVaultReferenceIdentity').not.toMatch(/keyVaultReferenceIdentity/);
    }
    expect(s).toMatch(/'azd-service-name':\s*'api'/);
  });

  it('does not set the settings and siteConfig properties that Flex Consumption rejects', () => {
    const rejected = [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'FUNCTIONS_WORKER_PROCESS_COUNT',
      'WEBSITE_RUN_FROM_PACKAGE',
      'WEBSITE_CONTENTSHARE',
      'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
      'WEBSITE_NODE_DEFAULT_VERSION',
      'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
      'SCM_DO_BUILD_DURING_DEPLOYMENT',
      'ENABLE_ORYX_BUILD',
      'linuxFxVersion',
      'ftpsState',
      'use32BitWorkerProcess',
      'functionAppScaleLimit',
      'netFrameworkVersion',
    ];
    for (const f of bicepFiles) {
      const code = f.scan.masked; // comments and string text excluded: only keys and code
      for (const name of rejected) expect(code.includes(name), `${f.name} sets ${name}`).toBe(false);
    }
  });

  it('every "infrastructure" setting from settings.json is set by the Bicep', () => {
    for (const name of settingsJson.infrastructure) {
      expect(allBicepCode, name).toMatch(new RegExp(`^\\s*${name}\\s*:`, 'm'));
    }
  });

  it('identity-based connections name the user-assigned identity', () => {
    for (const prefix of ['AzureWebJobsStorage', 'ServiceBusConnection']) {
      expect(allBicepCode).toMatch(new RegExp(`^\\s*${prefix}__credential:\\s*'managedidentity'`, 'm'));
      expect(allBicepCode).toMatch(new RegExp(`^\\s*${prefix}__clientId:`, 'm'));
    }
    expect(allBicepCode).toMatch(/^\s*APP_ENV:\s*'azure'/m);
  });

  it('every "secrets" entry becomes a Key Vault reference built from settings.json', () => {
    expect(allBicepCode).toContain('@Microsoft.KeyVault(');
    expect(allBicepCode).toMatch(/'@Microsoft\.KeyVault\(VaultName=\$\{\w+\};SecretName=\$\{(\w+)\.keyVaultSecretName\}\)'/);
    expect(allBicepCode).toMatch(/toObject\(\s*\w+,\s*(\w+)\s*=>\s*\1\.name\s*,/);
  });

  it('every "parameters" setting has an example value in main.bicepparam', () => {
    const p = paramFile.scan;
    const m = /^param\s+appParameters\s*=\s*\{/m.exec(p.noComments);
    expect(m, 'main.bicepparam sets appParameters').not.toBeNull();
    const keys = topLevelKeys(p.masked, m!.index + m![0].length - 1);
    for (const name of settingsJson.parameters) expect(keys, name).toContain(name);
  });

  it('setting names contain no ":" (Flex rejects them) and do not collide across the three kinds', () => {
    const names = [
      ...settingsJson.secrets.map((s) => s.name),
      ...settingsJson.infrastructure,
      ...settingsJson.parameters,
    ];
    for (const n of names) expect(n).not.toContain(':');
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('infra: cheap syntax guard (Bicep cannot be compiled here)', () => {
  it.each([...bicepFiles, paramFile].map((f) => [f.name, f] as const))(
    '%s: brackets, braces, parentheses and quotes balance',
    (_name, f) => {
      expect(f.scan.errors).toEqual([]);
    },
  );

  it.each(bicepFiles.map((f) => [f.name, f] as const))('%s: declared symbols and outputs are unique', (_n, f) => {
    const { symbols, outputs } = declarations(f);
    const dup = (m: Map<string, number>): string[] => [...m].filter(([, n]) => n > 1).map(([s]) => s);
    expect(dup(symbols), 'param/var/resource/module').toEqual([]);
    expect(dup(outputs), 'output').toEqual([]);
    const shadowing = [...localNames(f)].filter((n) => symbols.has(n));
    expect(shadowing, 'loop or lambda variables that shadow a declaration').toEqual([]);
  });

  it.each(bicepFiles.map((f) => [f.name, f] as const))('%s: identifiers used in code are declared', (_n, f) => {
    const known = new Set([
      ...declarations(f).symbols.keys(),
      ...localNames(f),
      'true',
      'false',
      'null',
      'az',
      'sys',
    ]);
    const unknown = new Set<string>();
    const code = f.scan.masked;
    // `x.y` / `x.?y` member access at the start of an expression
    for (const m of code.matchAll(/(?<![\w.)\]])([A-Za-z_]\w*)\s*\.\??[A-Za-z_]/g)) {
      if (!known.has(m[1]!)) unknown.add(m[1]!);
    }
    for (const line of code.split('\n')) {
      // `key: identifier` and bare `identifier` lines (array items such as dependsOn)
      const value = /^\s*(?:'[^']*'|\w+)\s*:\s*([A-Za-z_]\w*)\s*$/.exec(line)?.[1] ?? /^\s*([A-Za-z_]\w*)\s*$/.exec(line)?.[1];
      if (value !== undefined && !known.has(value)) unknown.add(value);
    }
    expect([...unknown]).toEqual([]);
  });

  it('every module path exists and gets its required params, only declared params, and only declared outputs are read', () => {
    for (const f of bicepFiles) {
      const refs = moduleRefs(f);
      for (const ref of refs) {
        expect(ref.file, `${f.name}: module ${ref.symbol} '${ref.relPath}' exists`).toBeDefined();
        if (ref.file === undefined) continue;
        expect(ref.relPath.startsWith('./modules/') || f.name.startsWith('modules'), ref.relPath).toBe(true);
        const { params, outputs } = declarations(ref.file);
        for (const p of params.filter((x) => x.required)) {
          expect(ref.paramKeys, `${f.name}: module ${ref.symbol} is given required param ${p.name}`).toContain(p.name);
        }
        for (const key of ref.paramKeys) {
          expect(params.map((x) => x.name), `${ref.file.name} declares param ${key}`).toContain(key);
        }
        for (const m of f.scan.masked.matchAll(new RegExp(`\\b${ref.symbol}\\.outputs\\.(\\w+)`, 'g'))) {
          expect(outputs.has(m[1]!), `${ref.file.name} declares output ${m[1]}`).toBe(true);
        }
      }
    }
    const referenced = bicepFiles.flatMap((f) => moduleRefs(f).map((r) => r.file?.path));
    for (const f of bicepFiles.filter((x) => x !== main)) {
      expect(referenced, `${f.name} is used by some module declaration`).toContain(f.path);
    }
  });

  it('main.bicepparam uses main.bicep, sets only declared params and every required one', () => {
    expect(paramFile.scan.noComments).toMatch(/^using\s+'main\.bicep'/m);
    const declared = declarations(main).params;
    const set = [...paramFile.scan.noComments.matchAll(/^param\s+(\w+)\s*=/gm)].map((m) => m[1]!);
    for (const name of set) expect(declared.map((p) => p.name), name).toContain(name);
    for (const p of declared.filter((x) => x.required)) expect(set, p.name).toContain(p.name);
  });

  it('the scanner itself catches an unbalanced file', () => {
    expect(scanBicep("var a = {\n  b: '${c}'\n").errors).not.toEqual([]);
    expect(scanBicep("var a = '${b]}'").errors).not.toEqual([]);
    expect(scanBicep("var a = 'x\n'").errors).not.toEqual([]);
    expect(scanBicep("var a = { // }\n  b: '}' /* ) */\n}\nvar c = '''\n{\n'''").errors).toEqual([]);
    expect(basename(infraDir)).toBe('infra');
  });
});
