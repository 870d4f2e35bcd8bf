import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { audienceCount } from '../shared/marketing/index.js';

export default defineHttp({
  name: 'ops-mailings-audience',
  route: 'ops/mailings/{mailingId}/audience',
  methods: ['GET'],
  summary:
    'How many people a mailing reaches now (MKT-1, MKT-2): for a newsletter those of its country and roles with a current marketing consent, no objection to direct marketing and no restriction; for a service message every active user it addresses. `count` leaves out addresses suppressed after bounces or spam reports, as sending does; `suppressed` is how many of the audience those are. Counts only, never who.',
  tags: ['operations', 'marketing'],
  auth: 'session',
  capability: 'ops.mailings.manage',
  params: z.object({ mailingId: z.string().min(1).max(100) }),
  output: z.object({ count: z.number().int().min(0), suppressed: z.number().int().min(0) }),
  errors: ['mailing_not_found'],
  handler: async ({ params, services }) => ok(await audienceCount(services, params.mailingId)),
});
