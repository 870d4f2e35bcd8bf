import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { computeMac } from '../shared/payments/mac.js';

/**
 * PAY-2: what Maksekeskus and the browser get back from the two payment endpoints for each kind of message, on hosts
 * started in this test worker (so mutation testing reaches them): one with a known shop id and secret key and no
 * stand-in, one with payments not configured at all.
 */

const SHOP = 'shop-endpoints';
const SECRET = 'secret-for-the-endpoint-tests';

async function post(host: LocalHost, path: string, fields: Record<string, string>, as: 'form' | 'json' = 'form') {
  const response = await fetch(`${host.url}/api/payments/maksekeskus/${path}`, {
    method: 'POST',
    headers: { 'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: as === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  const text = await response.text();
  return {
    status: response.status,
    messageId: response.headers.get('x-payment-message-id'),
    location: response.headers.get('location'),
    code:
      text && (response.headers.get('content-type') ?? '').includes('json')
        ? (JSON.parse(text) as { error?: { code?: string } }).error?.code
        : undefined,
  };
}

const signed = (message: Record<string, unknown>) => {
  const json = JSON.stringify({ shop: SHOP, ...message });
  return { json, mac: computeMac(json, SECRET) };
};

describe('payment endpoints with payments configured', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startLocalHost({
      port: 0,
      sweepIntervalMs: 0,
      identityStandIns: false,
      maksekeskusStandIn: false,
      redeliveryDelayMs: 5,
      env: { MAKSEKESKUS_SHOP_ID: SHOP, MAKSEKESKUS_SECRET_KEY: SECRET },
    });
  });
  afterAll(async () => host?.close());

  it.each([
    ['neither json nor mac', {}, 400, 'payment_message_invalid', false],
    ['json without a mac', { json: '{"transaction":"t"}' }, 400, 'payment_message_invalid', true],
    ['a forged mac', { json: '{"transaction":"t"}', mac: 'A'.repeat(128) }, 400, 'payment_mac_invalid', true],
    ['signed json that does not parse', { json: '{"transaction"', mac: computeMac('{"transaction"', SECRET) }, 400, 'payment_json_invalid', true],
    ['a signed message with an invalid transaction id', signed({ transaction: 'trx 1', status: 'COMPLETED' }), 400, 'payment_message_invalid', true],
  ])(
    'PAY-2: a notification with %s is answered %i %s (Maksekeskus stops retrying), with the stored message’s id',
    async (_label, fields, status, code, stored) => {
      const response = await post(host, 'notification', fields);
      expect(response).toMatchObject({ status, code });
      if (stored) expect(response.messageId).toMatch(/^msg:/);
      else expect(response.messageId).toBeNull();
    },
  );

  it('PAY-2: a good notification, as a form or as a JSON body, is accepted with its message id', async () => {
    for (const as of ['form', 'json'] as const) {
      const response = await post(host, 'notification', signed({ transaction: `trx-endpoint-${as}`, status: 'COMPLETED', amount: '12.95' }), as);
      expect(response).toMatchObject({ status: 200, code: undefined });
      expect(response.messageId).toMatch(/^msg:/);
      const stored = await host.services.db
        .collection('payments')
        .read<{ id: string; type: string; json: string }>(response.messageId!, `trx-endpoint-${as}`);
      expect(stored).toMatchObject({ type: 'payment-message' });
    }
  });

  it('PAY-2: the browser return sends the user back to the shop, to the order when the message verified', async () => {
    const good = await post(
      host,
      'return',
      signed({ transaction: 'trx-endpoint-return', status: 'COMPLETED', reference: 'ord-ABCDEFGH', amount: 12.95 }),
    );
    expect(good.status).toBe(303);
    expect(good.location).toBe(`${host.config.PUBLIC_WEB_URL}/shop/orders/ord-ABCDEFGH?payment=completed`);
    expect(good.messageId).toMatch(/^msg:/);
    const forged = await post(host, 'return', { json: '{"transaction":"t"}', mac: 'A'.repeat(128) });
    expect(forged.status).toBe(303);
    expect(forged.location).toBe(`${host.config.PUBLIC_WEB_URL}/shop/orders?payment=unverified`);
    expect(forged.messageId).toMatch(/^msg:/);
  });
});

describe('payment endpoints with payments not configured', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  });
  afterAll(async () => host?.close());

  it('PAY-2: a message is stored and answered 503 payments_unavailable (retry later), never a 500', async () => {
    const response = await post(host, 'notification', { json: '{"transaction":"t"}', mac: 'A'.repeat(128) });
    expect(response).toMatchObject({ status: 503, code: 'payments_unavailable' });
    expect(response.messageId).toMatch(/^msg:/);
  });
});
