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
// Nothing in this template lists containers, queues or secrets by hand.

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

var containersConfig = loadJsonContent('containers.json')
var queuesConfig = loadJsonContent('queues.json')
var settingsConfig = loadJsonContent('settings.json')

var prefix = toLower(namePrefix)
// 13 lowercase alphanumerics, stable for a given resource group and prefix; keeps global names unique.
var token = uniqueString(resourceGroup().id, prefix)

var names = {
  identity: 'id-${prefix}-${token}'
  workspace: 'log-${prefix}-${token}'
  insights: 'appi-${prefix}-${token}'
  storage: 'st${prefix}${token}'
  cosmos: 'cosmos-${prefix}-${token}'
  serviceBus: 'sb-${prefix}-${token}'
  vault: 'kv${prefix}${token}'
  plan: 'plan-${prefix}-${token}'
  site: 'func-${prefix}-${token}'
}

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
  }
}

module cosmos './modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    name: names.cosmos
    location: location
    tags: tags
    databaseName: containersConfig.database
    containers: containersConfig.containers
    dataContributorPrincipalId: identity.outputs.principalId
  }
}

module serviceBus './modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    queues: queuesConfig.queues
  }
}

module vault './modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.vault
    location: location
    tags: tags
  }
}

module rbac './modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    vaultName: vault.outputs.name
    insightsName: monitoring.outputs.insightsName
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

module functionApp './modules/functionapp.bicep' = {
  name: 'functionapp'
  // The app reads host storage, the deployment container and Key Vault with the identity from its first
  // start, so the Azure RBAC assignments are made first. (The Cosmos data-plane assignment is in the cosmos
  // module, which this module already depends on through cosmos.outputs.)
  dependsOn: [
    rbac
  ]
  params: {
    planName: names.plan
    siteName: names.site
    location: location
    tags: tags
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    insightsName: monitoring.outputs.insightsName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    vaultName: vault.outputs.name
    secretSettings: settingsConfig.secrets
    parameterSettingNames: settingsConfig.parameters
    appParameters: appParameters
    corsAllowedOrigins: corsAllowedOrigins
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
