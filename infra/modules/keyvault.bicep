// Key Vault in RBAC mode. The only secret values created here are the first session signing key, the first
// unsubscribe link key, the first erasure evidence key (the app cannot start without them) and the telemetry
// pseudonym key; every other secret is set by the operator (infra/README.md).
// Purge protection cannot be turned off again once on; soft-deleted vault names stay reserved 90 days, hence
// keyVaultNameSeed in main.bicep.

param name string
param location string
param tags object

@description('false: public network access off, reached through the private endpoint (network.bicep).')
param publicNetworkAccess bool

@description('Log Analytics workspace for the audit log (AuditEvent: who read or changed which secret).')
param workspaceId string

@description('Key Vault secret name of SESSION_SIGNING_KEYS.')
param sessionSigningSecretName string

@description('true: write a new session signing key (first deployment into this vault).')
param createSessionSigningKey bool

@description('Random material for the key; only used when createSessionSigningKey.')
@secure()
param sessionKeyMaterial string

@description('Key Vault secret name of UNSUBSCRIBE_SIGNING_KEYS.')
param unsubscribeSigningSecretName string

@description('true: write a new unsubscribe link key (first deployment into this vault since the setting exists).')
param createUnsubscribeSigningKey bool

@description('Random material for the unsubscribe key; only used when createUnsubscribeSigningKey.')
@secure()
param unsubscribeKeyMaterial string

@description('Key Vault secret name of ERASURE_EVIDENCE_KEYS.')
param erasureEvidenceSecretName string

@description('true: write a new erasure evidence key (first deployment into this vault since the setting exists).')
param createErasureEvidenceKey bool

@description('Random material for the erasure evidence key; only used when createErasureEvidenceKey.')
@secure()
param erasureKeyMaterial string

@description('Key Vault secret name of TELEMETRY_PSEUDONYM_KEY.')
param telemetryPseudonymSecretName string

@description('true: write a new telemetry pseudonym key (first deployment into this vault since the setting exists).')
param createTelemetryPseudonymKey bool

@description('Random material for the telemetry pseudonym key; only used when createTelemetryPseudonymKey.')
@secure()
param telemetryKeyMaterial string

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      defaultAction: publicNetworkAccess ? 'Allow' : 'Deny'
      bypass: 'None'
    }
  }
}

// "kid:base64url" as the app expects (shared/platform/config.ts): base64url of 108 bytes of GUID text, about 366
// random bits. Written through ARM (control plane), which works with the vault's public access off.
resource sessionSigningKey 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (createSessionSigningKey) {
  parent: vault
  name: sessionSigningSecretName
  properties: {
    value: 'k1:${replace(replace(replace(base64(sessionKeyMaterial), '+', '-'), '/', '_'), '=', '')}'
    contentType: 'kid:base64url[,kid:base64url] - the first key signs sessions'
  }
}

// The same for unsubscribe links (PRIV-6): its own key, never a session key, so that neither can forge the other.
resource unsubscribeSigningKey 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (createUnsubscribeSigningKey) {
  parent: vault
  name: unsubscribeSigningSecretName
  properties: {
    value: 'u1:${replace(replace(replace(base64(unsubscribeKeyMaterial), '+', '-'), '/', '_'), '=', '')}'
    contentType: 'kid:base64url[,kid:base64url] - the first key signs unsubscribe links'
  }
}

// The erasure evidence key (PRIV-3): the keyed hash of an erased account id; its own key, so evidence names nobody to
// whoever holds another key.
resource erasureEvidenceKey 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (createErasureEvidenceKey) {
  parent: vault
  name: erasureEvidenceSecretName
  properties: {
    value: 'e1:${replace(replace(replace(base64(erasureKeyMaterial), '+', '-'), '/', '_'), '=', '')}'
    contentType: 'kid:base64url[,kid:base64url] - the first key hashes erased account ids'
  }
}

// The key of the pseudonymous user ids on telemetry's user-action events (LOG-2): plain base64url (no key id), as
// TELEMETRY_PSEUDONYM_KEY expects. Kept across deployments: a new key would make every user a new pseudonym.
resource telemetryPseudonymKey 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (createTelemetryPseudonymKey) {
  parent: vault
  name: telemetryPseudonymSecretName
  properties: {
    value: replace(replace(replace(base64(telemetryKeyMaterial), '+', '-'), '/', '_'), '=', '')
    contentType: 'base64url - the HMAC key of pseudonymous user ids in telemetry'
  }
}

// The linter's only GA version of this type (2016-09-01) is the legacy shape without categoryGroup or a
// workspace destination type; 2021-05-01-preview is the current diagnostic settings API (infra/README.md, lint).
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
