// Flex Consumption plan (FC1, Linux) and the function app. All connections are identity-based through the
// user-assigned identity; secrets are Key Vault references resolved with that identity.
//
// Flex rejects some settings outright, so this file does NOT set FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE, WEBSITE_CONTENT*, WEBSITE_NODE_DEFAULT_VERSION,
// SCM_DO_BUILD_DURING_DEPLOYMENT, ENABLE_ORYX_BUILD, nor siteConfig linuxFxVersion / ftpsState /
// use32BitWorkerProcess / functionAppScaleLimit. Runtime and scale live in functionAppConfig instead.
// Deployment (azd deploy, func publish) goes to the scm /api/publish endpoint with an Entra token, so basic
// (FTP/scm user-password) publishing credentials are switched off.

param planName string
param siteName string
param location string
param tags object

@description('Name of the app\'s user-assigned identity.')
param identityName string

param storageAccountName string
param deploymentContainerName string

param insightsName string

@description('Log Analytics workspace for the app\'s diagnostic logs (FunctionAppLogs).')
param workspaceId string
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

@description('Subnet for VNet integration (private networking); empty = none.')
param appSubnetId string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

// Read here through `existing`, so the connection string never crosses a module boundary or an output.
resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: insightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
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

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: siteName
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Site property (not siteConfig): the identity used to resolve @Microsoft.KeyVault(...) references.
    keyVaultReferenceIdentity: identity.id
    virtualNetworkSubnetId: empty(appSubnetId) ? null : appSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
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
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
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

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

// The linter's only GA version of this type (2016-09-01) is the legacy shape without categoryGroup or a
// workspace destination type; 2021-05-01-preview is the current diagnostic settings API (infra/README.md, lint).
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

// Settings whose values come from the resources in this deployment. Every name listed in
// settings.json "infrastructure" must appear here (infra/infra.test.ts checks it).
var infrastructureSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identity.properties.clientId
  COSMOS_ENDPOINT: cosmosEndpoint
  // Users' own files (LRN-4): the app's identity, no keys (shared keys are off on the account).
  BLOB_ACCOUNT_URL: storage.properties.primaryEndpoints.blob
  COSMOS_DATABASE: cosmosDatabaseName
  AZURE_CLIENT_ID: identity.properties.clientId
  APP_ENV: 'azure'
}

var keyVaultReferenceSettings = toObject(
  secretSettings,
  s => s.name,
  s => '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${s.keyVaultSecretName})'
)

var deployerSettings = toObject(parameterSettingNames, n => n, n => appParameters[n])

// Later arguments win on a name clash, so resource-derived values cannot be overridden by parameters.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: union(deployerSettings, keyVaultReferenceSettings, infrastructureSettings)
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
