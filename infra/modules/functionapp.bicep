// Flex Consumption plan (FC1, Linux) and the function app. All connections are identity-based through the
// user-assigned identity; secrets are Key Vault references resolved with that identity.
//
// Flex rejects some settings outright, so this file does NOT set FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE, WEBSITE_CONTENT*, WEBSITE_NODE_DEFAULT_VERSION,
// SCM_DO_BUILD_DURING_DEPLOYMENT, ENABLE_ORYX_BUILD, nor siteConfig linuxFxVersion / ftpsState /
// use32BitWorkerProcess / functionAppScaleLimit. Runtime and scale live in functionAppConfig instead.

param planName string
param siteName string
param location string
param tags object

param identityResourceId string
param identityClientId string

param storageAccountName string
@description('Blob endpoint of the storage account, with trailing slash (https://<account>.blob.core.windows.net/).')
param storageBlobEndpoint string
param deploymentContainerName string

param insightsName string
param serviceBusFullyQualifiedNamespace string
param cosmosEndpoint string
param cosmosDatabaseName string
param vaultName string

@description('settings.json "secrets": [{ name, keyVaultSecretName }]. Each becomes a Key Vault reference.')
param secretSettings array

@description('settings.json "parameters": names of settings whose plain values the deployer supplies.')
param parameterSettingNames array

@description('name -> value for every name in parameterSettingNames. A missing name fails the deployment (ARM cannot read a property that does not exist).')
param appParameters object

@description('Origins allowed to call the API with credentials (the web front end).')
param corsAllowedOrigins array

// Read here through `existing`, so the connection string never crosses a module boundary or an output.
resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: insightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: siteName
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Site property (not siteConfig): the identity used to resolve @Microsoft.KeyVault(...) references.
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      minTlsVersion: '1.2'
      // The web front end calls the API from its own origin with the session cookies (credentials).
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: true
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 100
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Settings whose values come from the resources in this deployment. Every name listed in
// settings.json "infrastructure" must appear here (infra/infra.test.ts checks it).
var infrastructureSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  COSMOS_ENDPOINT: cosmosEndpoint
  COSMOS_DATABASE: cosmosDatabaseName
  AZURE_CLIENT_ID: identityClientId
  APP_ENV: 'azure'
}

var keyVaultReferenceSettings = toObject(
  secretSettings,
  s => s.name,
  s => '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${s.keyVaultSecretName})'
)

var deployerSettings = toObject(parameterSettingNames, n => n, n => appParameters[n])

// Later arguments win on a name clash, so resource-derived values cannot be overridden by parameters.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(deployerSettings, keyVaultReferenceSettings, infrastructureSettings)
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
