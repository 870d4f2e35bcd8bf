// Example parameters. Deploy with:
//   az deployment group create --resource-group <rg> --template-file infra/main.bicep --parameters infra/main.bicepparam
// appParameters must hold every name in settings.json "parameters" (infra/infra.test.ts checks this file).
using 'main.bicep'

param namePrefix = 'opiq'

param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')

param appParameters = {
  // Empty values mean unset: the app's default applies, or the sign-in provider stays switched off.
  EMAIL_FROM: 'noreply@opiq.ee'
  PUBLIC_WEB_URL: 'https://www.opiq.ee'
  MAX_BODY_BYTES: '262144'
  API_DOCS_ENABLED: 'true'
  TRUSTED_PROXY_HOPS: '1'
  API_PUBLIC_URL: 'https://api.opiq.ee'
  AUTH_RETURN_PATHS: '/'
  API_DOCS_ENABLED: 'true'
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
  INVOICE_IBAN: ''
  INVOICE_DUE_DAYS: '14'
}

// The web front end (PUBLIC_WEB_URL) calls the API with its session cookies.
param corsAllowedOrigins = ['https://www.opiq.ee']

// Object id of whoever sets the Key Vault secret values (gets Key Vault Secrets Officer), e.g.
//   az ad signed-in-user show --query id -o tsv
param operatorPrincipalId = readEnvironmentVariable('OPERATOR_PRINCIPAL_ID', '')

param tags = {
  project: 'opiq'
}
