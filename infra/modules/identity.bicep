// User-assigned managed identity: the one identity the function app uses for every Azure call
// (host storage, deployment storage, Cosmos DB, Service Bus, Key Vault references, App Insights ingestion).

param name string
param location string
param tags object

resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output name string = uami.name
output resourceId string = uami.id
output clientId string = uami.properties.clientId
output principalId string = uami.properties.principalId
