import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { receiveSendGridEvents, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../shared/marketing/index.js';

export default defineHttp({
  name: 'webhooks-sendgrid',
  route: 'webhooks/sendgrid',
  methods: ['POST'],
  summary:
    "SendGrid's signed event webhook (MKT-1, MKT-2): the ECDSA P-256 signature (X-Twilio-Email-Event-Webhook-Signature over the -Timestamp header and the raw body) is checked with the public key from SENDGRID_WEBHOOK_PUBLIC_KEY; unsigned, forged or stale (over 25 hours, or from the future) events are 401 sendgrid_signature_invalid. Bounces, drops, spam reports and unsubscribes are queued (sendgrid-events) and answered at once; the queue suppresses the address (kept only as a keyed hash), so no mailing goes to it again, and withdraws the newsletter consent of a reader who reported spam. Idempotent.",
  tags: ['marketing'],
  auth: 'public',
  body: z.instanceof(Uint8Array),
  bodyTypes: ['bytes'],
  // SendGrid posts up to 768 KB of events at a time.
  maxBodyBytes: 1024 * 1024,
  output: z.object({ events: z.number().int(), suppressions: z.number().int() }),
  errors: ['sendgrid_signature_invalid', 'sendgrid_events_invalid'],
  handler: async ({ body, request, services }) =>
    ok(
      await receiveSendGridEvents(
        services,
        { signature: request.headers.get(SIGNATURE_HEADER), timestamp: request.headers.get(TIMESTAMP_HEADER) },
        body,
      ),
    ),
});
