// Cosmos DB for NoSQL, serverless. Keys are disabled (disableLocalAuth): the app uses its managed identity
// with the built-in Data Contributor data-plane role. Containers come from infra/containers.json
// (generated from the code's data registry), passed in by main.bicep.

param name string
param location string
param tags object
param databaseName string

@description('Items of containers.json "containers": { name, partitionKeyPath, defaultTtl? }. defaultTtl absent = TTL off, -1 = on without default expiry, n > 0 = seconds.')
param containers array

@description('Principal (object) id of the managed identity that gets Cosmos DB Built-in Data Contributor on the account.')
param dataContributorPrincipalId string

var dataContributorRoleGuid = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// Serverless: no throughput options. defaultTtl is only sent when the JSON declares it.
resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for c in containers: {
    parent: database
    name: c.name
    properties: {
      resource: union(
        {
          id: c.name
          partitionKey: {
            paths: [
              c.partitionKeyPath
            ]
            kind: 'Hash'
            version: 2
          }
        },
        c.?defaultTtl == null
          ? {}
          : {
              defaultTtl: c.?defaultTtl
            }
      )
    }
  }
]

// Data-plane RBAC (not Azure RBAC): role definition id is the account-scoped id of the built-in role.
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, dataContributorPrincipalId, dataContributorRoleGuid)
  properties: {
    principalId: dataContributorPrincipalId
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleGuid}'
    scope: account.id
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
