// Service Bus namespace with SAS (local) auth disabled. Queues come from infra/queues.json (generated from the
// code), passed in by main.bicep. Note: requiresDuplicateDetection can only be set when a queue is created;
// changing it later in queues.json needs the queue to be recreated.

param name string
param location string
param tags object

@allowed([
  'Standard'
  'Premium'
])
param sku string

@description('Items of queues.json "queues".')
param queues array

@description('false: public network access off (Premium with a private endpoint only; Standard has no private endpoints).')
param publicNetworkAccess bool

@description('Log Analytics workspace for the diagnostic logs.')
param workspaceId string

resource bus 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    tier: sku
    capacity: sku == 'Premium' ? 1 : null
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = [
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

// The linter's only GA version of this type (2016-09-01) is the legacy shape without categoryGroup or a
// workspace destination type; 2021-05-01-preview is the current diagnostic settings API (infra/README.md, lint).
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: bus
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

output name string = bus.name
output id string = bus.id
// Bare FQDN, as ServiceBusConnection__fullyQualifiedNamespace expects (public cloud DNS suffix).
output fullyQualifiedNamespace string = '${bus.name}.servicebus.windows.net'
