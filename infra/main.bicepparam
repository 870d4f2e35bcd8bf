// Production parameters, used by `azd up` / `azd provision` (azd reads infra/main.bicepparam) and by
//   az deployment group create --resource-group <rg> --template-file infra/main.bicep --parameters infra/main.bicepparam
// appParameters must hold every name in settings.json "parameters" (infra/infra.test.ts checks the compiled result).
// readEnvironmentVariable is evaluated when the file is compiled; azd passes its environment (.azure/<env>/.env,
// which also holds the previous deployment's outputs) to the compiler.
using 'main.bicep'

param namePrefix = 'opiq'

param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')

param appParameters = {
  // Empty values mean unset: the app's default applies, or the sign-in provider stays switched off.
  EMAIL_FROM: 'noreply@opiq.ee'
  // Signed event webhook key from SendGrid (GET /v3/user/webhooks/event/settings/signed); empty refuses every event.
  SENDGRID_WEBHOOK_PUBLIC_KEY: ''
  PUBLIC_WEB_URL: 'https://www.opiq.ee'
  // Finland (OPS-3): its own site and sender; the operator's address and business id when known (README "Countries").
  PUBLIC_WEB_URL_FI: 'https://www.opiq.fi'
  EMAIL_FROM_FI: 'noreply@opiq.fi'
  OPERATOR_ADDRESS_EE: ''
  OPERATOR_ADDRESS_FI: ''
  OPERATOR_REGISTRY_CODE_FI: ''
  MAX_BODY_BYTES: '262144'
  MATERIALS_QUOTA_BYTES: '209715200'
  USAGE_EVENTS_PER_MINUTE: '600'
  SCHOOL_CODE_CHANGES_PER_WINDOW: '30'
  // OpiqGPT trial (GPT-1, README "Assistant"): off until a provider is chosen; empty values take the app's defaults.
  ASSISTANT_PROVIDER: 'none'
  ASSISTANT_API_URL: ''
  ASSISTANT_MODEL: ''
  ASSISTANT_ANTHROPIC_VERSION: ''
  ASSISTANT_MAX_TOKENS: '600'
  ASSISTANT_TIMEOUT_SECONDS: '30'
  ASSISTANT_MODERATION: 'true'
  ASSISTANT_MODERATION_URL: ''
  ASSISTANT_USER_LIMIT: ''
  ASSISTANT_SCHOOL_LIMIT: ''
  ASSISTANT_LIMIT_WINDOW_SECONDS: ''
  API_DOCS_ENABLED: 'true'
  TRUSTED_PROXY_HOPS: '1'
  API_PUBLIC_URL: 'https://api.opiq.ee'
  AUTH_RETURN_PATHS: '/'
  EDGE_COUNTRY_HEADER: ''
  HARID_ISSUER: 'https://harid.ee'
  HARID_CLIENT_ID: ''
  MPASSID_ISSUER: 'https://mpass-proxy.csc.fi'
  MPASSID_CLIENT_ID: ''
  GOOGLE_ISSUER: ''
  GOOGLE_CLIENT_ID: ''
  FACEBOOK_APP_ID: ''
  FACEBOOK_DIALOG_URL: ''
  FACEBOOK_GRAPH_URL: ''
  EKOOL_AUTHORIZE_URL: ''
  EKOOL_TOKEN_URL: ''
  EKOOL_USERINFO_URL: ''
  EKOOL_CLIENT_ID: ''
  STUUDIUM_API_URL: ''
  STUUDIUM_CLIENT_ID: ''
  // Store and payments: bank links and cards are on when the shop id and the Key Vault secret maksekeskus-secret-key
  // are set; prepayment invoices when INVOICE_IBAN is set (README "Store and payments").
  MAKSEKESKUS_SHOP_ID: ''
  MAKSEKESKUS_API_URL: 'https://api.maksekeskus.ee/v1'
  VAT_RATES: 'EE:24,FI:25.5'
  INVOICE_SELLER: 'Star Cloud OÜ'
  INVOICE_SELLER_FI: ''
  INVOICE_IBAN: ''
  INVOICE_DUE_DAYS: '14'
}

// Both countries' web front ends (PUBLIC_WEB_URL, PUBLIC_WEB_URL_FI) call the API with their session cookies.
param corsAllowedOrigins = ['https://www.opiq.ee', 'https://www.opiq.fi']

// Object id of whoever sets the Key Vault secret values (gets Key Vault Secrets Officer). azd sets
// AZURE_PRINCIPAL_ID to the signed-in principal, so `azd up` grants it to whoever deploys; outside azd set
// OPERATOR_PRINCIPAL_ID=$(az ad signed-in-user show --query id -o tsv).
param operatorPrincipalId = readEnvironmentVariable('OPERATOR_PRINCIPAL_ID', readEnvironmentVariable('AZURE_PRINCIPAL_ID', ''))
param operatorPrincipalType = readEnvironmentVariable('OPERATOR_PRINCIPAL_TYPE', readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User'))

// Children's personal data: VNet integration, private endpoints, public access off (infra/README.md, costs).
// `azd env set PRIVATE_NETWORKING false` for a throw-away test environment with public endpoints.
param privateNetworking = toLower(readEnvironmentVariable('PRIVATE_NETWORKING', 'true')) != 'false'

// Service Bus Standard has no private endpoints; Premium (about 70x the price) does (infra/README.md).
param serviceBusSku = readEnvironmentVariable('SERVICE_BUS_SKU', 'Standard')

// A deleted vault's name stays taken for 90 days: the azd postdown hook sets a new seed (azure.yaml).
param keyVaultNameSeed = readEnvironmentVariable('KEY_VAULT_NAME_SEED', '')

// Optional secrets the operator has stored in Key Vault, by setting name, comma-separated, e.g.
//   azd env set KEY_VAULT_SECRETS SENDGRID_API_KEY,HARID_CLIENT_SECRET
// Only these (and the secrets the deployment creates: session, unsubscribe and telemetry pseudonym keys) become Key Vault references.
param keyVaultSecretSettings = filter(map(split(readEnvironmentVariable('KEY_VAULT_SECRETS', ''), ','), n => trim(n)), n => !empty(n))

// Output of the previous deployment (azd keeps it in .env): the session signing key is created once per vault.
param sessionKeysVault = readEnvironmentVariable('SESSION_KEYS_VAULT', '')
// The same for the unsubscribe link key (PRIV-6).
param unsubscribeKeysVault = readEnvironmentVariable('UNSUBSCRIBE_KEYS_VAULT', '')
// The same for the erasure evidence key (PRIV-3).
param erasureKeysVault = readEnvironmentVariable('ERASURE_KEYS_VAULT', '')
// And for the telemetry pseudonym key (LOG-2).
param telemetryKeysVault = readEnvironmentVariable('TELEMETRY_KEYS_VAULT', '')

param tags = {
  project: 'opiq'
}
