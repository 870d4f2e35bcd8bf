import { buildOpenApi, defineHttp, ok, routeTable } from '../shared/http/index.js';

let cached: unknown;

export default defineHttp({
  name: 'openapi-get',
  route: 'openapi.json',
  methods: ['GET'],
  summary: 'The OpenAPI 3.1 description of this API, generated from the schemas the handlers validate with.',
  tags: ['operations'],
  auth: 'public',
  handler: async () => {
    cached ??= buildOpenApi(routeTable());
    return ok(cached, { headers: { 'cache-control': 'public, max-age=300' } });
  },
});
