import { z } from 'zod';

import { defineHttp, routeTable, withHeaders } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

/**
 * The catch-all route: the host picks it only when no other route matches, so unknown addresses get the same error
 * envelope as everything else (404), and a known address with the wrong method gets 405 with Allow.
 */
export default defineHttp({
  name: 'http-not-found',
  route: '{*path}',
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  summary: 'Answers addresses no other function serves.',
  tags: ['operations'],
  auth: 'public',
  output: z.never(),
  errors: ['method_not_allowed', 'not_found'],
  handler: async ({ request }) => {
    const path = new URL(request.url).pathname.replace(/^\/api(?=\/|$)/i, '');
    const allowed = routeTable().allowedMethods(path);
    if (allowed.length > 0) {
      throw withHeaders(new AppError('method_not_allowed', { params: { method: request.method } }), { allow: allowed.join(', ') });
    }
    throw new AppError('not_found');
  },
});
