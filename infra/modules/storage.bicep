// Storage account for the Functions host (AzureWebJobsStorage, identity-based) and the Flex Consumption
// deployment container. Shared keys are disabled: every access goes through Entra ID (the UAMI), and the
// app's role is scoped to the containers created here (rbac.bicep).

param name string
param location string
param tags object

@description('Blob containers to create: the deployment package container and the Functions host containers.')
param containerNames array

@description('Container and blob-name prefix of data exports (PRIV-2, shared/privacy/export-job.ts), deleted by a lifecycle rule.')
param exportsContainerName string
param exportsPrefix string

@description('Days after which an export blob is deleted: one more than the 7 an export is downloadable, so no link still offered finds it gone (the rule runs about daily).')
param exportsRetentionDays int

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

// The app only hides an export after its 7 days (status 'expired'); deleting the zip is left to this rule.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2026-09-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-expired-exports'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${exportsContainerName}/${exportsPrefix}'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: exportsRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    containers
  ]
}

output name string = account.name
output id string = account.id
