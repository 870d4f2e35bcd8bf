// Example parameters. Deploy with:
//   az deployment group create --resource-group <rg> --template-file infra/main.bicep --parameters infra/main.bicepparam
// appParameters must hold every name in settings.json "parameters" (infra/infra.test.ts checks this file).
using 'main.bicep'

param namePrefix = 'opiq'

param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')

param appParameters = {
  PUBLIC_WEB_URL: 'https://www.opiq.ee'
  EMAIL_FROM: 'noreply@opiq.ee'
  MAX_BODY_BYTES: '262144'
}

// Object id of whoever sets the Key Vault secret values (gets Key Vault Secrets Officer), e.g.
//   az ad signed-in-user show --query id -o tsv
param operatorPrincipalId = readEnvironmentVariable('OPERATOR_PRINCIPAL_ID', '')

param tags = {
  project: 'opiq'
}
