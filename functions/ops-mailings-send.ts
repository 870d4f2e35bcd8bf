import { z } from 'zod';

import { accepted, defineHttp } from '../shared/http/index.js';
import { mailingViewSchema, startSending } from '../shared/marketing/index.js';

export default defineHttp({
  name: 'ops-mailings-send',
  route: 'ops/mailings/{mailingId}/send',
  methods: ['POST'],
  summary:
    'Sends a draft mailing as a queued, resumable job (MKT-1, MKT-2); GET the mailing for its progress. A service message is sent by a second staff member, who reviews it as one: its author gets 403 mailing_needs_second_reviewer. A mailing already sending or sent is 409 mailing_already_sent.',
  tags: ['operations', 'marketing'],
  auth: 'session',
  capability: 'ops.mailings.manage',
  params: z.object({ mailingId: z.string().min(1).max(100) }),
  output: mailingViewSchema,
  successStatus: 202,
  errors: ['mailing_not_found', 'mailing_already_sent', 'mailing_needs_second_reviewer'],
  handler: async ({ params, principal, services }) => accepted(await startSending(services, params.mailingId, principal.accountId)),
});
