// Service Bus namespace (Standard) with SAS (local) auth disabled. Queues come from infra/queues.json
// (generated from the code), passed in by main.bicep. Note: requiresDuplicateDetection can only be set
// when a queue is created; changing it later in queues.json needs the queue to be recreated.

param name string
param location string
param tags object

@description('Items of queues.json "queues".')
param queues array

resource bus 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [
  for q in queues: {
    parent: bus
    name: q.name
    properties: {
      maxDeliveryCount: q.maxDeliveryCount
      lockDuration: q.lockDuration
      requiresDuplicateDetection: q.requiresDuplicateDetection
      duplicateDetectionHistoryTimeWindow: q.duplicateDetectionHistoryTimeWindow
      defaultMessageTimeToLive: q.defaultMessageTimeToLive
      deadLetteringOnMessageExpiration: q.deadLetteringOnMessageExpiration
    }
  }
]

output name string = bus.name
// Bare FQDN, as ServiceBusConnection__fullyQualifiedNamespace expects (public cloud DNS suffix).
output fullyQualifiedNamespace string = '${bus.name}.servicebus.windows.net'
