// Private networking (main.bicep privateNetworking): a VNet with
//   app                Flex Consumption VNet integration (delegated to Microsoft.App/environments), outbound
//                      through a NAT gateway (static egress IP; new subnets get no default outbound access)
//   private-endpoints  one private endpoint per service, each registered in its private DNS zone
// and one private DNS zone per service, linked to the VNet, so the app resolves <name>.vault.azure.net etc. to
// the private address. The services' public network access is turned off in their own modules.

param vnetName string
param natGatewayName string
param natPublicIpName string
param location string
param tags object

@description('VNet address space (/22 or larger): the first /24 is the app subnet, the second the private endpoints.')
param addressPrefix string

@description('[{ name, id, groupId, zone }]: resource name, resource id, private link group id and private DNS zone.')
param privateEndpoints array

resource natIp 'Microsoft.Network/publicIPAddresses@2026-03-01' = {
  name: natPublicIpName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2026-03-01' = {
  name: natGatewayName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIpAddresses: [
      {
        id: natIp.id
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2026-03-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          natGateway: {
            id: natGateway.id
          }
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }

  resource endpointSubnet 'subnets' existing = {
    name: 'private-endpoints'
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for pe in privateEndpoints: {
    name: pe.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (pe, i) in privateEndpoints: {
    parent: zones[i]
    name: vnetName
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

resource endpoints 'Microsoft.Network/privateEndpoints@2026-03-01' = [
  for pe in privateEndpoints: {
    name: 'pe-${pe.name}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: vnet::endpointSubnet.id
      }
      privateLinkServiceConnections: [
        {
          name: 'pe-${pe.name}'
          properties: {
            privateLinkServiceId: pe.id
            groupIds: [
              pe.groupId
            ]
          }
        }
      ]
    }
  }
]

// The zone group writes the endpoint's A record into the zone (without it the name still resolves publicly).
resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2026-03-01' = [
  for (pe, i) in privateEndpoints: {
    parent: endpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: replace(pe.zone, '.', '-')
          properties: {
            privateDnsZoneId: zones[i].id
          }
        }
      ]
    }
  }
]
