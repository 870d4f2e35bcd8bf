import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { mailingViewSchema, mailingWithProgress } from '../shared/marketing/index.js';

export default defineHttp({
  name: 'ops-mailings-get',
  route: 'ops/mailings/{mailingId}',
  methods: ['GET'],
  summary:
    "A mailing (MKT-1, MKT-2) with the progress of its send: the job's state, pages done and counts (sent, suppressed, alreadySent), and whether a stopped run will resume.",
  tags: ['operations', 'marketing'],
  auth: 'session',
  capability: 'ops.mailings.manage',
  params: z.object({ mailingId: z.string().min(1).max(100) }),
  output: mailingViewSchema,
  errors: ['mailing_not_found'],
  handler: async ({ params, services }) => ok(await mailingWithProgress(services, params.mailingId)),
});
