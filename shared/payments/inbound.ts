import { createHash, randomBytes } from 'node:crypto';

import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';

import { type ClientInfo, overLimit, requestClient } from '../auth/index.js';
import type { ErrorCode } from '../platform/errors.js';
import { maksekeskusSettings } from '../platform/maksekeskus.js';
import type { Services } from '../platform/services.js';
import { verifyMac } from './mac.js';

/**
 * Payment messages from Maksekeskus (PAY-2): the server-to-server notification and the browser return. Both carry
 * `json` (a JSON string) and `mac`, as form fields, a JSON body or query parameters. Every message is stored FIRST,
 * exactly as received, then processing is queued and the sender answered at once; processing confirms the status
 * with the Maksekeskus API before anything is granted, so nothing in a message is trusted on its own.
 */

export type Channel = 'notification' | 'return';

/** The json + mac of a request, from the body (form or JSON object) or else the query. */
export function extractMessage(body: unknown, query: Record<string, unknown>): { json?: string; mac?: string } {
  const pick = (source: unknown, name: string): unknown =>
    source && typeof source === 'object' && !Array.isArray(source) ? (source as Record<string, unknown>)[name] : undefined;
  const fromBody = pick(body, 'json') !== undefined || pick(body, 'mac') !== undefined;
  const json = fromBody ? pick(body, 'json') : pick(query, 'json');
  const mac = fromBody ? pick(body, 'mac') : pick(query, 'mac');
  // A json that is not a string (a JSON body with an object in it) cannot be checked against its MAC: rejected.
  return { ...(typeof json === 'string' ? { json } : {}), ...(typeof mac === 'string' ? { mac } : {}) };
}

/** What a verified payment_return message may tell us; everything is optional except the transaction and status. */
const messageSchema = z.looseObject({
  transaction: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
  status: z.string().regex(/^[A-Z_]{1,40}$/),
  shop: z.string().nullish(),
  reference: z.string().nullish(),
  amount: z.union([z.string(), z.number()]).nullish(),
  currency: z.string().nullish(),
  message_type: z.string().nullish(),
  customer_name: z.string().nullish(),
  customer_account: z.string().nullish(),
  customer_iban: z.string().nullish(),
  payer_account: z.string().nullish(),
});

/** PAY-3: the payer's account, when the message reports one (the field name varies by channel; see README). */
export function reportedPayerAccount(message: Record<string, unknown>): string | undefined {
  for (const field of ['customer_account', 'customer_iban', 'payer_account', 'payer_iban']) {
    const value = message[field];
    if (typeof value === 'string' && /^[A-Za-z0-9 ]{5,40}$/.test(value)) return value.replace(/\s+/g, '');
  }
  return undefined;
}

export type Rejection = 'missing' | 'mac' | 'json' | 'fields' | 'not-configured';

/**
 * How the endpoints answer a rejected message: invalid (400: Maksekeskus stops retrying it, and it is visible), or
 * unavailable (503: it tries again later).
 */
export const rejectionCodes: Record<Rejection, ErrorCode> = {
  missing: 'payment_message_invalid',
  fields: 'payment_message_invalid',
  mac: 'payment_mac_invalid',
  json: 'payment_json_invalid',
  'not-configured': 'payments_unavailable',
};

/** json + mac as form fields, a JSON body or query parameters (Maksekeskus uses each in some integration). */
export const paymentMessageQuery = z.looseObject({ json: z.unknown().optional(), mac: z.unknown().optional() });

export type Received =
  | { accepted: true; messageId: string; transactionId: string; status: string; reference?: string }
  /** messageId is absent for a request that carried neither json nor mac, and for junk past the per-IP storage limit. */
  | { accepted: false; messageId?: string; reason: Rejection };

const STORED_REJECTED_CHARS = 8192;

const newMessageId = (at: string) => `msg:${at}:${randomBytes(6).toString('hex')}`;

export const processQueueMessageSchema = z.strictObject({
  transactionId: z.string().min(1).max(100),
  /** The status the message claimed: only a trigger; the API's status is what counts. */
  status: z.string().max(40).optional(),
  source: z.enum(['notification', 'return', 'reconcile']),
  messageId: z.string().optional(),
  payerAccount: z.string().max(40).optional(),
  payerName: z.string().max(200).optional(),
});
export type ProcessQueueMessage = z.infer<typeof processQueueMessageSchema>;

/** Rejected payment messages stored per client IP within 15 minutes; beyond that they are only counted. */
export const REJECTIONS_STORED_PER_IP = 200;

export async function receivePaymentMessage(
  services: Services,
  input: { channel: Channel; json?: string; mac?: string; client: ClientInfo },
): Promise<Received> {
  const receivedAt = services.clock.now().toISOString();
  const messageId = newMessageId(receivedAt);
  const settings = maksekeskusSettings(services.config);

  const reject = async (reason: Rejection): Promise<Received> => {
    const json = input.json ?? '';
    // A flood of junk must not fill storage: past the limit per client IP, rejections are counted, not kept.
    if (input.client.ip && (await overLimit(services, 'payment-rejections', input.client.ip, REJECTIONS_STORED_PER_IP))) {
      services.telemetry.event('security.payment-message-rejected', {
        channel: input.channel,
        reason,
        stored: false,
        ip: input.client.ip,
        country: input.client.country,
      });
      return { accepted: false, reason };
    }
    await services.db.collection('payments').create({
      id: messageId,
      type: 'payment-message-rejected',
      transactionId: `rejected:${receivedAt.slice(0, 10)}`,
      channel: input.channel,
      receivedAt,
      reason,
      json: json.slice(0, STORED_REJECTED_CHARS),
      jsonLength: json.length,
      jsonSha256: createHash('sha256').update(json, 'utf8').digest('hex'),
      ...(input.mac !== undefined ? { mac: input.mac.slice(0, 256) } : {}),
      ...(input.client.ip ? { ip: input.client.ip } : {}),
    });
    // A forged or broken payment message is a security event: with the sender's IP (AUTH-4 fields only).
    services.telemetry.event('security.payment-message-rejected', {
      channel: input.channel,
      reason,
      ip: input.client.ip,
      country: input.client.country,
    });
    return { accepted: false, messageId, reason };
  };

  if (input.json === undefined && input.mac === undefined) {
    services.telemetry.event('security.payment-message-rejected', {
      channel: input.channel,
      reason: 'missing',
      ip: input.client.ip,
      country: input.client.country,
    });
    return { accepted: false, reason: 'missing' };
  }
  if (input.json === undefined || input.mac === undefined) return reject('missing');
  if (!settings) return reject('not-configured');
  if (!verifyMac(input.json, input.mac, settings.secretKey)) return reject('mac');
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.json);
  } catch {
    return reject('json');
  }
  const message = messageSchema.safeParse(parsed);
  if (!message.success || (message.data.shop && message.data.shop !== settings.shopId)) return reject('fields');
  const { transaction: transactionId, status } = message.data;

  // One point read: the order this transaction belongs to, so the stored message names its data subject.
  const index = await services.db
    .collection('payments')
    .read<{ id: string; type: string; accountId: string; orderId: string; keyGeneration?: number }>(`trx:${transactionId}`, transactionId);
  await services.db.collection('payments').create({
    id: messageId,
    type: 'payment-message',
    transactionId,
    ...(index?.type === 'payment-transaction' ? { accountId: index.accountId, orderId: index.orderId } : {}),
    channel: input.channel,
    receivedAt,
    status,
    json: input.json,
    mac: input.mac,
  });
  const payerAccount = reportedPayerAccount(message.data);
  await services.bus.send('payments-process', {
    body: {
      transactionId,
      status,
      source: input.channel,
      messageId,
      ...(payerAccount ? { payerAccount } : {}),
      ...(message.data.customer_name ? { payerName: message.data.customer_name.slice(0, 200) } : {}),
    } satisfies ProcessQueueMessage,
    // The duplicate key: copies of the same transaction and status (the return racing the notification) are one job,
    // until a job starts processing. Each run moves the key on (keyGeneration), so a message arriving after it, say
    // the genuine COMPLETED after one the API did not confirm yet, or a repeat after a dead letter, is processed.
    messageId: duplicateKey(transactionId, status, index?.type === 'payment-transaction' ? index.keyGeneration : undefined),
  });
  services.telemetry.event('payment.message-received', { channel: input.channel, transactionId, status, known: Boolean(index) });
  return { accepted: true, messageId, transactionId, status, ...(message.data.reference ? { reference: message.data.reference } : {}) };
}

export function duplicateKey(transactionId: string, status: string, generation: number | undefined): string {
  return generation ? `${transactionId}:${status}:${generation}` : `${transactionId}:${status}`;
}

/** Both callback routes: the message from whichever encoding it came in, stored and queued, plus its id header. */
export async function receiveFromRequest(
  services: Services,
  channel: Channel,
  input: { body: unknown; query: Record<string, unknown>; request: HttpRequest },
): Promise<{ received: Received; headers: Record<string, string> }> {
  const { json, mac } = extractMessage(input.body, input.query);
  const received = await receivePaymentMessage(services, {
    channel,
    ...(json !== undefined ? { json } : {}),
    ...(mac !== undefined ? { mac } : {}),
    client: requestClient(input.request, services.config),
  });
  return { received, headers: received.messageId ? { 'x-payment-message-id': received.messageId } : {} };
}
