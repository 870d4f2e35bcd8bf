// Azure RBAC role assignments for the app's user-assigned identity (and, optionally, an operator who sets Key Vault
// secret values), each scoped as narrowly as the resource allows. Every name and scope is derived from resource
// names known when the deployment starts (not from runtime outputs), so what-if can predict them.
// Cosmos DB data-plane access is not Azure RBAC; it is assigned in cosmos.bicep.

@description('Name of the app\'s user-assigned identity.')
param identityName string
param storageAccountName string

@description('Blob containers the app uses: the Flex deployment package and the Functions host containers.')
param blobContainerNames array

@description('Blob container of users\' own files (LRN-4): the app reads, writes, lists and deletes blobs there, nothing more.')
param userFilesContainerName string
param serviceBusNamespaceName string

@description('Queues the app both sends to and is triggered by (every queue in queues.json).')
param queueNames array
param vaultName string
param insightsName string

@description('Optional object id of a user, group or service principal that sets Key Vault secret values. Empty = none.')
param operatorPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

// Built-in role definition GUIDs (see /work/shared/research/azure-infra.md section 3).
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453e-a403-e96b0029c9fe'
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' existing = [
  for c in blobContainerNames: {
    parent: storage::blobService
    name: c
  }
]

resource userFiles 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' existing = {
  parent: storage::blobService
  name: userFilesContainerName
}

resource bus 'Microsoft.ServiceBus/namespaces@2026-01-01' existing = {
  name: serviceBusNamespaceName
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' existing = [
  for q in queueNames: {
    parent: bus
    name: q
  }
]

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: vaultName
}

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: insightsName
}

// Blob Data Owner (the host takes blob leases for timers and singletons) on each container, not the account. No
// queue or table role: the app has no storage queue or table triggers, bindings or Durable functions.
resource containerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (c, i) in blobContainerNames: {
    name: guid(containers[i].id, identity.id, roleIds.storageBlobDataOwner)
    scope: containers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Users' own files: Data Contributor, not Owner (no leases, ACLs or index tags are needed: per-account prefixes find a
// person's blobs for export and erasure), on that container only.
resource userFilesAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(userFiles.id, identity.id, roleIds.storageBlobDataContributor)
  scope: userFiles
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Export download links (PRIV-2) are user-delegation SAS: getting the delegation key is an account-scope action
// (research/blob-storage-and-exports.md section 4). Delegator carries that action only and no data access; what a link
// may read is still bounded by Data Contributor on user-files above.
resource blobDelegator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roleIds.storageBlobDelegator)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDelegator)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Per queue. The app sends to and is triggered by every queue, so sender and receiver do not differ; Data Owner
// rather than Sender + Receiver because the scale controller of Flex Consumption reads each queue's message count
// with the app's identity, which needs the Manage right that only Data Owner carries. Nothing at namespace scope.
resource queueAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (q, i) in queueNames: {
    name: guid(queues[i].id, identity.id, roleIds.serviceBusDataOwner)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataOwner)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Vault scope: Key Vault references need every secret of settings.json, and a role can only be scoped to a secret
// that already exists (most are set by the operator after the deployment).
resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roleIds.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, roleIds.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsOfficer)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}
