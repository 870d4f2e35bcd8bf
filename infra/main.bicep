// Azure infrastructure for the e-textbook platform back end (Azure Functions on Flex Consumption).
//
// Scope: resource group. Everything lives in one group that the deployer creates (az group create) or that
// azd creates/selects (AZURE_RESOURCE_GROUP). Deploying at group scope needs only Owner (or Contributor +
// User Access Administrator, for the role assignments) on that group, not on the subscription, and keeps
// `az deployment group create` the single command for manual deployments.
//
// Data that the code owns is GENERATED from the code (npm run gen) and loaded here at compile time:
//   containers.json  Cosmos database + containers
//   queues.json      Service Bus queues
//   settings.json    app settings: Key Vault secrets, resource-derived settings, deployer parameters
// Nothing in this template lists Cosmos containers, queues or settings by hand; the exceptions are the Functions
// host's own blob containers and SESSION_SIGNING_KEYS, UNSUBSCRIBE_SIGNING_KEYS and ERASURE_EVIDENCE_KEYS, the secrets the
// deployment creates.

targetScope = 'resourceGroup'

@description('Short name prefix for all resources: 2-8 lowercase letters or digits, starting with a letter (storage and vault names allow nothing else).')
@minLength(2)
@maxLength(8)
param namePrefix string

@description('Azure region for all resources.')
param location string = resourceGroup().location

@description('Plain (non-secret) app settings: an object name -> string value that must contain every name listed in settings.json "parameters". Bicep cannot validate the keys before deployment; a missing name makes the deployment fail when the app settings are built.')
param appParameters object

@description('Origins of the web front end allowed to call the API with its session cookies (CORS with credentials).')
param corsAllowedOrigins array = []

@description('Optional object id of the user, group or service principal that will set Key Vault secret values; it gets Key Vault Secrets Officer on the vault. Empty = no assignment.')
param operatorPrincipalId string = ''

@description('Principal type of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

@description('Tags applied to every resource.')
param tags object = {}

@description('Private networking: the app joins a VNet (Flex Consumption VNet integration) with a NAT gateway for its outbound calls; Key Vault, Cosmos DB and Storage (and Service Bus on Premium) get private endpoints with private DNS zones, and their public network access is turned off.')
param privateNetworking bool = false

@description('Address space of the VNet when privateNetworking is on: a /22 or larger (two /24 subnets are taken from it).')
param vnetAddressPrefix string = '10.60.0.0/22'

@description('Service Bus tier. Standard (about US$10/month) has no private endpoints; Premium (about US$700/month per messaging unit) gets one when privateNetworking is on (infra/README.md).')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Standard'

@description('Changes the Key Vault name. A deleted vault keeps its name for 90 days (soft delete, purge protection), so a redeployment into a recreated resource group needs a new seed; the azd postdown hook sets one.')
param keyVaultNameSeed string = ''

@description('Name of the vault in which an earlier deployment created the session signing key (azd passes back the SESSION_KEYS_VAULT output). When it is this deployment\'s vault, the secret is left alone; otherwise a new key is created, so the first deployment leaves a working app and later ones do not log everyone out.')
param sessionKeysVault string = ''

@description('Name of the vault in which an earlier deployment created the unsubscribe link key (azd passes back the UNSUBSCRIBE_KEYS_VAULT output). As sessionKeysVault, kept apart so that a deployment from before the setting existed creates the key once.')
param unsubscribeKeysVault string = ''

@description('Name of the vault in which an earlier deployment created the erasure evidence key (azd passes back the ERASURE_KEYS_VAULT output). As unsubscribeKeysVault.')
param erasureKeysVault string = ''
@description('Name of the vault in which an earlier deployment created the telemetry pseudonym key (azd passes back the TELEMETRY_KEYS_VAULT output), as unsubscribeKeysVault.')
param telemetryKeysVault string = ''

@description('Names of the optional secret settings (settings.json "secrets") whose values are stored in Key Vault. Only these, and the required ones the deployment creates, become Key Vault references: an unset secret gets no app setting (the feature stays off) instead of a reference that cannot be resolved, which the app would refuse at start.')
param keyVaultSecretSettings array = []

@description('Random material for the first session signing key (three GUIDs, about 366 random bits). Never set it: the default is fresh on every deployment and is only used when the secret is created.')
@secure()
param sessionKeyMaterial string = '${newGuid()}${newGuid()}${newGuid()}'

@description('Random material for the first unsubscribe link key, as sessionKeyMaterial. Never set it.')
@secure()
param unsubscribeKeyMaterial string = '${newGuid()}${newGuid()}${newGuid()}'

@description('Random material for the first erasure evidence key (PRIV-3), as sessionKeyMaterial. Never set it.')
@secure()
param erasureKeyMaterial string = '${newGuid()}${newGuid()}${newGuid()}'
@description('Random material for the telemetry pseudonym key (TELEMETRY_PSEUDONYM_KEY, LOG-2), as sessionKeyMaterial. Never set it.')
@secure()
param telemetryKeyMaterial string = '${newGuid()}${newGuid()}${newGuid()}'

var containersConfig = loadJsonContent('containers.json')
var queuesConfig = loadJsonContent('queues.json')
var settingsConfig = loadJsonContent('settings.json')

var prefix = toLower(namePrefix)
// 13 lowercase alphanumerics, stable for a given resource group and prefix; keeps global names unique.
var token = uniqueString(resourceGroup().id, prefix)

// Every name is known before the deployment starts, so modules take names (not other modules' outputs) and
// role assignment names and scopes are deterministic (what-if can predict them).
var names = {
  identity: 'id-${prefix}-${token}'
  workspace: 'log-${prefix}-${token}'
  insights: 'appi-${prefix}-${token}'
  storage: 'st${prefix}${token}'
  cosmos: 'cosmos-${prefix}-${token}'
  serviceBus: 'sb-${prefix}-${token}'
  vault: 'kv${prefix}${empty(keyVaultNameSeed) ? token : uniqueString(resourceGroup().id, prefix, keyVaultNameSeed)}'
  plan: 'plan-${prefix}-${token}'
  site: 'func-${prefix}-${token}'
  vnet: 'vnet-${prefix}-${token}'
  natGateway: 'ng-${prefix}-${token}'
  natIp: 'pip-ng-${prefix}-${token}'
}

// Blob containers the app's identity may use: the Flex deployment package, and the two the Functions host keeps
// its locks (timers, singletons) and keys in. Created here so the role assignments can be scoped to them.
var deploymentContainerName = 'app-package'
var hostContainerNames = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]
// Users' own files (LRN-4), one prefix per account (shared/platform/blob.ts USER_FILES_CONTAINER); the app gets Storage
// Blob Data Contributor on it alone (read, write, delete, list; no leases, tags or ACLs).
var userFilesContainerName = 'user-files'

// The secrets the deployment creates itself (settings.json names their Key Vault secrets): without them the app
// cannot sign sessions or unsubscribe links, nor key the pseudonymous user ids of telemetry, nor file erasure
// evidence. Every other secret belongs to a third party and is set by the operator.
var sessionSigningSecretName = first(filter(settingsConfig.secrets, s => s.name == 'SESSION_SIGNING_KEYS'))!.keyVaultSecretName
var createSessionSigningKey = sessionKeysVault != names.vault
var unsubscribeSigningSecretName = first(filter(settingsConfig.secrets, s => s.name == 'UNSUBSCRIBE_SIGNING_KEYS'))!.keyVaultSecretName
var createUnsubscribeSigningKey = unsubscribeKeysVault != names.vault
var erasureEvidenceSecretName = first(filter(settingsConfig.secrets, s => s.name == 'ERASURE_EVIDENCE_KEYS'))!.keyVaultSecretName
var createErasureEvidenceKey = erasureKeysVault != names.vault
var telemetryPseudonymSecretName = first(filter(settingsConfig.secrets, s => s.name == 'TELEMETRY_PSEUDONYM_KEY'))!.keyVaultSecretName
var createTelemetryPseudonymKey = telemetryKeysVault != names.vault
// Optional to the app (it runs without them) but created here, so referenced from the first deployment on.
var createdOptionalSecrets = ['TELEMETRY_PSEUDONYM_KEY']
var referencedSecrets = filter(
  settingsConfig.secrets,
  s => s.required || contains(createdOptionalSecrets, s.name) || contains(keyVaultSecretSettings, s.name)
)

module identity './modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring './modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    insightsName: names.insights
    location: location
    tags: tags
  }
}

module storage './modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    containerNames: concat([deploymentContainerName], hostContainerNames, [userFilesContainerName])
    exportsContainerName: userFilesContainerName
    exportsPrefix: 'exports/'
    exportsRetentionDays: 8
    publicNetworkAccess: !privateNetworking
  }
}

module cosmos './modules/cosmos.bicep' = {
  name: 'cosmos'
  dependsOn: [
    identity
  ]
  params: {
    name: names.cosmos
    location: location
    tags: tags
    databaseName: containersConfig.database
    containers: containersConfig.containers
    identityName: names.identity
    publicNetworkAccess: !privateNetworking
    workspaceId: monitoring.outputs.workspaceId
  }
}

module serviceBus './modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    sku: serviceBusSku
    queues: queuesConfig.queues
    // Standard has no private endpoints: its public endpoint stays on (local auth off, Entra RBAC only).
    publicNetworkAccess: !(privateNetworking && serviceBusSku == 'Premium')
    workspaceId: monitoring.outputs.workspaceId
  }
}

module vault './modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.vault
    location: location
    tags: tags
    publicNetworkAccess: !privateNetworking
    workspaceId: monitoring.outputs.workspaceId
    sessionSigningSecretName: sessionSigningSecretName
    createSessionSigningKey: createSessionSigningKey
    sessionKeyMaterial: sessionKeyMaterial
    unsubscribeSigningSecretName: unsubscribeSigningSecretName
    createUnsubscribeSigningKey: createUnsubscribeSigningKey
    unsubscribeKeyMaterial: unsubscribeKeyMaterial
    erasureEvidenceSecretName: erasureEvidenceSecretName
    createErasureEvidenceKey: createErasureEvidenceKey
    erasureKeyMaterial: erasureKeyMaterial
    telemetryPseudonymSecretName: telemetryPseudonymSecretName
    createTelemetryPseudonymKey: createTelemetryPseudonymKey
    telemetryKeyMaterial: telemetryKeyMaterial
  }
}

module network './modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  params: {
    vnetName: names.vnet
    natGatewayName: names.natGateway
    natPublicIpName: names.natIp
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
    privateEndpoints: concat(
      [
        { name: names.vault, id: vault.outputs.id, groupId: 'vault', zone: 'privatelink.vaultcore.azure.net' }
        { name: names.cosmos, id: cosmos.outputs.id, groupId: 'Sql', zone: 'privatelink.documents.azure.com' }
        // Host storage and the deployment package use blob only (no queue or table triggers, no Durable).
        { name: names.storage, id: storage.outputs.id, groupId: 'blob', zone: 'privatelink.blob.${environment().suffixes.storage}' }
      ],
      serviceBusSku == 'Premium'
        ? [{ name: names.serviceBus, id: serviceBus.outputs.id, groupId: 'namespace', zone: 'privatelink.servicebus.windows.net' }]
        : []
    )
  }
}

module rbac './modules/rbac.bicep' = {
  name: 'rbac'
  dependsOn: [
    identity
    storage
    serviceBus
    vault
    monitoring
  ]
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    blobContainerNames: concat([deploymentContainerName], hostContainerNames)
    userFilesContainerName: userFilesContainerName
    serviceBusNamespaceName: names.serviceBus
    queueNames: map(queuesConfig.queues, q => q.name)
    vaultName: names.vault
    insightsName: names.insights
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

module functionApp './modules/functionapp.bicep' = {
  name: 'functionapp'
  // The app reads host storage, the deployment container and Key Vault with the identity from its first start,
  // so the role assignments come first; with private networking, so do the private endpoints and DNS records.
  dependsOn: [
    identity
    storage
    rbac
    network
  ]
  params: {
    planName: names.plan
    siteName: names.site
    location: location
    tags: tags
    identityName: names.identity
    storageAccountName: names.storage
    deploymentContainerName: deploymentContainerName
    insightsName: names.insights
    workspaceId: monitoring.outputs.workspaceId
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    vaultName: vault.outputs.name
    secretSettings: referencedSecrets
    parameterSettingNames: settingsConfig.parameters
    appParameters: appParameters
    corsAllowedOrigins: corsAllowedOrigins
    appSubnetId: privateNetworking ? resourceId('Microsoft.Network/virtualNetworks/subnets', names.vnet, 'app') : ''
  }
}

// Names and endpoints only: no keys, no connection strings (azd stores outputs in its .env file).
output AZURE_LOCATION string = location
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output UAMI_CLIENT_ID string = identity.outputs.clientId
output UAMI_NAME string = identity.outputs.name
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output COSMOS_ACCOUNT_NAME string = cosmos.outputs.name
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.name
output SERVICE_BUS_FQDN string = serviceBus.outputs.fullyQualifiedNamespace
output VAULT_NAME string = vault.outputs.name
output VAULT_URI string = vault.outputs.uri
output APPLICATION_INSIGHTS_NAME string = monitoring.outputs.insightsName
output LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.workspaceName
// The vault that holds the session signing key (the name only). azd writes outputs to its .env and hands them to
// the next `bicep build-params`, which passes it back as sessionKeysVault: the key is created once per vault.
output SESSION_KEYS_VAULT string = vault.outputs.name
// Likewise for the unsubscribe link key (PRIV-6).
output UNSUBSCRIBE_KEYS_VAULT string = vault.outputs.name
// And for the erasure evidence key (PRIV-3).
output ERASURE_KEYS_VAULT string = vault.outputs.name
// Likewise for the telemetry pseudonym key (LOG-2).
output TELEMETRY_KEYS_VAULT string = vault.outputs.name
