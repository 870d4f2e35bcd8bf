/**
 * `npm run infra:mutation`: puts realistic mistakes into a temporary copy of infra/ (and host.json), one at a time,
 * and requires each to be caught by the compiler/linter (what `npm run infra:check` runs) or by the ARM checks
 * (infra/arm-checks.ts, what infra/infra.test.ts runs). Prints caught/total and exits 1 when a mistake survives,
 * when a mutation no longer applies (the text it edits changed: update it), or when the unmutated copy is not clean.
 * Runs in .ci/run after npm test (it compiles each mutant several times: minutes, too slow for npm test).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { armChecks, loadInfraModel } from '../infra/arm-checks.js';
import { type Bicep, ensureBicep, formatDiagnostic, lint, paramEnv, repoRoot } from './bicep.js';
import { runAsScript } from './run-as-script.js';

export interface Mutation {
  name: string;
  /** Relative to the repository root: infra/... or host.json. */
  file: string;
  from: string | RegExp;
  to: string;
}

export const mutations: Mutation[] = [
  {
    name: 'API version that does not exist',
    file: 'infra/modules/functionapp.bicep',
    from: "'Microsoft.Web/sites@2025-03-01' = {",
    to: "'Microsoft.Web/sites@2025-03-10' = {",
  },
  {
    name: 'API version more than two years old',
    file: 'infra/modules/cosmos.bicep',
    from: "'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {",
    to: "'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {",
  },
  { name: 'misspelt property (httpOnly for httpsOnly)', file: 'infra/modules/functionapp.bicep', from: 'httpsOnly: true', to: 'httpOnly: true' },
  {
    name: 'child resource without its parent',
    file: 'infra/modules/cosmos.bicep',
    from: /(containers@2026-03-15' = \[\n {2}for c in containers: \{\n) {4}parent: database\n/,
    to: '$1',
  },
  {
    name: 'AzureWebJobsStorage__accountName missing',
    file: 'infra/modules/functionapp.bicep',
    from: /\n {2}AzureWebJobsStorage__accountName: [^\n]+/,
    to: '',
  },
  {
    name: 'Cosmos data role on the whole account instead of the database',
    file: 'infra/modules/cosmos.bicep',
    from: "scope: '${account.id}/dbs/${database.name}'",
    to: 'scope: account.id',
  },
  {
    name: 'param file: a string where main.bicep wants an array',
    file: 'infra/main.bicepparam',
    // Only the start of the line, so the mutation survives a change to the list of origins.
    from: 'param corsAllowedOrigins = [',
    to: "param corsAllowedOrigins = 'https://www.opiq.ee' // [",
  },
  {
    name: 'duplicate @description decorator',
    file: 'infra/main.bicep',
    from: "@description('Tags applied to every resource.')",
    to: "@description('Tags applied to every resource.')\n@description('Tags.')",
  },
  {
    name: 'secret material in an output',
    file: 'infra/main.bicep',
    from: 'output SESSION_KEYS_VAULT string = vault.outputs.name',
    to: 'output SESSION_KEYS_VAULT string = vault.outputs.name\noutput SESSION_KEY_SEED string = sessionKeyMaterial',
  },
  {
    name: 'unused parameter',
    file: 'infra/main.bicep',
    from: 'param tags object = {}',
    to: 'param tags object = {}\n\nparam legacyMode bool = false',
  },
  { name: 'hard-coded location', file: 'infra/modules/identity.bicep', from: 'location: location', to: "location: 'westeurope'" },
  {
    name: 'Key Vault reachable from the internet with private networking on',
    file: 'infra/modules/keyvault.bicep',
    from: "publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'",
    to: "publicNetworkAccess: 'Enabled'",
  },
  {
    name: 'storage shared keys switched back on',
    file: 'infra/modules/storage.bicep',
    from: 'allowSharedKeyAccess: false',
    to: 'allowSharedKeyAccess: true',
  },
  { name: 'Service Bus role on the namespace instead of each queue', file: 'infra/modules/rbac.bicep', from: 'scope: queues[i]', to: 'scope: bus' },
  {
    name: 'Blob role on the storage account instead of the containers',
    file: 'infra/modules/rbac.bicep',
    from: 'scope: containers[i]',
    to: 'scope: storage',
  },
  {
    name: 'keyVaultReferenceIdentity moved into siteConfig',
    file: 'infra/modules/functionapp.bicep',
    from: /\n {4}keyVaultReferenceIdentity: identity\.id\n([\s\S]*?siteConfig: \{\n)/,
    to: '\n$1      keyVaultReferenceIdentity: identity.id\n',
  },
  {
    name: 'no Key Vault role for the deployer under azd (AZURE_PRINCIPAL_ID ignored)',
    file: 'infra/main.bicepparam',
    from: "readEnvironmentVariable('OPERATOR_PRINCIPAL_ID', readEnvironmentVariable('AZURE_PRINCIPAL_ID', ''))",
    to: "readEnvironmentVariable('OPERATOR_PRINCIPAL_ID', '')",
  },
  {
    name: 'session signing key rewritten on every deployment (the param file no longer passes SESSION_KEYS_VAULT back)',
    file: 'infra/main.bicepparam',
    from: /\nparam sessionKeysVault = [^\n]+/,
    to: '',
  },
  {
    name: 'telemetry pseudonym key rewritten on every deployment (the param file no longer passes TELEMETRY_KEYS_VAULT back)',
    file: 'infra/main.bicepparam',
    from: /\nparam telemetryKeysVault = [^\n]+/,
    to: '',
  },
  {
    name: 'lock renewal shorter than the function timeout',
    file: 'host.json',
    from: '"maxAutoLockRenewalDuration": "00:10:00"',
    to: '"maxAutoLockRenewalDuration": "00:05:00"',
  },
  { name: 'partition key version 1', file: 'infra/modules/cosmos.bicep', from: 'version: 2', to: 'version: 1' },
  {
    name: 'private endpoint without its DNS zone group (name resolves publicly)',
    file: 'infra/modules/network.bicep',
    from: /\n\/\/ The zone group writes[\s\S]*$/,
    to: '\n',
  },
  {
    name: 'scm basic-auth publishing left on',
    file: 'infra/modules/functionapp.bicep',
    from: /(name: 'scm'\n {2}properties: \{\n {4}allow: )false/,
    to: '$1true',
  },
  {
    name: 'Key Vault audit log category misspelt',
    file: 'infra/modules/keyvault.bicep',
    from: "category: 'AuditEvent'",
    to: "category: 'AuditEvents'",
  },
  {
    name: 'optional secrets referenced before the operator stored them (unresolved references)',
    file: 'infra/main.bicep',
    from: 'contains(createdOptionalSecrets, s.name) || contains(keyVaultSecretSettings, s.name)',
    to: 'contains(createdOptionalSecrets, s.name) || !contains(keyVaultSecretSettings, s.name)',
  },
  {
    name: 'a queue of queues.json not deployed (loop over a slice)',
    file: 'infra/main.bicep',
    from: 'queues: queuesConfig.queues',
    to: 'queues: take(queuesConfig.queues, 2)',
  },
  {
    name: 'export lifecycle rule keeps exports only as long as they are offered (7 days)',
    file: 'infra/main.bicep',
    from: 'exportsRetentionDays: 8',
    to: 'exportsRetentionDays: 7',
  },
  { name: 'export lifecycle rule on the whole container', file: 'infra/main.bicep', from: "exportsPrefix: 'exports/'", to: "exportsPrefix: ''" },
  {
    name: 'Blob Delegator missing (export links cannot be signed)',
    file: 'infra/modules/rbac.bicep',
    from: 'roleIds.storageBlobDelegator)\n    principalId',
    to: 'roleIds.storageBlobDataContributor)\n    principalId',
  },
];

export interface MutationResult {
  name: string;
  outcome: 'caught' | 'survived' | 'not-applied';
  by: string;
}

/** Lays out repoRoot's infra/ and host.json in a fresh temp dir, applies `mutate` to one file, returns the dir. */
async function copyWith(mutation: Mutation | undefined): Promise<{ dir: string; applied: boolean }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'opiq-mutant-'));
  await cp(path.join(repoRoot, 'infra'), path.join(dir, 'infra'), { recursive: true, filter: (f) => !f.endsWith('.snapshot.json') });
  await cp(path.join(repoRoot, 'host.json'), path.join(dir, 'host.json'));
  if (!mutation) return { dir, applied: true };
  const file = path.join(dir, mutation.file);
  const before = await readFile(file, 'utf8');
  const after = before.replace(mutation.from, mutation.to);
  await writeFile(file, after);
  return { dir, applied: after !== before };
}

/** What catches the infra in dir: a lint/compile diagnostic, a failed build, failing ARM checks; undefined = nothing. */
async function catcher(bicep: Bicep, dir: string): Promise<string | undefined> {
  const infraDir = path.join(dir, 'infra');
  // BCP104 ("the referenced module has errors") only echoes a module's diagnostic: name the cause first.
  const diagnostics = (await lint(bicep, path.join(infraDir, 'main.bicepparam'), await paramEnv(infraDir)))
    .filter((d) => d.level !== 'info')
    .sort((a, b) => Number(a.code === 'BCP104') - Number(b.code === 'BCP104'));
  if (diagnostics.length > 0) return `lint: ${formatDiagnostic(diagnostics[0]!)}${diagnostics.length > 1 ? ` (+${diagnostics.length - 1})` : ''}`;
  let model;
  try {
    model = await loadInfraModel(bicep, infraDir, path.join(dir, 'host.json'));
  } catch (error) {
    return `compiler: ${(error instanceof Error ? error.message : String(error)).split('\n').slice(0, 2).join(' ')}`;
  }
  const failed: string[] = [];
  for (const c of armChecks) {
    try {
      c.check(model);
    } catch (error) {
      failed.push(`${c.area}: ${c.name} (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`);
    }
  }
  return failed.length > 0 ? `ARM test: ${failed[0]}${failed.length > 1 ? ` (+${failed.length - 1})` : ''}` : undefined;
}

async function runOne(bicep: Bicep, mutation: Mutation): Promise<MutationResult> {
  const { dir, applied } = await copyWith(mutation);
  try {
    if (!applied) return { name: mutation.name, outcome: 'not-applied', by: `${mutation.file} no longer contains ${String(mutation.from)}` };
    const by = await catcher(bicep, dir);
    return { name: mutation.name, outcome: by ? 'caught' : 'survived', by: by ?? 'nothing' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const bicep = await ensureBicep((line) => console.log(`infra:mutation ${line}`));
  if ('unavailable' in bicep) {
    console.error(`infra:mutation FAILED: the Bicep compiler is not available: ${bicep.unavailable}`);
    return 1;
  }
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected = only.length > 0 ? mutations.filter((m) => only.some((o) => m.name.includes(o))) : mutations;

  const baseline = await copyWith(undefined);
  try {
    const dirty = await catcher(bicep, baseline.dir);
    if (dirty) {
      console.error(`infra:mutation FAILED: the unmutated infrastructure is not clean, so every mutation would look caught: ${dirty}`);
      return 1;
    }
  } finally {
    await rm(baseline.dir, { recursive: true, force: true });
  }

  // Two at a time: each runs several compiler processes; the machines have two cores.
  const results: MutationResult[] = [];
  const queue = [...selected];
  await Promise.all(
    [0, 1].map(async () => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        const result = await runOne(bicep, m);
        results.push(result);
        console.log(`${result.outcome === 'caught' ? 'caught  ' : result.outcome.toUpperCase().padEnd(8)} ${result.name}\n         by ${result.by}`);
      }
    }),
  );
  const caught = results.filter((r) => r.outcome === 'caught').length;
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`\ninfra:mutation: mutations caught ${caught}/${selected.length} (bicep ${bicep.version}, ${seconds} s)`);
  return caught === selected.length ? 0 : 1;
}

runAsScript(import.meta.url, main);
