import { z } from 'zod';

import { UNSUBSCRIBE_PAGE_HEADERS, unsubscribeByLink } from '../shared/consents/index.js';
import { defineHttp, ok, responds } from '../shared/http/index.js';

export default defineHttp({
  name: 'consents-unsubscribe',
  route: 'unsubscribe',
  methods: ['POST'],
  summary:
    "Withdraws the consent an unsubscribe link names (MKT-1, PRIV-6), at once and without signing in: RFC 8058 one-click (List-Unsubscribe-Post: List-Unsubscribe=One-Click; the body, form-encoded or multipart, is not needed) or the button of the link's page. Idempotent; answers a small page. A token that is not whole is 400 unsubscribe_link_invalid, one we did not sign 403 unsubscribe_link_forged.",
  tags: ['privacy'],
  auth: 'public',
  query: z.object({ token: z.string().min(1).max(400) }),
  output: responds.file('text/html'),
  errors: ['unsubscribe_link_invalid', 'unsubscribe_link_forged'],
  handler: async ({ query, services, language }) =>
    ok(await unsubscribeByLink(services, query.token, language), { headers: UNSUBSCRIBE_PAGE_HEADERS }),
});
