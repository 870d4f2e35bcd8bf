// Storage account for the Functions host (AzureWebJobsStorage, identity-based) and the Flex Consumption
// deployment container. Shared keys are disabled: every access goes through Entra ID (the UAMI), and the
// app's role is scoped to the containers created here (rbac.bicep).

param name string
param location string
param tags object

@description('Blob containers to create: the deployment package container and the Functions host containers.')
param containerNames array

@description('false: public network access off, reached through the blob private endpoint (network.bicep).')
param publicNetworkAccess bool

resource account 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      defaultAction: publicNetworkAccess ? 'Allow' : 'Deny'
      bypass: publicNetworkAccess ? 'AzureServices' : 'None'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = [
  for c in containerNames: {
    parent: blobService
    name: c
    properties: {
      publicAccess: 'None'
    }
  }
]

output name string = account.name
output id string = account.id
