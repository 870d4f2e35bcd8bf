import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

import { z } from 'zod';

import { setConsent } from '../consents/index.js';
import { AppError, isAppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { suppress, suppressionReasons } from './suppressions.js';

/**
 * SendGrid's signed event webhook (MKT-1, MKT-2): ECDSA P-256 with SHA-256 over the timestamp header's bytes followed
 * by the raw body, with the public key SendGrid shows for the webhook (SENDGRID_WEBHOOK_PUBLIC_KEY, base64 DER).
 */
export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/**
 * SendGrid retries a failed delivery for up to 24 hours and does not say whether a retry is signed anew, so an older
 * timestamp is a replay; a timestamp from the future beyond clock skew is refused too. Replays inside the window only
 * repeat suppressions, which change nothing.
 */
const MAX_AGE_SECONDS = 25 * 60 * 60;
const MAX_SKEW_SECONDS = 5 * 60;
/** Addresses (and accounts) per queue message: 200 addresses of at most 320 characters stay far below 256 KB. */
const WORK_CHUNK = 200;

const keys = new Map<string, KeyObject>();
function publicKey(base64: string): KeyObject {
  let key = keys.get(base64);
  if (!key) keys.set(base64, (key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' })));
  return key;
}

/** 401 sendgrid_signature_invalid unless the signature is SendGrid's over exactly these bytes, and fresh. */
function verifySendGridSignature(
  services: Pick<Services, 'config' | 'clock'>,
  headers: { signature: string | null; timestamp: string | null },
  body: Uint8Array,
): void {
  const configured = services.config.SENDGRID_WEBHOOK_PUBLIC_KEY;
  const { signature, timestamp } = headers;
  if (!configured || !signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) throw new AppError('sendgrid_signature_invalid');
  const age = services.clock.now().getTime() / 1000 - Number(timestamp);
  if (age > MAX_AGE_SECONDS || age < -MAX_SKEW_SECONDS) throw new AppError('sendgrid_signature_invalid');
  let valid = false;
  try {
    valid = verify('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), publicKey(configured), Buffer.from(signature, 'base64'));
  } catch {
    // Malformed DER in the signature (or a key that is not EC) throws: it is simply not SendGrid's signature.
  }
  if (!valid) throw new AppError('sendgrid_signature_invalid');
}

/** The events after which nobody may mail the address: hard bounces, drops, spam reports, unsubscribes. */
function suppressionOf(event: Record<string, unknown>): (typeof suppressionReasons)[number] | undefined {
  switch (event.event) {
    case 'bounce':
      // `blocked` is transient (the receiving server refused for now); `bounce` is a hard bounce.
      return event.type === 'blocked' ? undefined : 'bounce';
    case 'dropped':
      return 'dropped';
    case 'spamreport':
      return 'spamreport';
    case 'unsubscribe':
    case 'group_unsubscribe':
      return 'unsubscribe';
    default:
      return undefined;
  }
}

/** What a delivery of events asks of us, small enough for one queue message (Service Bus: 256 KB). */
export const sendGridWorkSchema = z.strictObject({
  suppress: z.array(z.strictObject({ address: z.string().min(3).max(320), reason: z.enum(suppressionReasons) })).max(WORK_CHUNK),
  /** Accounts whose newsletter consent to withdraw, with when they reported (a consent given again since then stands). */
  withdraw: z.array(z.strictObject({ accountId: z.string().min(1).max(100), reportedAt: z.iso.datetime() })).max(WORK_CHUNK),
});
export type SendGridWork = z.infer<typeof sendGridWorkSchema>;

/**
 * A verified delivery of events is turned into work and queued (`sendgrid-events`), so a delivery of thousands of
 * bounces answers at once within the write budget, however large. Each message's id is a hash of its work: SendGrid
 * retrying the same delivery collapses in the queue, and the work itself is idempotent anyway. The rest (delivered,
 * opened, deferred…) is not kept. Answers how many events came and how many addresses are queued for suppression.
 */
export async function receiveSendGridEvents(
  services: Pick<Services, 'bus' | 'clock' | 'config'>,
  headers: { signature: string | null; timestamp: string | null },
  body: Uint8Array,
): Promise<{ events: number; suppressions: number }> {
  verifySendGridSignature(services, headers, body);
  let events: unknown;
  try {
    events = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new AppError('sendgrid_events_invalid');
  }
  if (!Array.isArray(events)) throw new AppError('sendgrid_events_invalid');
  const toSuppress = new Map<string, (typeof suppressionReasons)[number]>();
  for (const event of events) {
    if (!event || typeof event !== 'object') continue;
    const record = event as Record<string, unknown>;
    const reason = suppressionOf(record);
    const address = typeof record.email === 'string' ? record.email.trim().toLowerCase() : '';
    if (reason && address.includes('@') && address.length <= 320) toSuppress.set(address, reason);
  }
  const suppress = [...toSuppress].map(([address, reason]) => ({ address, reason }));
  const deliveredAt = new Date(Number(headers.timestamp) * 1000);
  const withdraw = [...unwillingReaders(events, deliveredAt)]
    .filter(([accountId]) => accountId.length <= 100)
    .map(([accountId, reportedAt]) => ({ accountId, reportedAt }));
  for (let i = 0; i < Math.max(suppress.length, withdraw.length); i += WORK_CHUNK) {
    const work: SendGridWork = { suppress: suppress.slice(i, i + WORK_CHUNK), withdraw: withdraw.slice(i, i + WORK_CHUNK) };
    const id = createHash('sha256').update(JSON.stringify(work)).digest('base64url');
    await services.bus.send('sendgrid-events', { body: work, messageId: `sendgrid:${id}` });
  }
  return { events: events.length, suppressions: toSuppress.size };
}

/** The queued work: suppress each address (a repeat finds it suppressed) and withdraw each unwilling reader's consent. */
export async function applySendGridWork(services: Pick<Services, 'db' | 'clock' | 'config'>, work: SendGridWork): Promise<void> {
  for (const { address, reason } of work.suppress) await suppress(services, address, reason);
  for (const { accountId, reportedAt } of work.withdraw) await withdrawNewsletter(services, accountId, reportedAt);
}

const isMarketing = (category: unknown) => category === 'marketing' || (Array.isArray(category) && category.includes('marketing'));

/**
 * The accounts that marked a newsletter as spam or unsubscribed through the mailbox (the `accountId` custom arg our
 * newsletters carry comes back on their events): their consent is withdrawn, as if they had used the link (MKT-1).
 */
function unwillingReaders(events: unknown[], deliveredAt: Date): Map<string, string> {
  const accounts = new Map<string, string>();
  for (const event of events) {
    const record = (event ?? {}) as Record<string, unknown>;
    const unwilling = record.event === 'spamreport' || record.event === 'unsubscribe' || record.event === 'group_unsubscribe';
    if (!unwilling || !isMarketing(record.category) || typeof record.accountId !== 'string' || !record.accountId) continue;
    const reportedAt = eventTime(record.timestamp, deliveredAt);
    if (reportedAt > (accounts.get(record.accountId) ?? '')) accounts.set(record.accountId, reportedAt);
  }
  return accounts;
}

/** The event's own time (Unix seconds, signed with the delivery); never later than the delivery, which is fresh. */
function eventTime(seconds: unknown, deliveredAt: Date): string {
  const at = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : deliveredAt;
  return (at > deliveredAt ? deliveredAt : at).toISOString();
}

async function withdrawNewsletter(services: Pick<Services, 'db' | 'clock'>, accountId: string, reportedAt: string): Promise<void> {
  try {
    // A report SendGrid delivers again after the person subscribed again is about the consent they gave before.
    await setConsent(services, {
      accountId,
      purpose: 'newsletter',
      given: false,
      channel: 'spam-report',
      by: accountId,
      unlessGivenAfter: reportedAt,
    });
  } catch (error) {
    // An account that is gone has nothing left to withdraw.
    if (!isAppError(error, 'account_not_found')) throw error;
  }
}
