/**
 * Values from @azure/functions through its default export: under "type": "module" its named exports are not
 * visible to Node (azure-functions-nodejs-library#287), although TypeScript accepts them. Types import as usual.
 */
import azureFunctions from '@azure/functions';

export const { app, HttpRequest, InvocationContext } = azureFunctions;
