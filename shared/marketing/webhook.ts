import { createPublicKey, type KeyObject, verify } from 'node:crypto';

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

/**
 * A verified delivery of events: every suppressing event suppresses its address (idempotently: a repeated event finds
 * it suppressed). The rest (delivered, opened, deferred…) is not kept. Answers how many events came and how many
 * suppressed an address.
 */
export async function receiveSendGridEvents(
  services: Pick<Services, 'db' | 'clock' | 'config'>,
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
    if (reason && typeof record.email === 'string' && record.email.includes('@')) toSuppress.set(record.email.trim().toLowerCase(), reason);
  }
  for (const [address, reason] of toSuppress) await suppress(services, address, reason);
  for (const accountId of unwillingReaders(events)) await withdrawNewsletter(services, accountId);
  return { events: events.length, suppressions: toSuppress.size };
}

const isMarketing = (category: unknown) => category === 'marketing' || (Array.isArray(category) && category.includes('marketing'));

/**
 * The accounts that marked a newsletter as spam or unsubscribed through the mailbox (the `accountId` custom arg our
 * newsletters carry comes back on their events): their consent is withdrawn, as if they had used the link (MKT-1).
 */
function unwillingReaders(events: unknown[]): Set<string> {
  const accounts = new Set<string>();
  for (const event of events) {
    const record = (event ?? {}) as Record<string, unknown>;
    const unwilling = record.event === 'spamreport' || record.event === 'unsubscribe' || record.event === 'group_unsubscribe';
    if (unwilling && isMarketing(record.category) && typeof record.accountId === 'string' && record.accountId) accounts.add(record.accountId);
  }
  return accounts;
}

async function withdrawNewsletter(services: Pick<Services, 'db' | 'clock'>, accountId: string): Promise<void> {
  try {
    await setConsent(services, { accountId, purpose: 'newsletter', given: false, channel: 'spam-report', by: accountId });
  } catch (error) {
    // An account that is gone has nothing left to withdraw.
    if (!isAppError(error, 'account_not_found')) throw error;
  }
}
