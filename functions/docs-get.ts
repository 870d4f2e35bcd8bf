import { apiDocsPage, apiDocsSecurityHeaders, defineHttp, ok, responds } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

export default defineHttp({
  name: 'docs-get',
  route: 'docs',
  methods: ['GET'],
  summary: 'The interactive API docs page (Swagger UI over /api/openapi.json); off when API_DOCS_ENABLED is false.',
  tags: ['operations'],
  auth: 'public',
  output: responds.file('text/html'),
  errors: ['not_found'],
  handler: async ({ services }) => {
    if (!services.config.API_DOCS_ENABLED) throw new AppError('not_found');
    return ok(apiDocsPage, {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300', ...apiDocsSecurityHeaders },
    });
  },
});
