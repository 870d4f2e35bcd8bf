import { createHash } from 'node:crypto';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { statusOf } from '../http/error-catalogue.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Bus, OutgoingMessage } from '../platform/bus.js';
import { AdjustableClock } from '../platform/clock.js';
import { type Config, loadConfig } from '../platform/config.js';
import { createDatabase, type Database, type Doc } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { MemoryTelemetry } from '../platform/telemetry.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import {
  duplicateKey,
  extractMessage,
  processQueueMessageSchema,
  type Received,
  receivePaymentMessage,
  rejectionCodes,
  REJECTIONS_STORED_PER_IP,
  reportedPayerAccount,
} from './inbound.js';
import { computeMac } from './mac.js';

/**
 * PAY-2, PAY-3: what the payment endpoints store, queue and answer for each kind of message, on the embedded Cosmos
 * server with an in-memory bus (the end-to-end abuse suite, test/payments-abuse.e2e.test.ts, drives the same code
 * with the Maksekeskus stand-in).
 */

const SECRET = 'test-secret-key-for-inbound-messages';
const SHOP = 'shop-inbound-1';

let cosmos: EmbeddedCosmos;
let db: Database;
const clock = new AdjustableClock();
let telemetry: MemoryTelemetry;
let sent: { queue: string; message: OutgoingMessage<unknown> }[];
const bus: Bus = {
  async send(queue, message) {
    sent.push({ queue, message });
  },
  async sendBatch(queue, messages) {
    for (const message of messages) sent.push({ queue, message });
  },
  async health() {
    return { ok: true, latencyMs: 0 };
  },
  async close() {},
};

const baseEnv = {
  COSMOS_ENDPOINT: 'https://localhost:8081/',
  EMAIL_FROM: 'no-reply@opiq.example',
  PUBLIC_WEB_URL: 'https://opiq.example',
  API_PUBLIC_URL: 'https://api.opiq.example',
  SESSION_SIGNING_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64url')}`,
  UNSUBSCRIBE_SIGNING_KEYS: `u1:${Buffer.alloc(32, 4).toString('base64url')}`,
  APP_ENV: 'local',
};
const configured = loadConfig({ ...baseEnv, MAKSEKESKUS_SHOP_ID: SHOP, MAKSEKESKUS_SECRET_KEY: SECRET });
const unconfigured = loadConfig(baseEnv);

const servicesWith = (config: Config) =>
  ({ config, clock, db, bus, telemetry, email: undefined, identityProviders: new Map() }) as unknown as Services;

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => cosmos?.close());
beforeEach(() => {
  telemetry = new MemoryTelemetry();
  sent = [];
});

let ipCounter = 0;
/** Each test its own client address, so the per-IP storage limit of one test does not reach another. */
const client = () => ({ ip: `198.51.100.${++ipCounter}`, country: 'EE' });

const signed = (message: Record<string, unknown>) => {
  const json = JSON.stringify({ shop: SHOP, ...message });
  return { json, mac: computeMac(json, SECRET) };
};

/** The stored rejected message, as a list: empty when nothing was stored. */
const stored = async (received: Received) => {
  const doc = received.messageId
    ? await db.collection('payments').read<Record<string, unknown> & Doc>(received.messageId, `rejected:${clock.now().toISOString().slice(0, 10)}`)
    : undefined;
  return doc ? [doc] : [];
};
const rejectedToday = async () =>
  (await db.collection('payments').queryAll<Record<string, unknown> & Doc>(`rejected:${clock.now().toISOString().slice(0, 10)}`, {})).length;
const receive = (input: { json?: string; mac?: string }, config = configured, ip = client()) =>
  receivePaymentMessage(servicesWith(config), { channel: 'notification', ...input, client: ip });

describe('extractMessage', () => {
  it('PAY-2: json and mac come from a form or JSON body, else from the query; a non-string json is dropped', () => {
    expect(extractMessage({ json: '{}', mac: 'AB' }, { json: 'q', mac: 'q' })).toEqual({ json: '{}', mac: 'AB' });
    // One of them in the body: the body is the message, the query is not mixed in.
    expect(extractMessage({ mac: 'AB' }, { json: '{}', mac: 'q' })).toEqual({ mac: 'AB' });
    expect(extractMessage({ json: '{}' }, { mac: 'q' })).toEqual({ json: '{}' });
    expect(extractMessage(undefined, { json: '{}', mac: 'AB' })).toEqual({ json: '{}', mac: 'AB' });
    expect(extractMessage([{ json: '{}' }], { json: 'q', mac: 'q' })).toEqual({ json: 'q', mac: 'q' });
    expect(extractMessage('json=x', {})).toEqual({});
    // No body at all (null from an empty JSON body): the query, without a crash.
    expect(extractMessage(null, { json: '{}', mac: 'AB' })).toEqual({ json: '{}', mac: 'AB' });
    expect(extractMessage({ json: { transaction: 't' }, mac: 7 }, {})).toEqual({});
  });
});

describe('receivePaymentMessage: rejections', () => {
  it('PAY-2: a request with neither json nor mac is answered (400) but not stored: nothing in it to keep', async () => {
    const before = await rejectedToday();
    const received = await receive({});
    expect(received).toEqual({ accepted: false, reason: 'missing' });
    expect(await rejectedToday()).toBe(before);
    expect(telemetry.records.map((r) => [r.name, r.properties.reason])).toEqual([['security.payment-message-rejected', 'missing']]);
    expect(sent).toEqual([]);
  });

  it('PAY-2: json without a mac is stored as rejected (missing), with its hash and the client address', async () => {
    const ip = client();
    const received = await receive({ json: '{"transaction":"t-1"}' }, configured, ip);
    expect(received).toMatchObject({ accepted: false, reason: 'missing', messageId: expect.stringMatching(/^msg:/) });
    const [doc] = await stored(received);
    expect(doc).toMatchObject({
      type: 'payment-message-rejected',
      channel: 'notification',
      reason: 'missing',
      json: '{"transaction":"t-1"}',
      jsonLength: 21,
      ip: ip.ip,
    });
    expect(doc).not.toHaveProperty('mac');
    expect(doc?.jsonSha256).toBe(createHash('sha256').update('{"transaction":"t-1"}').digest('hex'));
    expect(sent).toEqual([]);
  });

  it('PAY-2: a mac without json is stored as rejected (missing) too', async () => {
    const received = await receive({ mac: 'AB'.repeat(64) });
    expect(received).toMatchObject({ accepted: false, reason: 'missing' });
    expect((await stored(received))[0]).toMatchObject({ json: '', jsonLength: 0, mac: 'AB'.repeat(64) });
  });

  it('PAY-2: payments not configured: rejected as not-configured, answered 503 (try again later), not 500', async () => {
    const received = await receive(signed({ transaction: 't-2', status: 'COMPLETED' }), unconfigured);
    expect(received).toMatchObject({ accepted: false, reason: 'not-configured' });
    expect([statusOf(rejectionCodes['not-configured']), rejectionCodes['not-configured']]).toEqual([503, 'payments_unavailable']);
    expect(sent).toEqual([]);
  });

  it('PAY-2: a forged mac is rejected and stored; the stored mac and json are capped (8,192 characters of json)', async () => {
    const junk = `{"transaction":"t-3","pad":"${'x'.repeat(20_000)}"}`;
    const received = await receive({ json: junk, mac: 'F'.repeat(1000) });
    expect(received).toMatchObject({ accepted: false, reason: 'mac' });
    const [doc] = await stored(received);
    expect((doc?.json as string).length).toBe(8192);
    expect(doc?.json).toBe(junk.slice(0, 8192));
    expect(doc?.jsonLength).toBe(junk.length);
    expect(doc?.jsonSha256).toBe(createHash('sha256').update(junk).digest('hex'));
    expect(doc?.mac).toBe('F'.repeat(256));
    expect([statusOf(rejectionCodes.mac), rejectionCodes.mac]).toEqual([400, 'payment_mac_invalid']);
    // A forged payment message is a security event, with the sender's address (AUTH-4 fields).
    expect(telemetry.records.map((r) => ({ name: r.name, ...r.properties }))).toEqual([
      {
        name: 'security.payment-message-rejected',
        channel: 'notification',
        reason: 'mac',
        ip: expect.stringMatching(/^198\.51\.100\./),
        country: 'EE',
      },
    ]);
  });

  it('PAY-2: a correctly signed message that is not JSON is rejected as json', async () => {
    const json = '{"transaction":';
    expect(await receive({ json, mac: computeMac(json, SECRET) })).toMatchObject({ accepted: false, reason: 'json' });
  });

  it.each([
    ['a transaction id with a trailing character the pattern forbids', { transaction: 'trx-1!', status: 'COMPLETED' }],
    ['a transaction id with a leading character the pattern forbids', { transaction: '!trx-1', status: 'COMPLETED' }],
    ['a transaction id with a line break after it', { transaction: 'trx-1\n', status: 'COMPLETED' }],
    ['a transaction id of 101 characters', { transaction: 't'.repeat(101), status: 'COMPLETED' }],
    ['an empty transaction id', { transaction: '', status: 'COMPLETED' }],
    ['a status with a trailing character', { transaction: 'trx-1', status: 'COMPLETED;' }],
    ['a status with a leading character', { transaction: 'trx-1', status: ' COMPLETED' }],
    ['a lower-case status', { transaction: 'trx-1', status: 'completed' }],
    ['a status of 41 characters', { transaction: 'trx-1', status: 'A'.repeat(41) }],
    ['no status', { transaction: 'trx-1' }],
    ['another shop', { transaction: 'trx-1', status: 'COMPLETED', shop: 'someone-else' }],
  ])('PAY-2: %s is rejected as fields, stored and not queued', async (_label, message) => {
    const received = await receive(signed(message));
    expect(received).toMatchObject({ accepted: false, reason: 'fields', messageId: expect.any(String) });
    expect(await stored(received)).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  it('PAY-2: past the per-IP limit, rejected messages are counted, not stored', async () => {
    const ip = client();
    for (let i = 0; i < REJECTIONS_STORED_PER_IP; i++) expect((await receive({ json: `junk ${i}` }, configured, ip)).messageId).toBeDefined();
    const before = await rejectedToday();
    const over = await receive({ json: 'one too many' }, configured, ip);
    expect(over).toEqual({ accepted: false, reason: 'missing' });
    expect(await rejectedToday()).toBe(before);
    expect(telemetry.records.at(-1)).toMatchObject({
      name: 'security.payment-message-rejected',
      properties: { stored: 'false', reason: 'missing', channel: 'notification' },
    });
    // Another address is still stored.
    expect((await receive({ json: 'elsewhere' })).messageId).toBeDefined();
  });
});

describe('receivePaymentMessage: accepted messages', () => {
  it('PAY-2, PAY-3: a signed message is stored as received, names its order, and is queued once per transaction and status with the payer’s account', async () => {
    await db.collection('payments').upsert({
      id: 'trx:trx-100',
      type: 'payment-transaction',
      transactionId: 'trx-100',
      accountId: 'acc-buyer',
      orderId: 'ord-100',
      amountCents: 100,
      currency: 'EUR',
      method: 'card',
      createdAt: clock.now().toISOString(),
    });
    const message = signed({
      transaction: 'trx-100',
      status: 'COMPLETED',
      reference: 'ref-1',
      amount: '12.95',
      currency: 'EUR',
      customer_name: 'N'.repeat(250),
      customer_account: 'EE38 2200 2210 2014 5685',
    });
    const received = await receive(message);
    expect(received).toEqual({
      accepted: true,
      messageId: expect.stringMatching(/^msg:/),
      transactionId: 'trx-100',
      status: 'COMPLETED',
      reference: 'ref-1',
    });
    if (!received.accepted) throw new Error('expected accepted');
    const doc = await db.collection('payments').read<Record<string, unknown> & Doc>(received.messageId, 'trx-100');
    expect(doc).toMatchObject({
      type: 'payment-message',
      transactionId: 'trx-100',
      accountId: 'acc-buyer',
      orderId: 'ord-100',
      channel: 'notification',
      status: 'COMPLETED',
      json: message.json,
      mac: message.mac,
    });
    expect(sent).toEqual([
      {
        queue: 'payments-process',
        message: {
          body: {
            transactionId: 'trx-100',
            status: 'COMPLETED',
            source: 'notification',
            messageId: received.messageId,
            payerAccount: 'EE382200221020145685',
            payerName: 'N'.repeat(200),
          },
          messageId: 'trx-100:COMPLETED',
        },
      },
    ]);
    expect(telemetry.records.map((r) => [r.name, r.properties.known])).toEqual([['payment.message-received', 'true']]);
  });

  it('PAY-2: a message for an unknown transaction is still stored and queued (processing asks Maksekeskus), without payer fields it lacks', async () => {
    const received = await receive(signed({ transaction: 't'.repeat(100), status: 'A'.repeat(40), shop: null, amount: 12.95 }));
    expect(received).toMatchObject({ accepted: true, transactionId: 't'.repeat(100) });
    expect(received).not.toHaveProperty('reference');
    if (!received.accepted) throw new Error('expected accepted');
    const doc = await db.collection('payments').read<Record<string, unknown> & Doc>(received.messageId, 't'.repeat(100));
    expect(doc).not.toHaveProperty('accountId');
    expect(sent.map((s) => s.message.body)).toEqual([
      { transactionId: 't'.repeat(100), status: 'A'.repeat(40), source: 'notification', messageId: received.messageId },
    ]);
    expect(telemetry.records.map((r) => [r.name, r.properties.known])).toEqual([['payment.message-received', 'false']]);
  });
});

describe('the processing job’s duplicate key', () => {
  it('PAY-2: copies of one transaction and status share a key; each processing run (a generation) moves it on', async () => {
    expect(duplicateKey('trx-1', 'COMPLETED', undefined)).toBe('trx-1:COMPLETED');
    expect(duplicateKey('trx-1', 'COMPLETED', 0)).toBe('trx-1:COMPLETED');
    expect(duplicateKey('trx-1', 'COMPLETED', 2)).toBe('trx-1:COMPLETED:2');
    await db.collection('payments').upsert({
      id: 'trx:trx-gen',
      type: 'payment-transaction',
      transactionId: 'trx-gen',
      accountId: 'acc-buyer',
      orderId: 'ord-gen',
      amountCents: 100,
      currency: 'EUR',
      method: 'card',
      createdAt: clock.now().toISOString(),
      keyGeneration: 3,
    });
    await receive(signed({ transaction: 'trx-gen', status: 'COMPLETED' }));
    expect(sent.map((s) => s.message.messageId)).toEqual(['trx-gen:COMPLETED:3']);
  });
});

describe('processQueueMessageSchema', () => {
  const job = {
    transactionId: 'trx-1',
    status: 'COMPLETED',
    source: 'notification',
    messageId: 'msg:1',
    payerAccount: 'EE382200221020145685',
    payerName: 'Jaan Tamm',
  };

  it('PAY-2: the processing job takes what the endpoints and reconciliation queue, and nothing else', () => {
    expect(processQueueMessageSchema.parse(job)).toEqual(job);
    for (const source of ['notification', 'return', 'reconcile'])
      expect(processQueueMessageSchema.safeParse({ ...job, source }).success, source).toBe(true);
    expect(processQueueMessageSchema.parse({ transactionId: 't', source: 'reconcile' })).toEqual({ transactionId: 't', source: 'reconcile' });
    expect(
      processQueueMessageSchema.safeParse({
        ...job,
        transactionId: 't'.repeat(100),
        status: 'S'.repeat(40),
        payerAccount: 'A'.repeat(40),
        payerName: 'N'.repeat(200),
      }).success,
    ).toBe(true);
  });

  it.each([
    ['an empty transaction id', { transactionId: '' }],
    ['a transaction id of 101 characters', { transactionId: 't'.repeat(101) }],
    ['a status of 41 characters', { status: 'S'.repeat(41) }],
    ['an unknown source', { source: 'browser' }],
    ['a payer account of 41 characters', { payerAccount: 'A'.repeat(41) }],
    ['a payer name of 201 characters', { payerName: 'N'.repeat(201) }],
    ['an extra field', { amount: 100 }],
  ])('PAY-2: a job with %s is refused', (_label, change) => {
    expect(processQueueMessageSchema.safeParse({ ...job, ...change }).success).toBe(false);
  });
});

describe('reportedPayerAccount', () => {
  it('PAY-3: the first usable account field, spaces removed; junk is not taken for an account', () => {
    expect(reportedPayerAccount({ customer_account: 'EE38 2200 2210 2014 5685' })).toBe('EE382200221020145685');
    expect(reportedPayerAccount({ customer_iban: 'EE382200221020145685' })).toBe('EE382200221020145685');
    expect(reportedPayerAccount({ payer_account: 'FI2112345600000785' })).toBe('FI2112345600000785');
    expect(reportedPayerAccount({ payer_iban: 'LT121000011101001000' })).toBe('LT121000011101001000');
    expect(reportedPayerAccount({ customer_account: 'bad!', customer_iban: 'EE382200221020145685' })).toBe('EE382200221020145685');
    expect(reportedPayerAccount({ customer_account: 'A1B2' })).toBeUndefined();
    expect(reportedPayerAccount({ customer_account: 'A1B2C' })).toBe('A1B2C');
    expect(reportedPayerAccount({ customer_account: 'A'.repeat(40) })).toBe('A'.repeat(40));
    expect(reportedPayerAccount({ customer_account: 'A'.repeat(41) })).toBeUndefined();
    expect(reportedPayerAccount({ customer_account: 'x EE382200221020145685' })).toBe('xEE382200221020145685');
    expect(reportedPayerAccount({ customer_account: 'EE38-2200' })).toBeUndefined();
    expect(reportedPayerAccount({ customer_account: 'EE382200\n' })).toBeUndefined();
    expect(reportedPayerAccount({ customer_account: 12345678 })).toBeUndefined();
    expect(reportedPayerAccount({})).toBeUndefined();
  });
});
