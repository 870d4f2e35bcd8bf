import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaksekeskusStandIn, SignedMessage } from '../shared/local/maksekeskus/index.js';
import { startLocalHost, type LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { localDate } from '../shared/store/dates.js';
import type { OrderDoc } from '../shared/store/model.js';

/**
 * PAY-2 recovery (issue 9, defects 2 and 7): a message that changed nothing does not use up the duplicate key, a
 * dead-lettered payment goes back to processing by the operator's replay or by Maksekeskus' repeat, and the reconcile
 * timer covers a dead letter nobody replays. On a host of its own (the stand-in's API outage switch, the clock).
 */

let host: LocalHost;
let mk: MaksekeskusStandIn;
const answered: number[] = [];

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, redeliveryDelayMs: 2 });
  mk = host.maksekeskus!;
});
afterAll(async () => host?.close());

async function call(path: string, init: { method?: string; token?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${host.url}${path}`, { method: init.method ?? 'GET', headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
  answered.push(r.status);
  const text = await r.text();
  return { status: r.status, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
}

async function token(accountId: string): Promise<string> {
  return (await call('/_local/tokens', { method: 'POST', json: { accountId } })).body.accessToken;
}

async function notify(message: SignedMessage): Promise<number> {
  const r = await fetch(`${host.url}/api/payments/maksekeskus/notification`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ json: message.json, mac: message.mac }).toString(),
  });
  answered.push(r.status);
  await r.arrayBuffer();
  return r.status;
}

async function order(accountId: string, orderId: string): Promise<OrderDoc> {
  return (await host.services.db.collection('orders').read<OrderDoc>(orderId, accountId))!;
}

async function placeCardOrder(accountId: string): Promise<{ orderId: string; transactionId: string }> {
  const r = await call('/api/store/orders', {
    method: 'POST',
    token: await token(accountId),
    json: {
      publisherId: demo.publishers.ee,
      packageId: 'package-ee-est-5',
      months: 6,
      startDate: localDate(host.clock.now()),
      paymentMethod: { type: 'card' },
      acknowledgeNoWithdrawal: true,
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const doc = await order(accountId, r.body.order.id);
  return { orderId: doc.id, transactionId: doc.payment!.transactionId! };
}

const deadLetters = () => host.bus.deadLetters('payments-process');
const paidCount = (o: OrderDoc) => o.transitions.filter((t) => t.to === 'paid').length;
const processed = (transactionId: string) =>
  host.telemetry.records.filter((r) => r.name === 'payment.processed' && r.properties?.transactionId === transactionId).map((r) => r.properties?.outcome);

describe('PAY-2 recovery: duplicate keys, dead letters and replay', () => {
  it('PAY-2: a COMPLETED notification the API does not confirm yet does not use up the key: the real COMPLETED then grants the licence, without reconcile', async () => {
    const buyer = demo.accounts.eeClassTeacher;
    const placed = await placeCardOrder(buyer);
    // Signed COMPLETED while Maksekeskus' API still says CREATED (a message ahead of the API).
    expect(await notify(mk.message(placed.transactionId, { status: 'COMPLETED' }))).toBe(200);
    await host.bus.idle();
    expect((await order(buyer, placed.orderId)).status).toBe('pending-payment');
    expect(processed(placed.transactionId)).toEqual(['no-change']);

    // The buyer really pays; the stand-in sends the genuine COMPLETED notification.
    await mk.pay(placed.transactionId, { outcome: 'paid' });
    await host.bus.idle();
    const paid = await order(buyer, placed.orderId);
    expect(paid.status).toBe('licence-active');
    expect(paidCount(paid)).toBe(1);
    expect(processed(placed.transactionId)).toEqual(['no-change', 'paid']);
    expect(host.telemetry.records.some((r) => r.name === 'timer.run' && r.properties?.function === 'payments-reconcile')).toBe(false);
  });

  it('PAY-2: after 10 failed deliveries the message is dead-lettered; Maksekeskus repeating COMPLETED is processed, not dropped as a duplicate', async () => {
    const buyer = demo.accounts.eeTeacher;
    const placed = await placeCardOrder(buyer);
    await mk.pay(placed.transactionId, { outcome: 'paid', notify: false });
    mk.failApi(10, /^GET \/transactions\//);
    expect(await notify(mk.message(placed.transactionId))).toBe(200);
    await host.bus.idle();
    expect(deadLetters().map((d) => (d.body as { transactionId: string }).transactionId)).toContain(placed.transactionId);
    expect((await order(buyer, placed.orderId)).status).toBe('pending-payment');

    expect(await notify(mk.message(placed.transactionId))).toBe(200);
    await host.bus.idle();
    const paid = await order(buyer, placed.orderId);
    expect(paid.status).toBe('licence-active');
    expect(paidCount(paid)).toBe(1);
    await call('/_local/dead-letters/payments-process/replay', { method: 'POST' });
    await host.bus.idle();
  });

  it('PAY-2: the operator replays a dead letter (a new message id); the payment is applied once, and replaying again changes nothing', async () => {
    const buyer = demo.accounts.fiTeacher;
    const placed = await placeCardOrder(buyer);
    await mk.pay(placed.transactionId, { outcome: 'paid', notify: false });
    mk.failApi(10, /^GET \/transactions\//);
    expect(await notify(mk.message(placed.transactionId))).toBe(200);
    await host.bus.idle();
    expect(deadLetters()).toHaveLength(1);

    const dlq = await call('/_local/dead-letters');
    expect(dlq.body['payments-process']).toEqual([expect.objectContaining({ deadLetterReason: 'MaxDeliveryCountExceeded', deadLetterErrorDescription: 'MaksekeskusError' })]);
    const replayed = await call('/_local/dead-letters/payments-process/replay', { method: 'POST' });
    expect(replayed).toMatchObject({ status: 202, body: { replayed: 1 } });
    await host.bus.idle();
    expect(deadLetters()).toEqual([]);
    const paid = await order(buyer, placed.orderId);
    expect(paid.status).toBe('licence-active');

    expect((await call('/_local/dead-letters/payments-process/replay', { method: 'POST' })).body).toEqual({ replayed: 0 });
    await notify(mk.message(placed.transactionId));
    await host.bus.idle();
    const again = await order(buyer, placed.orderId);
    expect(paidCount(again)).toBe(1);
    expect(again.transitions).toHaveLength(paid.transitions.length);
    expect(again.flags).toEqual([]);
  });

  it('PAY-2: a dead letter nobody replays is covered by the reconcile timer', async () => {
    const buyer = demo.accounts.privateUser;
    const placed = await placeCardOrder(buyer);
    await mk.pay(placed.transactionId, { outcome: 'paid', notify: false });
    mk.failApi(10, /^GET \/transactions\//);
    expect(await notify(mk.message(placed.transactionId))).toBe(200);
    await host.bus.idle();
    expect(deadLetters()).toHaveLength(1);
    expect((await order(buyer, placed.orderId)).status).toBe('pending-payment');

    await call('/_local/clock', { method: 'POST', json: { advanceSeconds: 6 * 60 } });
    expect((await call('/admin/functions/payments-reconcile', { method: 'POST', json: {} })).status).toBe(202);
    await host.bus.idle();
    const paid = await order(buyer, placed.orderId);
    expect(paid.status).toBe('licence-active');
    expect(paidCount(paid)).toBe(1);
    expect(paid.flags).toEqual([]);
  });

  it('PAY-2: no endpoint answered a 5xx in this suite', () => {
    expect(answered.filter((s) => s >= 500)).toEqual([]);
  });
});
