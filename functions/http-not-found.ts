import { z } from 'zod';

import { defineHttp } from '../shared/http/define-http.js';
import { HttpError } from '../shared/http/errors.js';
import { routeTable } from '../shared/http/route-table.js';

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
  handler: async ({ request }) => {
    const path = new URL(request.url).pathname.replace(/^\/api(?=\/|$)/i, '');
    const allowed = routeTable().allowedMethods(path);
    if (allowed.length > 0) {
      throw new HttpError(405, 'method_not_allowed', { method: request.method }, undefined, { allow: allowed.join(', ') });
    }
    throw new HttpError(404, 'not_found');
  },
});
