// Log Analytics workspace + workspace-based Application Insights.
// RET-6: technical logs (Application Insights) are kept 1 year -> 365 days on both. The diagnostic settings of
// Key Vault (audit), Cosmos DB, Service Bus and the function app send their logs to the same workspace.
// Local (instrumentation-key) auth is off: the app ingests with its managed identity
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING) and needs Monitoring Metrics Publisher (rbac.bicep).

param workspaceName string
param insightsName string
param location string
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 365
    features: {
      disableLocalAuth: true
    }
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: insightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
    RetentionInDays: 365
  }
}

// Names and ids only. The connection string is read by functionapp.bicep through an `existing` reference,
// so it never appears in deployment outputs.
output workspaceName string = workspace.name
output workspaceId string = workspace.id
output insightsName string = insights.name
