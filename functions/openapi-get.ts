import { buildOpenApi, defineHttp, ok, type OpenApiDocument, openApiDocumentSchema, routeTable } from '../shared/http/index.js';

let cached: OpenApiDocument | undefined;

export default defineHttp({
  name: 'openapi-get',
  route: 'openapi.json',
  methods: ['GET'],
  summary: 'The OpenAPI 3.1 description of this API, generated from the schemas the handlers validate with.',
  tags: ['operations'],
  auth: 'public',
  output: openApiDocumentSchema,
  errors: [],
  handler: async () => {
    cached ??= buildOpenApi(routeTable());
    return ok(cached, { headers: { 'cache-control': 'public, max-age=300' } });
  },
});
