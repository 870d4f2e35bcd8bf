import { z } from 'zod';

import { UNSUBSCRIBE_PAGE_HEADERS, unsubscribeQuestion } from '../shared/consents/index.js';
import { defineHttp, ok, responds } from '../shared/http/index.js';

export default defineHttp({
  name: 'consents-unsubscribe-page',
  route: 'unsubscribe',
  methods: ['GET'],
  summary:
    'The unsubscribe link of a marketing e-mail (MKT-1, PRIV-6), opened: a small page saying what the button will withdraw, and changing nothing (mail scanners open links). Its button POSTs the one-click body to the same address. A token that is not whole is 400 unsubscribe_link_invalid, one we did not sign 403 unsubscribe_link_forged.',
  tags: ['privacy'],
  auth: 'public',
  query: z.object({ token: z.string().min(1).max(400) }),
  output: responds.file('text/html'),
  errors: ['unsubscribe_link_invalid', 'unsubscribe_link_forged'],
  handler: async ({ query, services, language }) =>
    ok(await unsubscribeQuestion(services, query.token, language), { headers: UNSUBSCRIBE_PAGE_HEADERS }),
});
