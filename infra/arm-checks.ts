/**
 * What the compiled infrastructure must do, checked on the compiler's own output: `bicep build` of main.bicep (the ARM
 * template) and `bicep snapshot` of main.bicepparam (the resources ARM would be asked to create, modules flattened,
 * loops and conditions expanded, names and most expressions evaluated). infra/infra.test.ts runs every check;
 * scripts/infra-mutation.ts runs them on mutated copies of infra/ and requires each mistake to fail one.
 * Plain node:assert, so that the mutation script can run the checks without vitest.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { type Bicep, buildJson, type PredictedResource, type Snapshot, snapshot, snapshotScope } from '../scripts/bicep.js';

interface ArmTemplate {
  parameters: Record<string, { type: string; defaultValue?: unknown; metadata?: { description?: string } }>;
  outputs?: Record<string, { type: string; value: unknown }>;
  [key: string]: unknown;
}

interface InfraJson {
  containers: { database: string; containers: { name: string; partitionKeyPath: string; defaultTtl?: number; excludedPaths?: string[] }[] };
  queues: { queues: ({ name: string; lockDuration: string } & Record<string, unknown>)[] };
  settings: { secrets: { name: string; keyVaultSecretName: string; required: boolean }[]; infrastructure: string[]; parameters: string[] };
}

export interface InfraModel {
  template: ArmTemplate;
  /** main.bicepparam as in production (private networking), deployed by a principal azd knows (AZURE_PRINCIPAL_ID). */
  prod: Snapshot;
  /**
   * PRIVATE_NETWORKING=false, redeployed into the same vault (SESSION_KEYS_VAULT set), no principal id known, every
   * optional secret stored by the operator (KEY_VAULT_SECRETS, with stray spaces).
   */
  publicRedeploy: Snapshot;
  /**
   * Production again, with a new KEY_VAULT_NAME_SEED (after a vault was deleted; the old SESSION_KEYS_VAULT still in
   * .env) and Service Bus Premium (SERVICE_BUS_SKU), the tier that has private endpoints.
   */
  newSeed: Snapshot;
  /** Production redeployed into a vault that has its session key but not yet the unsubscribe link and erasure evidence keys (their *_KEYS_VAULT unset). */
  upgrade: Snapshot;
  json: InfraJson;
  hostJson: { functionTimeout?: string; extensions?: { serviceBus?: { maxAutoLockRenewalDuration?: string } } };
}

const OPERATOR_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

/** Compiles infraDir (a copy of infra/) and reads its generated JSON; hostJsonPath is the app's host.json. */
export async function loadInfraModel(bicep: Bicep, infraDir: string, hostJsonPath: string): Promise<InfraModel> {
  const param = path.join(infraDir, 'main.bicepparam');
  const read = async <T>(file: string) => JSON.parse(await readFile(path.join(infraDir, file), 'utf8')) as T;
  const json: InfraJson = { containers: await read('containers.json'), queues: await read('queues.json'), settings: await read('settings.json') };
  const optionalSecrets = json.settings.secrets.filter((s) => !s.required).map((s) => s.name);
  const [template, prod] = await Promise.all([
    buildJson(bicep, 'build', path.join(infraDir, 'main.bicep')) as Promise<ArmTemplate>,
    snapshot(bicep, param, { AZURE_PRINCIPAL_ID: OPERATOR_ID }),
  ]);
  const vault = prod.predictedResources.find((r) => r.type === 'Microsoft.KeyVault/vaults');
  const [publicRedeploy, newSeed, upgrade] = await Promise.all([
    snapshot(bicep, param, {
      PRIVATE_NETWORKING: 'false',
      SESSION_KEYS_VAULT: vault?.name ?? '',
      UNSUBSCRIBE_KEYS_VAULT: vault?.name ?? '',
      ERASURE_KEYS_VAULT: vault?.name ?? '',
      TELEMETRY_KEYS_VAULT: vault?.name ?? '',
      KEY_VAULT_SECRETS: optionalSecrets.join(' , '),
    }),
    snapshot(bicep, param, {
      KEY_VAULT_NAME_SEED: 'after-delete',
      SESSION_KEYS_VAULT: vault?.name ?? '',
      UNSUBSCRIBE_KEYS_VAULT: vault?.name ?? '',
      ERASURE_KEYS_VAULT: vault?.name ?? '',
      TELEMETRY_KEYS_VAULT: vault?.name ?? '',
      SERVICE_BUS_SKU: 'Premium',
    }),
    // A vault from before UNSUBSCRIBE_SIGNING_KEYS (and TELEMETRY_PSEUDONYM_KEY, ERASURE_EVIDENCE_KEYS) existed: its session key stays, the others are created.
    snapshot(bicep, param, { SESSION_KEYS_VAULT: vault?.name ?? '' }),
  ]);
  return {
    template,
    prod,
    publicRedeploy,
    newSeed,
    upgrade,
    json,
    hostJson: JSON.parse(await readFile(hostJsonPath, 'utf8')) as InfraModel['hostJson'],
  };
}

/** Optional secret settings the deployment creates itself (main.bicep `createdOptionalSecrets`): referenced from the first deployment. */
const CREATED_OPTIONAL_SECRETS = ['TELEMETRY_PSEUDONYM_KEY'];

// ---------------------------------------------------------------------------------------------------------------
// Reading the snapshot

const rg = `/subscriptions/${snapshotScope.subscriptionId}/resourceGroups/${snapshotScope.resourceGroup}`;
const roleDefinition = (guid: string) => `/subscriptions/${snapshotScope.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/**
 * The snapshot leaves environment() unevaluated, and with it the names and ids built from it: resolve them for the
 * public cloud, which is what these templates target.
 */
const resolveEnvironment = (value: string): string => {
  const inner = value.replace(
    /format\('([^']*)', environment\(\)\.suffixes\.storage\)/g,
    (_m, f: string) => `'${f.replace('{0}', 'core.windows.net')}'`,
  );
  const literal = /^\['([^']*)'\]$/.exec(inner);
  if (literal) return literal[1]!;
  const format = /^\[format\('([^']*)', ((?:'[^']*'(?:, )?)+)\)\]$/.exec(inner);
  if (format) {
    const args = [...format[2]!.matchAll(/'([^']*)'/g)].map((a) => a[1]!);
    return format[1]!.replace(/\{(\d+)\}/g, (_m, i: string) => args[Number(i)] ?? '');
  }
  const id = /^\[resourceId\('([^']+)', '([^']+)', '([^']+)', '([^']+)'\)\]$/.exec(inner);
  if (id) return `/subscriptions/${id[1]}/resourceGroups/${id[2]}/providers/${id[3]}/${id[4]}`;
  return value;
};

function all(s: Snapshot, type: string): PredictedResource[] {
  return s.predictedResources.filter((r) => r.type === type).map((r) => ({ ...r, id: resolveEnvironment(r.id), name: resolveEnvironment(r.name) }));
}

function one(s: Snapshot, type: string): PredictedResource {
  const found = all(s, type);
  assert.equal(found.length, 1, `exactly one ${type} (found ${found.length})`);
  return found[0]!;
}

const props = (r: PredictedResource): Record<string, any> => (r.properties ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Scope of an extension resource (role assignment, diagnostic setting): its id up to /providers/<type>/<name>. */
function scopeOf(r: PredictedResource, type: string): string {
  const marker = `/providers/${type}/`;
  const at = r.id.lastIndexOf(marker);
  assert.ok(at > 0, `${type} ${r.name} has a scope in its id: ${r.id}`);
  return r.id.slice(0, at);
}

const idOf = (type: string, ...names: string[]) => {
  const segments = type.split('/');
  let id = `${rg}/providers/${segments[0]}/${segments[1]}/${names[0]}`;
  for (let i = 2; i < segments.length; i++) id += `/${segments[i]}/${names[i - 1]}`;
  return id;
};

interface Names {
  identity: string;
  storage: string;
  cosmos: string;
  bus: string;
  vault: string;
  site: string;
  workspace: string;
  insights: string;
}

function names(s: Snapshot): Names {
  return {
    identity: one(s, 'Microsoft.ManagedIdentity/userAssignedIdentities').name,
    storage: one(s, 'Microsoft.Storage/storageAccounts').name,
    cosmos: one(s, 'Microsoft.DocumentDB/databaseAccounts').name,
    bus: one(s, 'Microsoft.ServiceBus/namespaces').name,
    vault: one(s, 'Microsoft.KeyVault/vaults').name,
    site: one(s, 'Microsoft.Web/sites').name,
    workspace: one(s, 'Microsoft.OperationalInsights/workspaces').name,
    insights: one(s, 'Microsoft.Insights/components').name,
  };
}

/** principalId of the app's identity as ARM resolves it at deployment time. */
const uamiPrincipal = (n: Names) =>
  new RegExp(`^\\[reference\\('${escape(idOf('Microsoft.ManagedIdentity/userAssignedIdentities', n.identity))}', '[^']+'\\)\\.principalId\\]$`);
const uamiClientId = (n: Names) =>
  new RegExp(`^\\[reference\\('${escape(idOf('Microsoft.ManagedIdentity/userAssignedIdentities', n.identity))}', '[^']+'\\)\\.clientId\\]$`);
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDataContributor: 'ba92f5b4-2d11-453e-a403-e96b0029c9fe',
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
};

interface Assignment {
  scope: string;
  role: string;
  principal: string;
  principalType: string | undefined;
}

function assignments(s: Snapshot): Assignment[] {
  return all(s, 'Microsoft.Authorization/roleAssignments').map((r) => ({
    scope: scopeOf(r, 'Microsoft.Authorization/roleAssignments'),
    role: String(props(r).roleDefinitionId),
    principal: String(props(r).principalId),
    principalType: props(r).principalType as string | undefined,
  }));
}

function appSettings(s: Snapshot): Record<string, string> {
  const config = all(s, 'Microsoft.Web/sites/config').find((r) => r.name.endsWith('/appsettings'));
  assert.ok(config, 'the site has an appsettings config resource');
  return props(config) as Record<string, string>;
}

/** ISO 8601 (PT5M) or TimeSpan (00:05:00) to seconds. */
function durationSeconds(value: string): number {
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(value);
  if (span) return Number(span[1] ?? 0) * 86_400 + Number(span[2]) * 3600 + Number(span[3]) * 60 + Number(span[4]);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
  assert.ok(iso, `a duration: ${value}`);
  return Number(iso[1] ?? 0) * 86_400 + Number(iso[2] ?? 0) * 3600 + Number(iso[3] ?? 0) * 60 + Number(iso[4] ?? 0);
}

// ---------------------------------------------------------------------------------------------------------------
// The checks

export interface ArmCheck {
  area: string;
  name: string;
  check: (m: InfraModel) => void;
}

/** API versions at least this recent: the properties the checks below rely on exist from these on. */
const minimumApiVersions: Record<string, string> = {
  'Microsoft.Web/sites': '2023-12-01', // functionAppConfig (Flex Consumption)
  'Microsoft.Web/serverfarms': '2023-12-01',
  'Microsoft.Web/sites/config': '2023-12-01',
  'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments': '2023-04-15',
  'Microsoft.KeyVault/vaults': '2023-07-01',
  'Microsoft.Storage/storageAccounts': '2023-01-01',
  'Microsoft.ServiceBus/namespaces': '2022-10-01-preview',
};

/** Settings and siteConfig properties that Flex Consumption rejects (research/azure-infra.md section 1). */
const flexRejectedSettings = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_WORKER_PROCESS_COUNT',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_SKIP_CONTENTSHARE_VALIDATION',
  'WEBSITE_VNET_ROUTE_ALL',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'ENABLE_ORYX_BUILD',
];
const flexRejectedSiteConfig = [
  'linuxFxVersion',
  'ftpsState',
  'use32BitWorkerProcess',
  'functionAppScaleLimit',
  'netFrameworkVersion',
  'functionsRuntimeScaleMonitoringEnabled',
];

const both = (m: InfraModel): [string, Snapshot][] => [
  ['production', m.prod],
  ['public redeploy', m.publicRedeploy],
];

export const armChecks: ArmCheck[] = [
  // -- resources and API versions
  {
    area: 'resources',
    name: 'the compiler evaluated the deployment without diagnostics, and every resource has a GA API version new enough for the properties used',
    check: (m) => {
      for (const [label, s] of both(m)) {
        assert.deepEqual(s.diagnostics, [], `${label}: snapshot diagnostics`);
        for (const r of s.predictedResources) {
          assert.match(r.apiVersion, /^\d{4}-\d{2}-\d{2}(-preview)?$/, `${r.type} apiVersion`);
          // The diagnostic settings API has no GA version in the current shape (see the modules' comments).
          if (r.type !== 'Microsoft.Insights/diagnosticSettings')
            assert.ok(!r.apiVersion.endsWith('-preview'), `${r.type}@${r.apiVersion} is a preview`);
          const min = minimumApiVersions[r.type];
          if (min) assert.ok(r.apiVersion >= min, `${r.type}@${r.apiVersion} is older than ${min}`);
        }
      }
    },
  },
  {
    area: 'resources',
    name: 'one resource group holds identity, monitoring, storage, Cosmos DB, Service Bus, Key Vault, a Flex plan and the app, all in the deployment location',
    check: (m) => {
      for (const [label, s] of both(m)) {
        names(s);
        for (const r of s.predictedResources.map((x) => ({ ...x, id: resolveEnvironment(x.id) }))) {
          const inGroup =
            r.id.startsWith(`${rg}/`) || r.id.startsWith(`[resourceId('${snapshotScope.subscriptionId}', '${snapshotScope.resourceGroup}', `);
          assert.ok(inGroup, `${label}: ${r.type} ${r.name} is in the resource group`);
          if (r.location !== undefined && r.location !== 'global') assert.equal(r.location, snapshotScope.location, `${label}: ${r.type} location`);
        }
      }
    },
  },

  // -- storage
  {
    area: 'storage',
    name: 'shared keys, public blobs and old TLS are off; with private networking public network access is off too',
    check: (m) => {
      for (const [label, s] of both(m)) {
        const p = props(one(s, 'Microsoft.Storage/storageAccounts'));
        assert.equal(p.allowSharedKeyAccess, false, label);
        assert.equal(p.allowBlobPublicAccess, false, label);
        assert.equal(p.minimumTlsVersion, 'TLS1_2', label);
        assert.equal(p.supportsHttpsTrafficOnly, true, label);
        assert.equal(p.defaultToOAuthAuthentication, true, label);
      }
      const p = props(one(m.prod, 'Microsoft.Storage/storageAccounts'));
      assert.equal(p.publicNetworkAccess, 'Disabled');
      assert.equal(p.networkAcls?.defaultAction, 'Deny');
      assert.equal(props(one(m.publicRedeploy, 'Microsoft.Storage/storageAccounts')).publicNetworkAccess, 'Enabled');
    },
  },
  {
    area: 'storage',
    name: "the deployment package container, the Functions host containers and users' files (LRN-4) exist, private",
    check: (m) => {
      const n = names(m.prod);
      const containers = all(m.prod, 'Microsoft.Storage/storageAccounts/blobServices/containers');
      assert.deepEqual(
        containers.map((c) => c.name).sort(),
        ['app-package', 'azure-webjobs-hosts', 'azure-webjobs-secrets', 'user-files'].map((c) => `${n.storage}/default/${c}`),
      );
      for (const c of containers) assert.equal(props(c).publicAccess, 'None', c.name);
    },
  },
  {
    area: 'storage',
    name: 'PRIV-2: a lifecycle rule deletes block blobs under user-files/exports/ 8 days after creation (an export is downloadable for 7), and nothing else',
    check: (m) => {
      for (const [label, s] of both(m)) {
        const policy = one(s, 'Microsoft.Storage/storageAccounts/managementPolicies');
        assert.equal(policy.name, `${names(s).storage}/default`, label);
        const rules = props(policy).policy?.rules as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.equal(rules.length, 1, label);
        const [rule] = rules;
        assert.equal(rule!.enabled, true, label);
        assert.equal(rule!.type, 'Lifecycle', label);
        assert.deepEqual(rule!.definition.filters, { blobTypes: ['blockBlob'], prefixMatch: ['user-files/exports/'] }, label);
        assert.deepEqual(rule!.definition.actions, { baseBlob: { delete: { daysAfterCreationGreaterThan: 8 } } }, label);
      }
    },
  },

  // -- Cosmos DB
  {
    area: 'cosmos',
    name: 'serverless, keys disabled, TLS 1.2; with private networking public network access is off',
    check: (m) => {
      for (const [label, s] of both(m)) {
        const p = props(one(s, 'Microsoft.DocumentDB/databaseAccounts'));
        assert.deepEqual(p.capabilities, [{ name: 'EnableServerless' }], label);
        assert.equal(p.disableLocalAuth, true, label);
        assert.equal(p.disableKeyBasedMetadataWriteAccess, true, label);
        assert.equal(p.minimalTlsVersion, 'Tls12', label);
      }
      assert.equal(props(one(m.prod, 'Microsoft.DocumentDB/databaseAccounts')).publicNetworkAccess, 'Disabled');
      assert.equal(props(one(m.publicRedeploy, 'Microsoft.DocumentDB/databaseAccounts')).publicNetworkAccess, 'Enabled');
    },
  },
  {
    area: 'cosmos',
    name: 'the database and every container of containers.json, with its partition key (Hash, v2), TTL and index exclusions exactly as declared, and nothing else',
    check: (m) => {
      const n = names(m.prod);
      const db = m.json.containers.database;
      assert.deepEqual(
        all(m.prod, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases').map((d) => [d.name, props(d).resource]),
        [[`${n.cosmos}/${db}`, { id: db }]],
      );
      const deployed = all(m.prod, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
      assert.deepEqual(
        deployed.map((c) => c.name),
        m.json.containers.containers.map((c) => `${n.cosmos}/${db}/${c.name}`),
      );
      for (const c of m.json.containers.containers) {
        const resource = props(deployed.find((d) => d.name.endsWith(`/${c.name}`))!).resource;
        const expected: Record<string, unknown> = { id: c.name, partitionKey: { paths: [c.partitionKeyPath], kind: 'Hash', version: 2 } };
        if (c.defaultTtl !== undefined) expected.defaultTtl = c.defaultTtl;
        if (c.excludedPaths !== undefined)
          expected.indexingPolicy = {
            indexingMode: 'consistent',
            automatic: true,
            includedPaths: [{ path: '/*' }],
            excludedPaths: [...c.excludedPaths.map((path) => ({ path })), { path: '/"_etag"/?' }],
          };
        assert.deepEqual(resource, expected, c.name);
      }
    },
  },
  {
    area: 'cosmos',
    name: 'the app identity gets the built-in Data Contributor data-plane role on its database only (not the account)',
    check: (m) => {
      const n = names(m.prod);
      const account = idOf('Microsoft.DocumentDB/databaseAccounts', n.cosmos);
      const assignmentsFound = all(m.prod, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
      assert.equal(assignmentsFound.length, 1);
      const p = props(assignmentsFound[0]!);
      assert.equal(p.roleDefinitionId, `${account}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002`);
      assert.equal(p.scope, `${account}/dbs/${m.json.containers.database}`);
      assert.match(String(p.principalId), uamiPrincipal(n));
    },
  },

  // -- Service Bus
  {
    area: 'servicebus',
    name: 'SAS (local) auth off, TLS 1.2, Standard by default with its public endpoint (no private endpoints on Standard)',
    check: (m) => {
      for (const [label, s] of both(m)) {
        const bus = one(s, 'Microsoft.ServiceBus/namespaces');
        assert.equal(props(bus).disableLocalAuth, true, label);
        assert.equal(props(bus).minimumTlsVersion, '1.2', label);
        assert.equal((bus.sku as { name?: string }).name, 'Standard', label);
        assert.equal(props(bus).publicNetworkAccess, 'Enabled', label);
      }
    },
  },
  {
    area: 'servicebus',
    name: 'Premium with private networking: a private endpoint in privatelink.servicebus.windows.net and public network access off',
    check: (m) => {
      const n = names(m.newSeed);
      const bus = one(m.newSeed, 'Microsoft.ServiceBus/namespaces');
      assert.deepEqual(bus.sku, { name: 'Premium', tier: 'Premium', capacity: 1 });
      assert.equal(props(bus).publicNetworkAccess, 'Disabled');
      const pe = all(m.newSeed, 'Microsoft.Network/privateEndpoints').find(
        (e) => props(e).privateLinkServiceConnections?.[0]?.properties?.privateLinkServiceId === idOf('Microsoft.ServiceBus/namespaces', n.bus),
      );
      assert.ok(pe, 'a private endpoint for the namespace');
      assert.deepEqual(props(pe).privateLinkServiceConnections[0].properties.groupIds, ['namespace']);
      assert.ok(all(m.newSeed, 'Microsoft.Network/privateDnsZones').some((z) => z.name === 'privatelink.servicebus.windows.net'));
    },
  },
  {
    area: 'servicebus',
    name: 'every queue of queues.json with its delivery count, lock, duplicate detection, TTL and dead-lettering, and nothing else',
    check: (m) => {
      const n = names(m.prod);
      const deployed = all(m.prod, 'Microsoft.ServiceBus/namespaces/queues');
      assert.deepEqual(
        deployed.map((q) => q.name),
        m.json.queues.queues.map((q) => `${n.bus}/${q.name}`),
      );
      for (const q of m.json.queues.queues) {
        const { name, ...expected } = q;
        assert.deepEqual(props(deployed.find((d) => d.name === `${n.bus}/${name}`)!), expected, String(name));
        assert.ok(durationSeconds(String(q.lockDuration)) <= 300, `${String(name)}: Service Bus locks last at most 5 minutes`);
      }
    },
  },
  {
    area: 'servicebus',
    name: 'host.json renews message locks for at least the function timeout (a long handler does not lose its lock and run twice)',
    check: (m) => {
      const renewal = m.hostJson.extensions?.serviceBus?.maxAutoLockRenewalDuration;
      const timeout = m.hostJson.functionTimeout;
      assert.ok(renewal && timeout, 'host.json sets functionTimeout and serviceBus.maxAutoLockRenewalDuration');
      assert.ok(durationSeconds(renewal) >= durationSeconds(timeout), `maxAutoLockRenewalDuration ${renewal} < functionTimeout ${timeout}`);
    },
  },

  // -- Key Vault
  {
    area: 'keyvault',
    name: 'RBAC mode, soft delete with purge protection; with private networking public network access is off and the firewall denies',
    check: (m) => {
      for (const [label, s] of both(m)) {
        const p = props(one(s, 'Microsoft.KeyVault/vaults'));
        assert.equal(p.enableRbacAuthorization, true, label);
        assert.equal(p.enableSoftDelete, true, label);
        assert.equal(p.enablePurgeProtection, true, label);
      }
      const p = props(one(m.prod, 'Microsoft.KeyVault/vaults'));
      assert.equal(p.publicNetworkAccess, 'Disabled');
      assert.equal(p.networkAcls?.defaultAction, 'Deny');
      assert.equal(props(one(m.publicRedeploy, 'Microsoft.KeyVault/vaults')).publicNetworkAccess, 'Enabled');
    },
  },
  {
    area: 'keyvault',
    name: 'the first deployment into a vault creates the session signing key, the unsubscribe link key, the erasure evidence key and the telemetry pseudonym key (random, "k1:"/"u1:"/"e1:<base64url>"/plain base64url, each its own material), a redeployment leaves them alone, no other secret is created',
    check: (m) => {
      const n = names(m.prod);
      const secretNameOf = (setting: string) => {
        const secret = m.json.settings.secrets.find((s) => s.name === setting);
        assert.ok(secret, `settings.json declares ${setting}`);
        return `${n.vault}/${secret.keyVaultSecretName}`;
      };
      const created = all(m.prod, 'Microsoft.KeyVault/vaults/secrets');
      assert.deepEqual(
        created.map((s) => s.name).sort(),
        [
          secretNameOf('SESSION_SIGNING_KEYS'),
          secretNameOf('UNSUBSCRIBE_SIGNING_KEYS'),
          secretNameOf('ERASURE_EVIDENCE_KEYS'),
          secretNameOf('TELEMETRY_PSEUDONYM_KEY'),
        ].sort(),
      );
      const valueOf = (setting: string) => String(props(created.find((s) => s.name === secretNameOf(setting))!).value);
      // Evaluated at deployment time: k1: + base64url of three newGuid() (the material the app needs: >= 32 bytes).
      const generated = (kid: string) =>
        `[format('${kid}:{0}', replace(replace(replace(base64(format('{0}{1}{2}', newGuid(), newGuid(), newGuid())), '+', '-'), '/', '_'), '=', ''))]`;
      assert.equal(valueOf('SESSION_SIGNING_KEYS'), generated('k1'));
      assert.equal(valueOf('UNSUBSCRIBE_SIGNING_KEYS'), generated('u1'));
      assert.equal(valueOf('ERASURE_EVIDENCE_KEYS'), generated('e1'));
      // No key id: TELEMETRY_PSEUDONYM_KEY is plain base64url (shared/platform/config.ts).
      assert.equal(
        valueOf('TELEMETRY_PSEUDONYM_KEY'),
        `[replace(replace(replace(base64(format('{0}{1}{2}', newGuid(), newGuid(), newGuid())), '+', '-'), '/', '_'), '=', '')]`,
      );
      assert.deepEqual(all(m.publicRedeploy, 'Microsoft.KeyVault/vaults/secrets'), [], 'redeploying into the same vault rotates nothing');
      assert.deepEqual(
        all(m.upgrade, 'Microsoft.KeyVault/vaults/secrets')
          .map((s) => s.name)
          .sort(),
        [secretNameOf('UNSUBSCRIBE_SIGNING_KEYS'), secretNameOf('TELEMETRY_PSEUDONYM_KEY'), secretNameOf('ERASURE_EVIDENCE_KEYS')].sort(),
        'a vault from before the unsubscribe, telemetry and erasure keys gets them once and keeps its session key',
      );
      for (const material of ['sessionKeyMaterial', 'unsubscribeKeyMaterial', 'telemetryKeyMaterial', 'erasureKeyMaterial'])
        assert.equal(m.template.parameters[material]?.type, 'securestring', `${material} is a secure parameter`);
    },
  },
  {
    area: 'keyvault',
    name: 'a new KEY_VAULT_NAME_SEED gives a new vault (a deleted one keeps its name 90 days), which gets its own session signing key; nothing else is renamed',
    check: (m) => {
      const before = names(m.prod);
      const after = names(m.newSeed);
      assert.notEqual(after.vault, before.vault);
      assert.deepEqual({ ...after, vault: before.vault }, before);
      assert.equal(
        all(m.newSeed, 'Microsoft.KeyVault/vaults/secrets').length,
        4,
        'the new vault gets a session signing key, an unsubscribe link key, an erasure evidence key and a telemetry pseudonym key',
      );
      assert.ok(after.vault.length <= 24 && /^[a-z][a-z0-9]+$/.test(after.vault), `vault name ${after.vault} is valid`);
    },
  },

  // -- role assignments
  {
    area: 'rbac',
    name: "the app identity has Blob Data Owner on each host container, Blob Data Contributor on users' files, on the account only Blob Delegator (PRIV-2 export links), and no storage queue or table role",
    check: (m) => {
      const n = names(m.prod);
      const storageAssignments = assignments(m.prod).filter((a) => a.scope.includes('/Microsoft.Storage/'));
      const container = (c: string) => idOf('Microsoft.Storage/storageAccounts/blobServices/containers', n.storage, 'default', c);
      assert.deepEqual(
        storageAssignments.map((a) => [a.scope, a.role]).sort(),
        [
          ...['app-package', 'azure-webjobs-hosts', 'azure-webjobs-secrets'].map((c) => [container(c), roleDefinition(roles.storageBlobDataOwner)]),
          [container('user-files'), roleDefinition(roles.storageBlobDataContributor)],
          [idOf('Microsoft.Storage/storageAccounts', n.storage), roleDefinition(roles.storageBlobDelegator)],
        ].sort(),
      );
      for (const a of storageAssignments) {
        assert.match(a.principal, uamiPrincipal(n));
        assert.equal(a.principalType, 'ServicePrincipal');
      }
    },
  },
  {
    area: 'rbac',
    name: 'the app identity has Service Bus Data Owner on each queue (send, receive, and the message count the scale controller reads), nothing on the namespace',
    check: (m) => {
      const n = names(m.prod);
      const busAssignments = assignments(m.prod).filter((a) => a.scope.includes('/Microsoft.ServiceBus/'));
      assert.deepEqual(
        busAssignments.map((a) => [a.scope, a.role]),
        m.json.queues.queues.map((q) => [idOf('Microsoft.ServiceBus/namespaces/queues', n.bus, q.name), roleDefinition(roles.serviceBusDataOwner)]),
      );
      for (const a of busAssignments) assert.match(a.principal, uamiPrincipal(n));
    },
  },
  {
    area: 'rbac',
    name: 'Key Vault Secrets User on the vault and Monitoring Metrics Publisher on Application Insights for the app; nothing at resource group scope',
    check: (m) => {
      const n = names(m.prod);
      const app = assignments(m.prod).filter((a) => uamiPrincipal(n).test(a.principal));
      const vault = idOf('Microsoft.KeyVault/vaults', n.vault);
      assert.deepEqual(
        app.filter((a) => a.scope === vault).map((a) => a.role),
        [roleDefinition(roles.keyVaultSecretsUser)],
      );
      assert.deepEqual(
        app.filter((a) => a.scope.includes('/Microsoft.Insights/')).map((a) => [a.scope, a.role]),
        [[idOf('Microsoft.Insights/components', n.insights), roleDefinition(roles.monitoringMetricsPublisher)]],
      );
      for (const [label, s] of both(m))
        for (const a of assignments(s)) assert.notEqual(a.scope, rg, `${label}: a role assignment on the whole resource group`);
    },
  },
  {
    area: 'rbac',
    name: 'the deploying principal (AZURE_PRINCIPAL_ID under azd) gets Key Vault Secrets Officer on the vault; nobody does when no id is known',
    check: (m) => {
      const n = names(m.prod);
      const officer = assignments(m.prod).filter((a) => a.role === roleDefinition(roles.keyVaultSecretsOfficer));
      assert.deepEqual(
        officer.map((a) => [a.scope, a.principal, a.principalType]),
        [[idOf('Microsoft.KeyVault/vaults', n.vault), OPERATOR_ID, 'User']],
      );
      assert.deepEqual(
        assignments(m.publicRedeploy).filter((a) => a.role === roleDefinition(roles.keyVaultSecretsOfficer)),
        [],
      );
    },
  },

  // -- function app
  {
    area: 'functionapp',
    name: 'Flex Consumption (FC1, Linux), Node 22, scale limits, the user-assigned identity only, azd tag',
    check: (m) => {
      for (const [label, s] of both(m)) {
        const n = names(s);
        const plan = one(s, 'Microsoft.Web/serverfarms');
        assert.deepEqual(plan.sku, { name: 'FC1', tier: 'FlexConsumption' }, label);
        assert.equal(props(plan).reserved, true, label);
        const site = one(s, 'Microsoft.Web/sites');
        assert.equal(site.kind, 'functionapp,linux', label);
        assert.equal(props(site).serverFarmId, idOf('Microsoft.Web/serverfarms', plan.name), label);
        assert.deepEqual(props(site).functionAppConfig.runtime, { name: 'node', version: '22' }, label);
        assert.deepEqual(props(site).functionAppConfig.scaleAndConcurrency, { maximumInstanceCount: 100, instanceMemoryMB: 2048 }, label);
        const uami = idOf('Microsoft.ManagedIdentity/userAssignedIdentities', n.identity);
        assert.deepEqual(site.identity, { type: 'UserAssigned', userAssignedIdentities: { [uami]: {} } }, label);
        assert.equal(site.tags?.['azd-service-name'], 'api', label);
      }
    },
  },
  {
    area: 'functionapp',
    name: 'HTTPS only, TLS 1.2 for the app and scm, basic (FTP and scm) publishing credentials off',
    check: (m) => {
      for (const [label, s] of both(m)) {
        const site = one(s, 'Microsoft.Web/sites');
        assert.equal(props(site).httpsOnly, true, label);
        assert.equal(props(site).siteConfig.minTlsVersion, '1.2', label);
        assert.equal(props(site).siteConfig.scmMinTlsVersion, '1.2', label);
        const policies = all(s, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
        assert.deepEqual(
          policies.map((p) => [p.name, props(p).allow]).sort(),
          [
            [`${site.name}/ftp`, false],
            [`${site.name}/scm`, false],
          ],
          label,
        );
      }
    },
  },
  {
    area: 'functionapp',
    name: 'the deployment package is read from the app-package container with the user-assigned identity',
    check: (m) => {
      const n = names(m.prod);
      const storage = props(one(m.prod, 'Microsoft.Web/sites')).functionAppConfig.deployment.storage;
      assert.equal(storage.type, 'blobContainer');
      assert.match(
        String(storage.value),
        new RegExp(
          `^\\[format\\('\\{0\\}\\{1\\}', reference\\('${escape(idOf('Microsoft.Storage/storageAccounts', n.storage))}', '[^']+'\\)\\.primaryEndpoints\\.blob, 'app-package'\\)\\]$`,
        ),
      );
      assert.deepEqual(storage.authentication, {
        type: 'UserAssignedIdentity',
        userAssignedIdentityResourceId: idOf('Microsoft.ManagedIdentity/userAssignedIdentities', n.identity),
      });
    },
  },
  {
    area: 'functionapp',
    name: 'Key Vault references resolve with the user-assigned identity (a site property; siteConfig would silently ignore it)',
    check: (m) => {
      const n = names(m.prod);
      const p = props(one(m.prod, 'Microsoft.Web/sites'));
      assert.equal(p.keyVaultReferenceIdentity, idOf('Microsoft.ManagedIdentity/userAssignedIdentities', n.identity));
      assert.equal(p.siteConfig.keyVaultReferenceIdentity, undefined);
    },
  },
  {
    area: 'functionapp',
    name: 'siteConfig and app settings hold nothing Flex Consumption rejects, and no setting name has a ":"',
    check: (m) => {
      for (const [label, s] of both(m)) {
        const siteConfig = props(one(s, 'Microsoft.Web/sites')).siteConfig as Record<string, unknown>;
        for (const key of flexRejectedSiteConfig) assert.equal(siteConfig[key], undefined, `${label}: siteConfig.${key}`);
        const settings = appSettings(s);
        for (const key of flexRejectedSettings) assert.equal(settings[key], undefined, `${label}: ${key}`);
        for (const key of Object.keys(settings)) assert.ok(!key.includes(':'), `${label}: setting ${key}`);
      }
    },
  },
  {
    area: 'settings',
    name: 'app settings: every parameter of settings.json with its value from main.bicepparam, every infrastructure setting, and a Key Vault reference for each secret that exists (required ones, the optional ones the deployment creates, and the optional ones listed in KEY_VAULT_SECRETS); nothing else',
    check: (m) => {
      const { parameters, secrets, infrastructure } = m.json.settings;
      const identityBased = [
        'AzureWebJobsStorage__accountName',
        'AzureWebJobsStorage__credential',
        'AzureWebJobsStorage__clientId',
        'ServiceBusConnection__credential',
        'ServiceBusConnection__clientId',
        'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
      ];
      const cases: [string, Snapshot, typeof secrets][] = [
        ['first azd up (no optional secret stored)', m.prod, secrets.filter((s) => s.required || CREATED_OPTIONAL_SECRETS.includes(s.name))],
        ['every optional secret stored', m.publicRedeploy, secrets],
      ];
      for (const [label, s, referenced] of cases) {
        const n = names(s);
        const settings = appSettings(s);
        for (const name of parameters) assert.equal(typeof settings[name], 'string', `${label}: ${name} (a parameter) is set`);
        for (const x of referenced)
          assert.equal(settings[x.name], `@Microsoft.KeyVault(VaultName=${n.vault};SecretName=${x.keyVaultSecretName})`, `${label}: ${x.name}`);
        for (const name of infrastructure)
          assert.ok(settings[name] !== undefined && settings[name] !== '', `${label}: ${name} (infrastructure) is set`);
        assert.deepEqual(
          Object.keys(settings).sort(),
          [...new Set([...parameters, ...referenced.map((x) => x.name), ...infrastructure, ...identityBased])].sort(),
          label,
        );
      }
    },
  },
  {
    area: 'settings',
    name: 'no unresolvable Key Vault reference after the first deployment: every referenced secret is one the deployment creates (the app refuses unresolved references at start)',
    check: (m) => {
      const n = names(m.prod);
      const created = new Set(all(m.prod, 'Microsoft.KeyVault/vaults/secrets').map((s) => s.name.slice(n.vault.length + 1)));
      const references = Object.entries(appSettings(m.prod)).filter(([, v]) => v.startsWith('@Microsoft.KeyVault('));
      assert.ok(references.length > 0);
      for (const [name, value] of references) {
        const secret = /SecretName=([^;)]+)/.exec(value)?.[1] ?? '';
        assert.ok(created.has(secret), `${name} refers to ${secret}, which the first deployment does not create`);
      }
      for (const required of m.json.settings.secrets.filter((s) => s.required))
        assert.ok(created.has(required.keyVaultSecretName), `required secret ${required.name} is created`);
    },
  },
  {
    area: 'settings',
    name: 'identity-based connections: host storage, Service Bus, Cosmos DB and App Insights name the user-assigned identity; no key or connection secret anywhere',
    check: (m) => {
      for (const [label, s] of both(m)) {
        const n = names(s);
        const settings = appSettings(s);
        assert.equal(settings.AzureWebJobsStorage__accountName, n.storage, label);
        assert.equal(settings.AzureWebJobsStorage__credential, 'managedidentity', label);
        assert.match(settings.AzureWebJobsStorage__clientId ?? '', uamiClientId(n), label);
        assert.equal(settings.ServiceBusConnection__fullyQualifiedNamespace, `${n.bus}.servicebus.windows.net`, label);
        assert.equal(settings.ServiceBusConnection__credential, 'managedidentity', label);
        assert.match(settings.ServiceBusConnection__clientId ?? '', uamiClientId(n), label);
        assert.match(settings.AZURE_CLIENT_ID ?? '', uamiClientId(n), label);
        assert.match(
          settings.COSMOS_ENDPOINT ?? '',
          new RegExp(`^\\[reference\\('${escape(idOf('Microsoft.DocumentDB/databaseAccounts', n.cosmos))}'`),
          label,
        );
        assert.equal(settings.COSMOS_DATABASE, m.json.containers.database, label);
        assert.equal(settings.APP_ENV, 'azure', label);
        assert.match(
          settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '',
          /^\[format\('ClientId=\{0\};Authorization=AAD', reference\(.*\)\.clientId\)\]$/,
          label,
        );
        for (const [key, value] of Object.entries(settings)) {
          assert.doesNotMatch(
            `${key}=${value}`,
            /AccountKey=|SharedAccessKey|listKeys|listConnectionStrings|InstrumentationKey=/i,
            `${label}: ${key}`,
          );
        }
      }
    },
  },

  // -- network
  {
    area: 'network',
    name: 'private networking: the app joins a delegated subnet with a NAT gateway; Key Vault, Cosmos DB and blob get private endpoints registered in linked private DNS zones',
    check: (m) => {
      const n = names(m.prod);
      const vnet = one(m.prod, 'Microsoft.Network/virtualNetworks');
      const subnets = props(vnet).subnets as { name: string; properties: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      const app = subnets.find((s) => s.name === 'app');
      assert.ok(app, 'an app subnet');
      assert.deepEqual(
        app.properties.delegations.map((d: { properties: { serviceName: string } }) => d.properties.serviceName),
        ['Microsoft.App/environments'],
      );
      assert.equal(app.properties.natGateway?.id, idOf('Microsoft.Network/natGateways', one(m.prod, 'Microsoft.Network/natGateways').name));
      assert.equal(
        props(one(m.prod, 'Microsoft.Web/sites')).virtualNetworkSubnetId,
        `${idOf('Microsoft.Network/virtualNetworks', vnet.name)}/subnets/app`,
      );
      const expected: [string, string, string][] = [
        [idOf('Microsoft.KeyVault/vaults', n.vault), 'vault', 'privatelink.vaultcore.azure.net'],
        [idOf('Microsoft.DocumentDB/databaseAccounts', n.cosmos), 'Sql', 'privatelink.documents.azure.com'],
        [idOf('Microsoft.Storage/storageAccounts', n.storage), 'blob', 'privatelink.blob.core.windows.net'],
      ];
      const endpoints = all(m.prod, 'Microsoft.Network/privateEndpoints');
      const groups = all(m.prod, 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups');
      const zones = all(m.prod, 'Microsoft.Network/privateDnsZones').map((z) => z.name);
      const links = all(m.prod, 'Microsoft.Network/privateDnsZones/virtualNetworkLinks');
      assert.equal(endpoints.length, expected.length);
      for (const [target, groupId, zone] of expected) {
        const pe = endpoints.find((e) => props(e).privateLinkServiceConnections?.[0]?.properties?.privateLinkServiceId === target);
        assert.ok(pe, `a private endpoint for ${target}`);
        assert.deepEqual(props(pe).privateLinkServiceConnections[0].properties.groupIds, [groupId]);
        assert.equal(props(pe).subnet.id, `${idOf('Microsoft.Network/virtualNetworks', vnet.name)}/subnets/private-endpoints`);
        assert.ok(zones.includes(zone), `zone ${zone}`);
        const group = groups.find((g) => g.name === `${pe.name}/default`);
        assert.ok(group, `${pe.name} registers its A record`);
        assert.equal(
          resolveEnvironment(String(props(group).privateDnsZoneConfigs[0].properties.privateDnsZoneId)),
          `${rg}/providers/Microsoft.Network/privateDnsZones/${zone}`,
        );
        const link = links.find((l) => l.name.startsWith(`${zone}/`));
        assert.equal(props(link!).virtualNetwork.id, idOf('Microsoft.Network/virtualNetworks', vnet.name), `${zone} is linked to the VNet`);
        assert.equal(props(link!).registrationEnabled, false);
      }
    },
  },
  {
    area: 'network',
    name: 'without private networking there is no VNet, endpoint or zone, and the app is not VNet-integrated',
    check: (m) => {
      for (const r of m.publicRedeploy.predictedResources)
        assert.ok(!r.type.startsWith('Microsoft.Network/'), `${r.type} without private networking`);
      assert.equal(props(one(m.publicRedeploy, 'Microsoft.Web/sites')).virtualNetworkSubnetId ?? undefined, undefined);
    },
  },

  // -- monitoring and audit
  {
    area: 'monitoring',
    name: 'RET-6: logs kept 365 days; local (key) auth off on the workspace and Application Insights',
    check: (m) => {
      const ws = props(one(m.prod, 'Microsoft.OperationalInsights/workspaces'));
      assert.equal(ws.retentionInDays, 365);
      assert.equal(ws.features?.disableLocalAuth, true);
      const ai = props(one(m.prod, 'Microsoft.Insights/components'));
      assert.equal(ai.RetentionInDays, 365);
      assert.equal(ai.DisableLocalAuth, true);
      assert.equal(ai.WorkspaceResourceId, idOf('Microsoft.OperationalInsights/workspaces', names(m.prod).workspace));
    },
  },
  {
    area: 'monitoring',
    name: 'diagnostic settings send Key Vault AuditEvent, Cosmos DB and Service Bus logs and the FunctionAppLogs to the workspace',
    check: (m) => {
      const n = names(m.prod);
      const workspace = idOf('Microsoft.OperationalInsights/workspaces', n.workspace);
      const settings = new Map(
        all(m.prod, 'Microsoft.Insights/diagnosticSettings').map((d) => [scopeOf(d, 'Microsoft.Insights/diagnosticSettings'), props(d)]),
      );
      const expected: [string, Record<string, unknown>][] = [
        [idOf('Microsoft.KeyVault/vaults', n.vault), { category: 'AuditEvent', enabled: true }],
        [idOf('Microsoft.DocumentDB/databaseAccounts', n.cosmos), { categoryGroup: 'allLogs', enabled: true }],
        [idOf('Microsoft.ServiceBus/namespaces', n.bus), { categoryGroup: 'allLogs', enabled: true }],
        [idOf('Microsoft.Web/sites', n.site), { category: 'FunctionAppLogs', enabled: true }],
      ];
      assert.deepEqual([...settings.keys()].sort(), expected.map(([scope]) => scope).sort());
      for (const [scope, log] of expected) {
        assert.equal(settings.get(scope)?.workspaceId, workspace, scope);
        assert.deepEqual(settings.get(scope)?.logs, [log], scope);
      }
    },
  },

  // -- outputs and parameters
  {
    area: 'outputs',
    name: 'outputs are names and endpoints only: none carries a key, secret, connection string or the session key material',
    check: (m) => {
      for (const [label, s] of both(m)) {
        for (const [name, value] of Object.entries(s.outputs)) {
          const text = `${name}=${JSON.stringify(value)}`;
          assert.doesNotMatch(
            text.replace(/KEY_?VAULT|VAULT/gi, ''),
            /secret|password|connectionstring|instrumentation|listKeys|newGuid|sessionKeyMaterial|unsubscribeKeyMaterial|erasureKeyMaterial/i,
            `${label}: output ${name}`,
          );
        }
        assert.equal(s.outputs.SESSION_KEYS_VAULT, names(s).vault, `${label}: SESSION_KEYS_VAULT names the vault holding the key`);
        assert.equal(s.outputs.UNSUBSCRIBE_KEYS_VAULT, names(s).vault, `${label}: UNSUBSCRIBE_KEYS_VAULT names the vault holding the key`);
        assert.equal(s.outputs.ERASURE_KEYS_VAULT, names(s).vault, `${label}: ERASURE_KEYS_VAULT names the vault holding the key`);
      }
      for (const [name, output] of Object.entries(m.template.outputs ?? {})) assert.notEqual(output.type, 'securestring', name);
    },
  },
];
