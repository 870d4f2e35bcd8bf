// Cosmos DB for NoSQL, serverless. Keys are disabled (disableLocalAuth): the app uses its managed identity
// with the built-in Data Contributor data-plane role, scoped to the app's database. Containers come from
// infra/containers.json (generated from the code's data registry), passed in by main.bicep.

param name string
param location string
param tags object
param databaseName string

@description('Items of containers.json "containers": { name, partitionKeyPath, defaultTtl?, excludedPaths? }. defaultTtl absent = TTL off, -1 = on without default expiry, n > 0 = seconds. excludedPaths: paths left out of the index (the rest indexed).')
param containers array

@description('Name of the app\'s user-assigned identity, which gets Cosmos DB Built-in Data Contributor on the database.')
param identityName string

@description('false: public network access off, reached through the private endpoint (network.bicep).')
param publicNetworkAccess bool

@description('Log Analytics workspace for the diagnostic logs.')
param workspaceId string

var dataContributorRoleGuid = '00000000-0000-0000-0000-000000000002'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
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
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAclBypass: 'None'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2026-03-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// Serverless: no throughput options. defaultTtl is only sent when the JSON declares it.
resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2026-03-15' = [
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
            },
        // Large fields read only by id (a work's content, chapters, search index) stay out of the index.
        c.?excludedPaths == null
          ? {}
          : {
              indexingPolicy: {
                indexingMode: 'consistent'
                automatic: true
                includedPaths: [
                  {
                    path: '/*'
                  }
                ]
                excludedPaths: concat(
                  map(c.?excludedPaths ?? [], p => {
                    path: p
                  }),
                  [
                    {
                      path: '/"_etag"/?'
                    }
                  ]
                )
              }
            }
      )
    }
  }
]

// Data-plane RBAC (not Azure RBAC). The role definition id is the account-scoped id of the built-in role; the
// scope uses the data plane's own path (dbs/<database>), not the ARM one (sqlDatabases/<database>).
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, identity.id, dataContributorRoleGuid)
  properties: {
    principalId: identity.properties.principalId
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleGuid}'
    scope: '${account.id}/dbs/${database.name}'
  }
}

// Data-plane and control-plane request logs in their own CDB* tables ('Dedicated').
// The linter's only GA version of this type (2016-09-01) is the legacy shape without categoryGroup or a
// workspace destination type; 2021-05-01-preview is the current diagnostic settings API (infra/README.md, lint).
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

output name string = account.name
output id string = account.id
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
