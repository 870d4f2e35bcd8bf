// User-assigned managed identity: the one identity the function app uses for every Azure call
// (host storage, deployment storage, Cosmos DB, Service Bus, Key Vault references, App Insights ingestion).

param name string
param location string
param tags object

resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output name string = uami.name
output clientId string = uami.properties.clientId
