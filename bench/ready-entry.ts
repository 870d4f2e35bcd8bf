/**
 * Bundle entry used only by the bench and scripts/build.test.ts (never deployed): the deployed app plus a handle on
 * getServices(), so a child process can time and check what the first request does on a cold instance (create the
 * Azure clients, which loads the Cosmos DB, identity, Service Bus, Application Insights and SendGrid code).
 */
export { definitions } from '../functions/index.js';
export { getServices } from '../shared/platform/services.js';
// The bench's first request builds its request and context from the bundle's own copy of the Functions library.
export { HttpRequest, InvocationContext } from '@azure/functions';
