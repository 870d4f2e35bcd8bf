import { z } from 'zod';

import { requestClient } from '../shared/auth/index.js';
import { acceptUsageBatch, eventBatchSchema, MAX_BATCH_BYTES } from '../shared/events/index.js';
import { accepted, defineHttp } from '../shared/http/index.js';

export default defineHttp({
  name: 'events-post',
  route: 'events',
  methods: ['POST'],
  summary:
    "The front end posts a batch of usage events (LOG-1): page views in a work (chapter, page, seconds in view), searches (where, and counts of words, characters and hits: never the text), and uses of interactive components, at most 100 per batch and 64 kB. Signed in or not; browser and country come from the request. Answered 202 as soon as the batch is queued; a batch resent with the same batchId is counted once. Per session (or per address without one) USAGE_EVENTS_PER_MINUTE events a minute, then 429 with Retry-After. A person who restricted processing or objected to usage analytics (PRIV-4) is counted only anonymously. The aggregates count a signed-in person only in works they hold a licence to (none without sign-in), a chapter only if the work has it, and page-view seconds at most 30 minutes a view and no more than the batch's time span plus that: the rest is left out, not refused.",
  tags: ['events'],
  auth: 'public',
  usesSession: true,
  body: eventBatchSchema,
  maxBodyBytes: MAX_BATCH_BYTES,
  successStatus: 202,
  output: z.object({ batchId: z.string(), accepted: z.number().int() }),
  errors: ['usage_events_rate_limited', 'usage_event_out_of_time'],
  handler: async ({ body, principal, account, services, request }) => {
    const client = requestClient(request, services.config);
    const result = await acceptUsageBatch(
      services,
      {
        rateKey: principal ? `session:${principal.sessionId}` : `address:${client.ip ?? 'unknown'}`,
        ...(principal && account ? { account } : {}),
        ...(client.browser ? { browser: client.browser } : {}),
        ...(client.country ? { country: client.country } : {}),
      },
      body,
    );
    return accepted(result);
  },
});
