import type { app as azureApp } from '@azure/functions';

import { type FunctionDefinition, SERVICE_BUS_CONNECTION } from './definitions.js';

/** Registers every definition with the Functions runtime (the only place `app.*` is called). */
export function registerWithAzure(app: typeof azureApp, definitions: readonly FunctionDefinition[]): void {
  for (const definition of definitions) {
    switch (definition.kind) {
      case 'http':
        app.http(definition.name, {
          route: definition.route,
          methods: [...definition.methods],
          authLevel: 'anonymous',
          handler: definition.handler,
        });
        break;
      case 'queue':
        app.serviceBusQueue(definition.name, {
          connection: SERVICE_BUS_CONNECTION,
          queueName: definition.queue,
          handler: definition.handler,
        });
        break;
      case 'timer':
        app.timer(definition.name, {
          schedule: definition.schedule,
          runOnStartup: definition.runOnStartup,
          handler: definition.handler,
        });
        break;
    }
  }
}
