/** The public face of shared/http: what other areas and functions/ may import (README, "Areas and their faces"). */
export { apiDocsAssets, apiDocsInitScript, apiDocsPage, apiDocsSecurityHeaders, readApiDocsAsset } from './api-docs.js';
export { created, defineHttp, noContent, ok, redirect } from './define-http.js';
export { withHeaders } from './error-catalogue.js';
export { idempotencyKey } from './idempotency.js';
export { buildOpenApi } from './openapi.js';
export { RouteTable, routeTable, setRouteTable } from './route-table.js';
